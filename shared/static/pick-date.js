// A "Kalender" button beside each date field (data-picker="date") that opens the browser's own
// date picker and writes the chosen day back as 08.12.2026, the form the field reads. Only where
// the browser has such a picker (showPicker); without JavaScript the text field works alone, and
// typing stays the first way in. Loaded with defer from the page (no inline script: the CSP).
(function () {
  "use strict";
  var probe = document.createElement("input");
  probe.type = "date";
  if (probe.type !== "date" || typeof probe.showPicker !== "function") {
    return;
  }
  var english = document.documentElement.lang === "en";
  var word = english ? "Calendar" : "Kalender";

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // "Di, 08.12.2026", "8.12.2026" or "2026-12-08" -> "2026-12-08"; anything else -> ""
  function iso(text) {
    var german = /(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(text);
    if (german) {
      return german[3] + "-" + two(+german[2]) + "-" + two(+german[1]);
    }
    var plain = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
    return plain ? plain[1] + "-" + plain[2] + "-" + plain[3] : "";
  }

  function enhance(field) {
    var holder = document.createElement("span");
    holder.className = "picker";
    holder.style.position = "relative";
    holder.style.display = "inline-block";

    var button = document.createElement("button");
    button.type = "button";
    button.textContent = word;
    var label = field.labels && field.labels[0] ? field.labels[0].textContent.trim() : "";
    if (label) {
      button.setAttribute("aria-label", word + ": " + label);
    }

    // the browser's picker is anchored here: invisible, out of the tab order and of the
    // accessibility tree, yet labelled like every input of the pages
    var native = document.createElement("input");
    native.type = "date";
    native.tabIndex = -1;
    var anchor = document.createElement("label");
    anchor.setAttribute("aria-hidden", "true");
    anchor.style.cssText =
      "position:absolute;left:0;bottom:0;width:1px;height:1px;overflow:hidden;opacity:0;pointer-events:none";
    anchor.appendChild(native);
    anchor.appendChild(document.createTextNode(word + (label ? ": " + label : "")));

    button.addEventListener("click", function () {
      native.value = iso(field.value);
      try {
        native.showPicker();
      } catch (e) {
        field.focus(); // no picker after all (e.g. inside a cross-origin frame): type instead
      }
    });
    native.addEventListener("change", function () {
      var parts = native.value.split("-");
      if (parts.length === 3) {
        field.value = parts[2] + "." + parts[1] + "." + parts[0];
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
      field.focus();
    });

    holder.appendChild(button);
    holder.appendChild(anchor);
    field.insertAdjacentElement("afterend", holder);
  }

  var fields = document.querySelectorAll('input[data-picker="date"]');
  for (var i = 0; i < fields.length; i++) {
    enhance(fields[i]);
  }
})();
