"""Demo bookings (make run): the room exchange at work in the weeks after the day it is loaded,
so it never goes stale. Bookings by several partners; a room that needs approval with a series
waiting for its owner (a partial approval can be tried on it); the Christmas holidays closing
one house; a series with one date left out because another booking holds it; a cancelled date.
And the year before the loading day (PAST), so the figures (/rooms/figures) have something to
count: series and one-off dates by other partners, requests approved and declined, cancellations.

Everything goes through the booking use cases (rules, series, decide, cancel), each in its own
unit of work as a page would run it, so the calendar, notify and the audit log follow as in real
use. The past is made under the demo's clock set back (Ctx.now: the use cases' "now"), to the
day each booking was asked for, answered or cancelled: the rules judge it as they would have
then, and the audit log says when. Loaded once: only into a rooms database that holds no booking yet."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from shared.db import transaction
from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import cancel, decide, rules, series
from services.rooms.booking.context import Ctx
from services.rooms.db.models import Booking, Occurrence, Room
from services.rooms.request_context import ctx

APPROVAL_ROOM = ("mgh-lobeda", "Großer Saal")
CLOSED_HOUSE = "familienzentrum-winzerla"
HOLIDAYS = "Weihnachtsferien"
WEEKDAYS_8_TO_22 = {key: ("08:00", "22:00") for key in ("mo", "di", "mi", "do", "fr")}

HINTS = [
    "Zum Ausprobieren (Buchungen ab dem Tag des ersten Starts, unter /rooms/bookings des Kontos):",
    "  demo          entscheidet über eine Anfrage für den Großen Saal: /rooms/requests",
    "  demo          Seniorengymnastik im Familienzentrum Winzerla, das über Weihnachten schließt",
    "  volkssolidaritaet-nord  Chorprobe: ein Termin ausgelassen, weil der Raum belegt ist",
    "  caritas-ost   Erste-Hilfe-Kurs: ein Termin abgesagt",
]


@dataclass(frozen=True)
class Wanted:
    """What a partner books: a one-off or a weekly series, at a day relative to the loading day."""

    booker: str  # demo username: the partner's slug, "demo" for MGH Lobeda
    room: tuple[str, str]  # (partner slug, room name)
    weekday: int  # 0 = Monday; the first date is that weekday in week `week` from today
    week: int
    start: str
    end: str
    title: str
    dates: int = 1  # weekly, this many dates
    description: str = ""  # what it is for, as the room's owner sees it


# The waiting request, the series with a conflict (its second date is held by the Stadtteilrunde,
# booked before it) and the series with a cancelled date are named; the rest fill the weeks.
REQUEST = Wanted(
    "awo-nord",
    APPROVAL_ROOM,
    3,
    1,
    "15:00",
    "17:00",
    "Tanznachmittag für Jung und Alt",
    4,
    "Tanzen mit Live-Musik für Seniorinnen, Senioren und Schulkinder, etwa 40 Personen. Wir bringen "
    "die Musikanlage selbst mit und brauchen Stühle am Rand.",
)
HOLDER = Wanted(
    "stadtteilbuero-winzerla", ("stadtteilbuero-winzerla", "Stadtteilraum"), 1, 2, "18:00", "20:00", "Stadtteilrunde"
)
WITH_CONFLICT = Wanted(
    "volkssolidaritaet-nord", ("stadtteilbuero-winzerla", "Stadtteilraum"), 1, 1, "17:30", "19:30", "Chorprobe", 6
)
WITH_CANCELLED = Wanted(
    "caritas-ost", ("drk-west", "Schulungsraum"), 0, 1, "09:00", "12:00", "Erste-Hilfe-Kurs für Eltern", 4
)
OTHERS = (
    Wanted("demo", APPROVAL_ROOM, 4, 1, "16:00", "18:00", "Familienkino", 3),  # the owner's own: no approval
    Wanted("demo", ("diakonie-zentrum", "Seminarraum"), 2, 1, "14:00", "17:00", "Fortbildung für Ehrenamtliche"),
    Wanted("demo", ("familienzentrum-winzerla", "Gymnastikraum"), 2, 1, "10:00", "11:00", "Seniorengymnastik", 6),
    Wanted("drk-west", ("awo-nord", "Begegnungscafé"), 4, 1, "14:00", "17:00", "Tanzcafé"),
    Wanted(
        "familienzentrum-winzerla",
        ("stadtteilbuero-lobeda", "Besprechungsraum"),
        0,
        2,
        "18:00",
        "19:30",
        "Elternrat",
        3,
    ),
    Wanted("diakonie-zentrum", ("mgh-lobeda", "Küche"), 5, 2, "10:00", "13:00", "Kochkurs für Männer"),
    Wanted("stadtteilbuero-lobeda", ("volkssolidaritaet-nord", "Clubraum"), 1, 3, "15:00", "17:00", "Erzählcafé"),
)


@dataclass(frozen=True)
class Past:
    """A booking of the year before the loading day (its `wanted.week` counts back from the
    loading day's week; every date lies before it), asked for `ahead` days before its first date.
    A request is answered by the room's owner two days after it was asked; the dates numbered
    in `cancelled` (0 = first) are cancelled by the booker two days before each."""

    wanted: Wanted
    answer: str = ""  # "approve" | "decline": the owner's answer to a request
    comment: str = ""  # the owner's word with it
    cancelled: tuple[int, ...] = ()
    reason: str = ""
    ahead: int = 14


PAST = (
    Past(
        Wanted("caritas-ost", ("mgh-lobeda", "Gruppenraum 1"), 2, -50, "15:00", "17:00", "Sprachcafé", 20),
        cancelled=(6, 13),
        reason="Die Leiterin ist krank.",
    ),
    Past(Wanted("awo-nord", ("volkssolidaritaet-nord", "Clubraum"), 3, -45, "10:00", "12:00", "Nähtreff", 16)),
    Past(
        Wanted(
            "stadtteilbuero-winzerla",
            ("stadtteilbuero-winzerla", "Werkstatt"),
            5,
            -40,
            "10:00",
            "14:00",
            "Reparaturcafé",
            12,
        )
    ),
    Past(
        Wanted("drk-west", APPROVAL_ROOM, 5, -34, "10:00", "14:00", "Vorbereitung Sommerfest"),
        answer="approve",
        comment="Gern, die Stühle stehen bereit.",
    ),
    Past(
        Wanted("familienzentrum-winzerla", ("caritas-ost", "Familiencafé"), 0, -30, "09:30", "11:00", "Elterncafé", 12),
        cancelled=(4,),
        reason="Fällt wegen der Hitze aus.",
    ),
    Past(
        Wanted("volkssolidaritaet-nord", APPROVAL_ROOM, 3, -24, "14:00", "16:00", "Seniorentanz", 6),
        answer="decline",
        comment="Der Saal ist an diesen Tagen für das Stadtteilfest aufgebaut.",
    ),
    Past(Wanted("diakonie-zentrum", ("drk-west", "Saal West"), 1, -20, "18:00", "20:00", "Vortrag Pflegeversicherung")),
    Past(
        Wanted("demo", ("familienzentrum-winzerla", "Spielzimmer"), 4, -12, "09:30", "11:00", "Krabbelgruppe", 10),
        cancelled=(7, 8, 9),
        reason="Die Gruppe trifft sich jetzt im eigenen Haus.",
    ),
    Past(
        Wanted("awo-nord", APPROVAL_ROOM, 4, -10, "17:00", "20:00", "Mitgliederversammlung"),
        answer="decline",
        comment="An dem Abend ist der Saal schon vergeben.",
    ),
    Past(
        Wanted(
            "stadtteilbuero-lobeda",
            ("diakonie-zentrum", "Seminarraum"),
            1,
            -9,
            "14:00",
            "16:00",
            "Bewerbungstraining",
            8,
        )
    ),
    Past(Wanted("drk-west", ("stadtteilbuero-lobeda", "Besprechungsraum"), 2, -8, "10:00", "12:00", "Computerkurs", 6)),
    Past(
        Wanted("awo-nord", APPROVAL_ROOM, 0, -7, "16:00", "18:00", "Theatergruppe", 6),
        answer="approve",
        comment="Viel Erfolg bei den Proben!",
    ),
)


def christmas_holidays(today: date) -> tuple[date, date]:
    """The coming (or current) holidays 23.12.–01.01."""
    year = today.year - 1 if today <= date(today.year, 1, 1) else today.year
    return date(year, 12, 23), date(year + 1, 1, 1)


def first_day(today: date, weekday: int, week: int) -> date:
    """That weekday in the week `week` weeks after this one, never today or earlier."""
    day = _weekday(today, weekday, week)
    return day if day > today else day + timedelta(weeks=1)


def past_day(today: date, weekday: int, week: int) -> date:
    """That weekday in the week `week` weeks before this one (`week` < 0)."""
    return _weekday(today, weekday, week)


def _weekday(today: date, weekday: int, week: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=week, days=weekday)


class _Loader:
    """The use cases run as the demo accounts would run them, each in its own unit of work."""

    def __init__(self, app, context: Ctx, today: date):
        self.factory = app.extensions["db"]
        self.identity = app.extensions["identity"]
        self.ctx, self.today = context, today

    def who(self, username: str) -> Principal:
        principal = self.identity.principal_by_username(username)
        if principal is None:
            raise LookupError(f"demo account {username} is missing")
        return principal

    def room_id(self, owner: str, name: str) -> int:
        partner = self.identity.partner_by_slug(owner)
        with self.factory() as session:
            found = session.scalar(select(Room.id).where(Room.partner_id == partner["id"], Room.name == name))
        if found is None:
            raise LookupError(f"demo room {name} of {owner} is missing")
        return found

    def set_rules(self, owner: str, name: str, values: dict) -> None:
        with transaction(self.factory) as session:
            rules.put_rules(session, self.who(_account_of(owner)), self.room_id(owner, name), values)

    def at(self, moment: datetime) -> Ctx:
        """The use cases' context with the clock set to `moment`."""
        return replace(self.ctx, now=moment)

    def book(self, wanted: Wanted, day: date | None = None, context: Ctx | None = None) -> int | None:
        """Book as a person would after the preview: dates that are taken or break a rule (the
        holidays) are left out; None when no date is left."""
        day = day or first_day(self.today, wanted.weekday, wanted.week)
        context = context or self.ctx
        rec = domain.Recurrence(
            day,
            time.fromisoformat(wanted.start),
            time.fromisoformat(wanted.end),
            "weekly" if wanted.dates > 1 else "once",
            count=wanted.dates if wanted.dates > 1 else None,
        )
        booker, room_id = self.who(wanted.booker), self.room_id(*wanted.room)
        with transaction(self.factory) as session:
            found = series.preview(session, booker, room_id, rec, wanted.title, context)
            skip = frozenset(d.day for d in found.dates if d.blocked)
            if len(skip) == len(found.dates):
                return None
            rec = replace(rec, skip=skip)
            booking = series.book(
                session, booker, room_id, rec, wanted.title, public=True, ctx=context, description=wanted.description
            )
            return booking.id

    def cancel_date(
        self, username: str, booking_id: int, index: int, reason: str = "", early: timedelta | None = None
    ) -> None:
        """Cancel the booking's date number `index` (0 = first) that still holds the room; `early`:
        that long before the date, else now."""
        with transaction(self.factory) as session:
            held = session.execute(
                select(Occurrence.id, Occurrence.starts_at)
                .where(Occurrence.booking_id == booking_id, Occurrence.state == "valid")
                .order_by(Occurrence.starts_at)
            ).all()
            if len(held) > index:
                chosen, starts_at = held[index]
                context = self.ctx if early is None else self.at(starts_at - early)
                cancel.cancel(session, self.who(username), booking_id, "occurrence", chosen, context, reason)

    def book_past(self, past: Past) -> int | None:
        """A booking of the past year, made, answered and cancelled on the days they happened."""
        wanted = past.wanted
        day = past_day(self.today, wanted.weekday, wanted.week)
        asked = datetime.combine(day - timedelta(days=past.ahead), time(9), self.ctx.tz)
        booking_id = self.book(wanted, day, self.at(asked))
        if booking_id is None:
            return None
        if past.answer:
            answer = decide.approve if past.answer == "approve" else decide.decline
            with transaction(self.factory) as session:
                owner = self.who(_account_of(wanted.room[0]))
                answer(session, owner, booking_id, past.comment, self.at(asked + timedelta(days=2)))
        for index in sorted(past.cancelled, reverse=True):  # the later first: the numbers stay
            self.cancel_date(wanted.booker, booking_id, index, past.reason, early=timedelta(days=2))
        return booking_id


def _account_of(slug: str) -> str:
    return "demo" if slug == "mgh-lobeda" else slug


def load(app, today: date | None = None) -> int:
    """Rules, closures and bookings of the demo rooms; returns how many bookings were made
    (0 when the database already holds bookings, or the demo partners are not there)."""
    with app.app_context():
        context = ctx()
        today = today or context.now.astimezone(context.tz).date()
        with app.extensions["db"]() as session:
            if session.scalar(select(Booking.id).limit(1)) is not None:
                return 0
        if app.extensions["identity"].principal_by_username("demo") is None:
            return 0
        loader = _Loader(app, context, today)
        first, last = christmas_holidays(today)
        loader.set_rules(
            *APPROVAL_ROOM, {"approval_required": True, "opening": {**WEEKDAYS_8_TO_22, "sa": ("10:00", "18:00")}}
        )
        loader.set_rules(
            CLOSED_HOUSE,
            "Gymnastikraum",
            {
                "opening": {key: ("08:00", "19:00") for key in ("mo", "di", "mi", "do", "fr")},
                "closures": [{"first_day": first, "last_day": last, "reason": HOLIDAYS, "all_rooms": True}],
            },
        )
        made = [loader.book(REQUEST), loader.book(HOLDER), loader.book(WITH_CONFLICT)]
        cancelled = loader.book(WITH_CANCELLED)
        if cancelled is not None:
            loader.cancel_date(WITH_CANCELLED.booker, cancelled, 2)
        made += [cancelled] + [loader.book(w) for w in OTHERS]
        made += [loader.book_past(p) for p in PAST]
    return sum(1 for b in made if b is not None)
