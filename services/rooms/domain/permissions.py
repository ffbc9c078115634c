"""Who may do what in the room exchange: one rule per action, asked by the use cases, the web
pages and the API alike, so no layer words a permission of its own.

Plain values in: `who` is anything with `partner_id` and `is_coordination` (the identity's
Principal), or None for nobody logged in; a room has `partner_id` (its owner); a booking has
`booker_partner_id` and `owner_partner_id`. A bool out; REFUSAL gives the code the HTTP layers
turn into a sentence."""

from __future__ import annotations

from typing import Protocol

# Who took a date off (Occurrence.cancelled_by), so that only that side, or one above it, puts it back.
BOOKER, OWNER, COORDINATION = "booker", "owner", "coordination"


class Who(Protocol):
    @property
    def partner_id(self) -> int | None: ...

    @property
    def is_coordination(self) -> bool: ...


class RoomSide(Protocol):
    @property
    def partner_id(self) -> int: ...


class BookingSides(Protocol):
    @property
    def booker_partner_id(self) -> int: ...

    @property
    def owner_partner_id(self) -> int: ...


def oversees_network(who: Who | None) -> bool:
    """The coordination office sees and may decide everything, in every partner's rooms."""
    return who is not None and who.is_coordination


def _staff_of(who: Who | None, partner_id: int | None) -> bool:
    return who is not None and who.partner_id is not None and who.partner_id == partner_id


def is_owner(room: RoomSide, who: Who | None) -> bool:
    return _staff_of(who, room.partner_id)


def can_book(room: RoomSide, who: Who | None) -> bool:
    """Anyone who works for a partner (bookings belong to partners, not to people)."""
    return who is not None and who.partner_id is not None


def can_see_details(booking: BookingSides, who: Who | None) -> bool:
    """The whole booking, wherever it is shown (its page, the API, the room's upcoming list):
    who asked (partner, person, email, phone), what for (title, description), its dates, comments
    and reasons. The booker's side, the room owner's side (every booking in its own rooms), the
    coordination office; anyone else sees a taken time as "belegt" (conflicts.visible_title)."""
    return (
        oversees_network(who) or _staff_of(who, booking.booker_partner_id) or _staff_of(who, booking.owner_partner_id)
    )


def can_decide(booking: BookingSides, who: Who | None) -> bool:
    """Approve or decline a request: the room owner's side."""
    return oversees_network(who) or _staff_of(who, booking.owner_partner_id)


def can_cancel(booking: BookingSides, who: Who | None) -> bool:
    """Both sides may free a date: the booker gives it up, the owner takes the room back."""
    return can_see_details(booking, who)


def can_change(booking: BookingSides, who: Who | None) -> bool:
    """Move dates: only the booker's side (the owner cancels or declines instead)."""
    return oversees_network(who) or _staff_of(who, booking.booker_partner_id)


def side(booking: BookingSides, who: Who | None) -> str | None:
    """The side `who` acts for on this booking; the booker's own side first."""
    if _staff_of(who, booking.booker_partner_id):
        return BOOKER
    if _staff_of(who, booking.owner_partner_id):
        return OWNER
    return COORDINATION if oversees_network(who) else None


def can_restore(booking: BookingSides, cancelled_by: str | None, who: Who | None) -> bool:
    """Put a cancelled or skipped date back: whoever took it off (a skipped date: the booker),
    or the coordination office. The booker cannot undo the owner's cancellation, and the owner
    cannot book a date again that the booker gave up."""
    if oversees_network(who):
        return True
    acting = side(booking, who)
    if acting == BOOKER:
        return cancelled_by in (None, BOOKER)
    return acting == OWNER and cancelled_by == OWNER


def can_manage_rules(room: RoomSide, who: Who | None) -> bool:
    """Opening hours, durations, lead time, buffer, approval: the owner's side."""
    return oversees_network(who) or is_owner(room, who)


def can_manage_closures(room: RoomSide, who: Who | None) -> bool:
    return can_manage_rules(room, who)


def can_update_room(room: RoomSide, who: Who | None) -> bool:
    """Name, seats, equipment, access, address, house rules, photos: the owner's side."""
    return can_manage_rules(room, who)


def can_create_room(partner_id: int, who: Who | None) -> bool:
    """A new room for a partner: that partner's staff, or the coordination office for any partner."""
    return oversees_network(who) or _staff_of(who, partner_id)


def can_offer_for_others(who: Who | None) -> bool:
    """Choose the partner a new room belongs to (else it is one's own partner's)."""
    return oversees_network(who)


def can_retire_room(room: RoomSide, who: Who | None) -> bool:
    """Take a room out of the exchange (no new bookings): the owner's side."""
    return can_manage_rules(room, who)


def can_see_figures(who: Who | None) -> bool:
    """The network's figures (room use of every house, for its funders): the coordination office.
    A partner's staff see their own rooms' bookings in their own pages; the figures compare houses
    with each other, which is the office's business, not a partner's."""
    return oversees_network(who)


REFUSAL = {  # action -> the problem code services/rooms/wording.py words
    "book": "no_partner",
    "see": "not_yours",
    "decide": "not_owner",
    "cancel": "not_yours",
    "change": "not_yours",
    "restore": "not_yours",
    "rules": "not_owner",
    "closures": "not_owner",
    "room": "not_owner",
    "create_room": "not_owner",
    "retire": "not_owner",
    "figures": "not_coordination",
}
