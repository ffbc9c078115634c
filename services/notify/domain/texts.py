"""What a booking notice says, per kind, side (booker or owner) and language: subject, plain
text, HTML and SMS. The words are in wording.py; this module decides what is told.

Both emails come from one outline (paragraphs, facts, lists of dates, links), so they say the
same. HTML is built from escaped pieces only; SMS stays within two segments (the title, room
and reason are shortened first, so the date and the link survive)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from services.notify.domain import sms
from services.notify.domain.notice import Notice, Occurrence
from services.notify.domain.when import span
from services.notify.domain.wording import COUNTED, HEADINGS, INTROS, SUBJECTS, WORDS, counted

MAX_LISTED = 10  # dates listed per list in an email; the invitation carries all of them


@dataclass(frozen=True)
class Texts:
    subject: str
    text: str
    html: str
    sms: str


@dataclass(frozen=True)
class Section:
    """One list of dates under a heading; the last line may say how many more there are."""

    heading: str
    lines: tuple[str, ...]
    more: str = ""


@dataclass(frozen=True)
class Outline:
    greeting: str
    intro: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    links: tuple[tuple[str, str], ...]  # (label, url)
    closing: str  # what the attached calendar part does, if any


def _lang(notice: Notice) -> str:
    return notice.language if notice.language in SUBJECTS else "de"


def _side(notice: Notice) -> str:
    return "owner" if notice.to_owner else "booker"


def _topic(notice: Notice) -> str:
    return "approved_partly" if notice.partly_approved else notice.kind


def _label(notice: Notice) -> str:
    return SUBJECTS[_lang(notice)][_side(notice)][_topic(notice)]


def subject(notice: Notice) -> str:
    return f"{_label(notice)}: {notice.title}"


def _by(notice: Notice) -> str:
    """ " von Lena Beispiel (AWO Nord)": whose booking it is, told to the room's owner."""
    booker = notice.booker
    if not notice.to_owner or booker is None or not booker.name:
        return ""
    who = f"{booker.name} ({booker.partner_name})" if booker.partner_name else booker.name
    return WORDS[_lang(notice)]["by"].format(who=who)


def _intro(notice: Notice) -> str:
    lang = _lang(notice)
    template = INTROS[lang][_side(notice)][_topic(notice)]
    owner = notice.partner_name or WORDS[lang]["the_owner"]
    return template.format(title=notice.title, room=notice.room_name, by=_by(notice), owner=owner)


def _facts(notice: Notice) -> tuple[tuple[str, str], ...]:
    w = WORDS[_lang(notice)]
    facts = [(w["room"], notice.room_name), (w["address"], notice.room_address)]
    booker = notice.booker
    if notice.to_owner and booker is not None:  # who asks, and how to reach them
        who = w["asked_by"] if notice.kind == "requested" else w["booked_by"]
        facts += [(who, booker.name), (w["booker_partner"], booker.partner_name)]
        facts += [(w["email"], booker.email), (w["phone"], booker.phone)]
    elif not notice.to_owner:
        facts.append((w["partner"], notice.partner_name))
    facts += [(w["what_for"], notice.description), (w["reason"], notice.reason), (w["comment"], notice.comment)]
    return tuple((label, value) for label, value in facts if value)


Line = Callable[[Occurrence], str]


def _section(notice: Notice, key: str, dates: Sequence[Occurrence], line: Line) -> list[Section]:
    """The dates under the heading `key` (none: no section), at most MAX_LISTED of them."""
    if not dates:
        return []
    lang = _lang(notice)
    one, many = HEADINGS[lang][key]
    rest = len(dates) - MAX_LISTED
    more = counted(COUNTED[lang]["more"], rest) if rest > 0 else ""
    return [Section(one if len(dates) == 1 else many, tuple(line(o) for o in dates[:MAX_LISTED]), more)]


def _lines(notice: Notice) -> tuple[Line, Line, Line, Line]:
    """How one date is written: with its comment; also saying that it waits for approval; as
    a change ("alt → neu", "fällt aus"); as moved ("alt → neu") without its state."""
    lang = _lang(notice)
    w = WORDS[lang]

    def with_comment(text: str, o: Occurrence) -> str:
        return f"{text} ({w['comment']}: {o.comment})" if o.comment else text

    def plain(o: Occurrence) -> str:
        return with_comment(span(o, lang), o)

    def marked(o: Occurrence) -> str:
        return with_comment(span(o, lang) + (f" – {w['pending']}" if o.pending else ""), o)

    def change(o: Occurrence) -> str:
        was = o.was
        if o.cancelled:
            text = f"{span(o, lang)} – {w['declined' if o.state == 'declined' else 'cancelled']}"
        elif was is not None:
            text = f"{span(was, lang, uhr=False)} → {span(o, lang)}"
        else:
            text = span(o, lang)
        if o.pending:
            text += f" – {w['pending']}"
        return with_comment(text, o)

    def moved(o: Occurrence) -> str:
        was = o.was
        return with_comment(f"{span(was, lang, uhr=False)} → {span(o, lang)}" if was else span(o, lang), o)

    return plain, marked, change, moved


def _sections(notice: Notice) -> tuple[Section, ...]:
    plain, marked, change, moved = _lines(notice)
    if notice.reminder_for:
        return tuple(_section(notice, "dates", (notice.reminder_for,), plain))
    if notice.kind == "requested":  # what waits for the owner (moved: old -> new), then what stays booked
        waiting = [o for o in notice.shown_occurrences if o.pending] or notice.shown_occurrences
        booked = [o for o in notice.active_occurrences if o.booked and o not in waiting]
        return tuple(
            _section(notice, "requested_dates", waiting, moved) + _section(notice, "booked_dates", booked, plain)
        )
    if notice.partly_approved:
        by_state = {s: [o for o in notice.occurrences if o.state == s] for s in ("valid", "declined", "pending")}
        return tuple(
            _section(notice, "approved_dates", by_state["valid"], plain)
            + _section(notice, "declined_dates", by_state["declined"], plain)
            + _section(notice, "pending_dates", by_state["pending"], plain)
        )
    if notice.kind == "changed":
        changes = [o for o in notice.occurrences if o.touched] or [
            o for o in notice.occurrences if o.cancelled or o.pending or o.was is not None
        ]  # senders that mark no date: everything that is not simply booked
        waiting = [o for o in notice.occurrences if o.pending and o not in changes]
        return tuple(  # then every booked date (moved ones again), and what still waits
            _section(notice, "changes", changes, change)
            + _section(notice, "booked_dates" if changes else "dates", notice.active_occurrences, plain)
            + _section(notice, "pending_dates", waiting, plain)
        )
    return tuple(_section(notice, "dates", notice.shown_occurrences, marked))


def _web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _links(notice: Notice) -> tuple[tuple[str, str], ...]:
    w = WORDS[_lang(notice)]
    links = []
    if notice.reminder_for and notice.reminder_for.cancel_url:
        links.append((w["cancel_date"], notice.reminder_for.cancel_url))
    if notice.link:
        decides = notice.to_owner and notice.kind == "requested"
        links.append((w["decide"] if decides else w["details"], notice.link))
    return tuple(links)


def _closing(notice: Notice) -> str:
    w = WORDS[_lang(notice)]
    if notice.invites:
        return w["cancel_invite"] if notice.cancels else w["invite"]
    if notice.in_own_calendar:
        return ""
    if not notice.to_owner and (notice.kind == "requested" or any(o.pending for o in notice.occurrences)):
        return w["invite_later"]
    return ""


def outline(notice: Notice) -> Outline:
    w = WORDS[_lang(notice)]
    return Outline(
        greeting=w["hello"].format(name=notice.recipient_name),
        intro=_intro(notice),
        facts=_facts(notice),
        sections=_sections(notice),
        links=_links(notice),
        closing=_closing(notice),
    )


def plain_text(notice: Notice) -> str:
    w = WORDS[_lang(notice)]
    o = outline(notice)
    lines = [o.greeting, "", o.intro, ""]
    lines += [f"{label}: {value}" for label, value in o.facts]
    for section in o.sections:
        lines += ["", f"{section.heading}:", *(f"  - {line}" for line in section.lines)]
        if section.more:
            lines.append(f"  {section.more}")
    for label, url in o.links:
        lines += ["", f"{label}: {url}"]
    if o.closing:
        lines += ["", o.closing]
    lines += ["", "-- ", w["signature"]]
    if notice.preferences_url:
        lines.append(f"{w['preferences']}: {notice.preferences_url}")
    return "\n".join(lines) + "\n"


def html(notice: Notice) -> str:
    lang = _lang(notice)
    w = WORDS[lang]
    o = outline(notice)

    def e(value: object) -> str:  # every value passes through here
        return escape(str(value), quote=True)

    facts = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in o.facts)
    sections = "".join(
        f'<h2 style="font-size:1.1em">{e(s.heading)}</h2><ul>'
        + "".join(f"<li>{e(line)}</li>" for line in s.lines)
        + (f"<li>{e(s.more)}</li>" if s.more else "")
        + "</ul>"
        for s in o.sections
    )
    links = "".join(f'<p><a href="{e(url)}">{e(label)}</a></p>' for label, url in o.links if _web(url))
    closing = f"<p>{e(o.closing)}</p>" if o.closing else ""
    footer = (
        f'<p style="font-size:0.9em"><a href="{e(notice.preferences_url)}">{e(w["preferences"])}</a></p>'
        if _web(notice.preferences_url)
        else ""
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(subject(notice))}</title></head>'
        f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5;overflow-wrap:anywhere">'
        f"<p>{e(o.greeting)}</p><p>{e(o.intro)}</p><table>{facts}</table>{sections}{links}{closing}"
        f"<p>{e(w['signature'])}</p>{footer}</body></html>"
    )


def _about(notice: Notice) -> tuple[Occurrence, ...]:
    """The dates an SMS talks about: the one a reminder is for, else all shown ones."""
    return (notice.reminder_for,) if notice.reminder_for else notice.shown_occurrences


def sms_text(notice: Notice) -> str:
    """One short line with what, where, when, why (a reason) and the link, within two segments."""
    lang = _lang(notice)
    w = WORDS[lang]
    shown = _about(notice)
    when = span(shown[0], lang, dash="-") if shown else ""
    more = " " + counted(COUNTED[lang]["sms_more"], len(shown) - 1) if len(shown) > 1 else ""
    target = (notice.reminder_for.cancel_url if notice.reminder_for else "") or notice.link
    link = f" {target}" if target else ""

    def compose(title: str, room: str, reason: str, with_link: bool = True) -> str:
        why = f" {w['reason']}: {reason}." if reason else ""
        return f"{_label(notice)}: {title}, {room}, {when}{more}.{why}{link if with_link else ''}"

    title, room, reason = notice.title, notice.room_name, notice.reason
    for limit in (60, 40, 25, 15):  # shorten what people recognise anyway, keep when and link
        if sms.segments(compose(title, room, reason)) <= sms.MAX_SEGMENTS:
            return compose(title, room, reason)
        title, room, reason = (_cut(v, limit) for v in (notice.title, notice.room_name, notice.reason))
    text = compose(title, room, reason)
    if sms.segments(text) > sms.MAX_SEGMENTS:
        text = compose(title, room, reason, with_link=False)
    return sms.truncate(text)


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 3].rstrip() + "..."


def render(notice: Notice) -> Texts:
    return Texts(subject=subject(notice), text=plain_text(notice), html=html(notice), sms=sms_text(notice))
