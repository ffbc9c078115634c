"""What a booking notice says, per kind and language: subject, plain text, HTML and SMS.

HTML is built from escaped pieces only; SMS stays within two segments (the title and the room
name are shortened first, so the date and the link survive)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from services.notify.domain import sms
from services.notify.domain.notice import Notice, Occurrence
from services.notify.domain.when import span

MAX_LISTED = 10  # dates listed in an email; the invitation carries all of them

SUBJECTS = {
    "de": {
        "requested": "Buchungsanfrage",
        "approved": "Buchung genehmigt",
        "declined": "Buchung abgelehnt",
        "confirmed": "Buchung bestätigt",
        "changed": "Buchung geändert",
        "cancelled": "Buchung abgesagt",
        "reminder": "Erinnerung",
    },
    "en": {
        "requested": "Booking request",
        "approved": "Booking approved",
        "declined": "Booking declined",
        "confirmed": "Booking confirmed",
        "changed": "Booking changed",
        "cancelled": "Booking cancelled",
        "reminder": "Reminder",
    },
}
INTROS = {
    "de": {
        "requested": "die Buchung „{title}“ im Raum {room} wurde angefragt und wartet auf Bestätigung.",
        "approved": "die Buchung „{title}“ im Raum {room} wurde genehmigt.",
        "declined": "die Buchung „{title}“ im Raum {room} wurde leider abgelehnt.",
        "confirmed": "die Buchung „{title}“ im Raum {room} ist bestätigt.",
        "changed": "die Buchung „{title}“ im Raum {room} wurde geändert.",
        "cancelled": "die Buchung „{title}“ im Raum {room} wurde abgesagt.",
        "reminder": "zur Erinnerung: die Buchung „{title}“ im Raum {room} steht bevor.",
    },
    "en": {
        "requested": "the booking “{title}” of room {room} was requested and awaits approval.",
        "approved": "the booking “{title}” of room {room} was approved.",
        "declined": "the booking “{title}” of room {room} was declined.",
        "confirmed": "the booking “{title}” of room {room} is confirmed.",
        "changed": "the booking “{title}” of room {room} was changed.",
        "cancelled": "the booking “{title}” of room {room} was cancelled.",
        "reminder": "a reminder: the booking “{title}” of room {room} is coming up.",
    },
}
WORDS = {
    "de": {
        "hello": "Hallo {name},",
        "room": "Raum",
        "address": "Adresse",
        "partner": "Anbieter",
        "dates": "Termine",
        "date": "Termin",
        "more": "und {n} weitere",
        "comment": "Anmerkung",
        "details": "Details",
        "invite": "Die Kalendereinladung im Anhang übernimmt den Termin in Outlook, Thunderbird oder Apple Kalender.",
        "cancel_invite": "Die Nachricht im Anhang entfernt den Termin aus Ihrem Kalender.",
        "sms_more": "(+{n} weitere)",
        "signature": "Treffpunkt Generationen Jena",
        "cancel_date": "Sie können nicht? Diesen Termin absagen",
        "preferences": "Benachrichtigungen einstellen",
    },
    "en": {
        "hello": "Hello {name},",
        "room": "Room",
        "address": "Address",
        "partner": "Provider",
        "dates": "Dates",
        "date": "Date",
        "more": "and {n} more",
        "comment": "Note",
        "details": "Details",
        "invite": "The attached invitation adds this to Outlook, Thunderbird or Apple Calendar.",
        "cancel_invite": "The attached message removes this from your calendar.",
        "sms_more": "(+{n} more)",
        "signature": "Treffpunkt Generationen Jena",
        "cancel_date": "Cannot come? Cancel this date",
        "preferences": "Notification settings",
    },
}


@dataclass(frozen=True)
class Texts:
    subject: str
    text: str
    html: str
    sms: str


def _lang(notice: Notice) -> str:
    return notice.language if notice.language in SUBJECTS else "de"


def subject(notice: Notice) -> str:
    return f"{SUBJECTS[_lang(notice)][notice.kind]}: {notice.title}"


def _facts(notice: Notice) -> list[tuple[str, str]]:
    w = WORDS[_lang(notice)]
    facts = [(w["room"], notice.room_name)]
    if notice.room_address:
        facts.append((w["address"], notice.room_address))
    if notice.partner_name:
        facts.append((w["partner"], notice.partner_name))
    if notice.comment:
        facts.append((w["comment"], notice.comment))
    return facts


def _about(notice: Notice) -> tuple[Occurrence, ...]:
    """The dates the texts talk about: the one a reminder is for, else all shown ones."""
    return (notice.reminder_for,) if notice.reminder_for else notice.shown_occurrences


def _cancel_url(notice: Notice) -> str:
    return notice.reminder_for.cancel_url if notice.reminder_for else ""


def _web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _dates(notice: Notice) -> tuple[list[str], int]:
    shown = _about(notice)
    return [span(o, _lang(notice)) for o in shown[:MAX_LISTED]], max(0, len(shown) - MAX_LISTED)


def plain_text(notice: Notice) -> str:
    lang = _lang(notice)
    w = WORDS[lang]
    intro = INTROS[lang][notice.kind].format(title=notice.title, room=notice.room_name)
    lines = [w["hello"].format(name=notice.recipient_name), "", intro, ""]
    lines += [f"{label}: {value}" for label, value in _facts(notice)]
    dates, more = _dates(notice)
    lines.append(f"{w['dates'] if len(dates) > 1 else w['date']}:")
    lines += [f"  - {d}" for d in dates]
    if more:
        lines.append("  " + w["more"].format(n=more))
    if _cancel_url(notice):
        lines += ["", f"{w['cancel_date']}: {_cancel_url(notice)}"]
    if notice.link:
        lines += ["", f"{w['details']}: {notice.link}"]
    lines += ["", w["cancel_invite"] if notice.cancels else w["invite"], "", "-- ", w["signature"]]
    if notice.preferences_url:
        lines.append(f"{w['preferences']}: {notice.preferences_url}")
    return "\n".join(lines) + "\n"


def html(notice: Notice) -> str:
    lang = _lang(notice)
    w = WORDS[lang]

    def e(value: object) -> str:  # every value passes through here
        return escape(str(value), quote=True)

    intro = INTROS[lang][notice.kind].format(title=e(notice.title), room=e(notice.room_name))
    facts = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in _facts(notice))
    dates, more = _dates(notice)
    items = "".join(f"<li>{e(d)}</li>" for d in dates) + (f"<li>{e(w['more'].format(n=more))}</li>" if more else "")
    link = f'<p><a href="{e(notice.link)}">{e(w["details"])}</a></p>' if _web(notice.link) else ""
    if _web(_cancel_url(notice)):
        link = f'<p><a href="{e(_cancel_url(notice))}">{e(w["cancel_date"])}</a></p>' + link
    footer = (
        f'<p style="font-size:0.9em"><a href="{e(notice.preferences_url)}">{e(w["preferences"])}</a></p>'
        if _web(notice.preferences_url)
        else ""
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(subject(notice))}</title></head>'
        f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5">'
        f"<p>{e(w['hello'].format(name=notice.recipient_name))}</p><p>{intro}</p>"
        f'<table>{facts}</table><h2 style="font-size:1.1em">{e(w["dates"] if len(dates) > 1 else w["date"])}</h2>'
        f"<ul>{items}</ul>{link}<p>{e(w['cancel_invite'] if notice.cancels else w['invite'])}</p>"
        f"<p>{e(w['signature'])}</p>{footer}</body></html>"
    )


def sms_text(notice: Notice) -> str:
    """One short line with what, where, when and the link, within two segments."""
    lang = _lang(notice)
    shown = _about(notice)
    when = span(shown[0], lang, dash="-") if shown else ""
    more = " " + WORDS[lang]["sms_more"].format(n=len(shown) - 1) if len(shown) > 1 else ""
    target = _cancel_url(notice) or notice.link  # a reminder links to cancelling that date
    link = f" {target}" if target else ""

    def compose(title: str, room: str, with_link: bool = True) -> str:
        return f"{SUBJECTS[lang][notice.kind]}: {title}, {room}, {when}{more}.{link if with_link else ''}"

    title, room = notice.title, notice.room_name
    for limit in (60, 40, 25, 15):  # shorten what people recognise anyway, keep when and link
        if sms.segments(compose(title, room)) <= sms.MAX_SEGMENTS:
            return compose(title, room)
        title, room = _cut(notice.title, limit), _cut(notice.room_name, limit)
    text = compose(title, room)
    if sms.segments(text) > sms.MAX_SEGMENTS:
        text = compose(title, room, with_link=False)
    return sms.truncate(text)


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 3].rstrip() + "..."


def render(notice: Notice) -> Texts:
    return Texts(subject=subject(notice), text=plain_text(notice), html=html(notice), sms=sms_text(notice))
