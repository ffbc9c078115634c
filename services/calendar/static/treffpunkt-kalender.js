/* <treffpunkt-kalender>: the next dates of the Treffpunkt Jena calendar on a partner's website,
   in the page's own font; no framework, no build step. Attributes as on /calendar/embed/help:
   partner, district, category, audience, access, time, free, q (values split by commas), limit,
   lang. Reads embed.json of the server this file came from. Without JavaScript: the iframe. */
(() => {
  const base = new URL(document.currentScript?.src || location.href).origin;
  const KEYS = ["partner", "district", "category", "audience", "access", "time", "free", "q"];
  const WORDS = {
    de: { all: "Alle Termine", off: "fällt aus", none: "Zurzeit sind keine Termine geplant.",
      failed: "Die Termine konnten nicht geladen werden.", wait: "Termine werden geladen …",
      allDay: "ganztägig", clock: " Uhr", locale: "de-DE" },
    en: { all: "All dates", off: "cancelled", none: "No dates are planned at the moment.",
      failed: "The dates could not be loaded.", wait: "Loading dates …",
      allDay: "all day", clock: "", locale: "en-GB" },
  };
  const CSS = `:host{display:block;font:inherit;color:inherit}
ul{list-style:none;margin:0;padding:0}li{padding:.5em 0;border-bottom:1px solid #8888}
p{margin:0}.when{font-weight:600}.title{font-size:1.1em}.off{font-weight:700;margin-left:.4em}
.cancelled .title{text-decoration:line-through}.all{margin-top:.6em}`;
  let sheet;

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    node.append(...children.filter((c) => c !== null && c !== ""));
    return node;
  };

  class TreffpunktKalender extends HTMLElement {
    static observedAttributes = [...KEYS, "limit", "lang"];

    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
      this.shadowRoot.adoptedStyleSheets = [sheet];
    }

    connectedCallback() { this.schedule(); }
    attributeChangedCallback() { if (this.isConnected) this.schedule(); }
    disconnectedCallback() { this.request?.abort(); }

    schedule() { // one fetch for all attributes set at once
      if (this.pending) return;
      this.pending = true;
      queueMicrotask(() => { this.pending = false; this.load(); });
    }

    get words() {
      return WORDS[(this.closest("[lang]")?.lang || "de").slice(0, 2).toLowerCase()] || WORDS.de;
    }

    query() {
      const query = new URLSearchParams();
      for (const key of KEYS) {
        const value = this.getAttribute(key);
        if (!value) continue;
        for (const v of key === "q" ? [value] : value.split(",")) v.trim() && query.append(key, v.trim());
      }
      return query;
    }

    async load() {
      const words = this.words, query = this.query();
      this.request?.abort();
      this.request = new AbortController();
      const filters = query.toString(), data = new URLSearchParams(query), limit = this.getAttribute("limit");
      if (limit) data.set("limit", limit);
      data.set("lang", words === WORDS.en ? "en" : "de");
      this.show(el("p", { role: "status" }, words.wait));
      try {
        const answer = await fetch(`${base}/calendar/embed.json?${data}`,
          { signal: this.request.signal, credentials: "omit" });
        if (!answer.ok) throw new Error(answer.status);
        const found = await answer.json();
        const all = el("p", { class: "all" }, el("a", { href: `${base}/calendar/${filters ? "?" + filters : ""}` }, words.all));
        const list = found.length ? el("ul", { role: "list" }, ...found.map((d) => this.item(d, words)))
          : el("p", {}, words.none);
        this.show(list, all);
      } catch (error) {
        if (error.name === "AbortError") return;
        this.show(el("p", { role: "status" }, words.failed,
          " ", el("a", { href: `${base}/calendar/` }, words.all)));
      }
    }

    show(...nodes) { this.shadowRoot.replaceChildren(...nodes); }

    item(d, words) {
      const f = (o) => new Intl.DateTimeFormat(words.locale, { timeZone: d.all_day ? "UTC" : "Europe/Berlin", ...o });
      const day = f({ weekday: "long", day: "numeric", month: "long" }).format(new Date(d.start));
      const time = f({ hour: "2-digit", minute: "2-digit" });
      const when = d.all_day ? `${day}, ${words.allDay}`
        : `${day}, ${time.format(new Date(d.start))}–${time.format(new Date(d.end))}${words.clock}`;
      return el("li", d.cancelled ? { class: "cancelled" } : {},
        el("p", { class: "when" }, el("time", { datetime: d.start }, when),
          d.cancelled ? el("strong", { class: "off" }, words.off) : null),
        el("p", { class: "title" }, el("a", { href: d.url }, d.title)),
        el("p", { class: "where" }, [d.place, d.district].filter(Boolean).join(" · ")),
        d.facts.length ? el("p", { class: "facts" }, d.facts.join(" · ")) : null);
    }
  }

  customElements.get("treffpunkt-kalender") || customElements.define("treffpunkt-kalender", TreffpunktKalender);
})();
