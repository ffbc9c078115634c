"""Web pages of the rooms service (Raumbörse): thin, they call operations and render."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from shared.outbox import utcnow
from shared.web import current_account, db, identity, login_required, relay_now

from services.rooms import messages, operations, queries
from services.rooms.domain import visible_title
from services.rooms.forms import BookingForm
from services.rooms.models import OutboxMessage

bp = Blueprint("rooms", __name__, url_prefix="/rooms")


def partner_names() -> dict[int, str]:
    return {p["id"]: p["name"] for p in identity().partners()}


def partner_name(partner_id: int) -> str:
    return (identity().partner(partner_id) or {}).get("name", "")


@bp.get("/")
@login_required
def index():
    return render_template("rooms/index.html", rooms=queries.active_rooms(db()), partners=partner_names())


@bp.route("/<int:room_id>", methods=["GET", "POST"])
@login_required
def room(room_id: int):
    found = queries.room(db(), room_id)
    if found is None:
        abort(404)
    form = BookingForm()
    if not form.is_submitted():
        return _room_page(found, form)
    if not form.validate():
        return _room_page(found, form, status=400)
    me = current_account()
    starts_at, ends_at = form.slot(current_app.config["SETTINGS"].timezone)
    try:
        booking = operations.book_slot(
            db(), me, found.id, starts_at, ends_at, form.title.data, form.public.data,
            public_url=current_app.config["SETTINGS"].public_url, partner_name_of=partner_name)
    except operations.InvalidInput as exc:
        form.add_problems(messages.problems(exc.problems))
        return _room_page(found, form, status=400)
    except operations.BookingConflict as exc:
        return _room_page(found, form, status=409, error=messages.conflict(exc.conflict))
    except operations.NotAllowed as exc:
        return _room_page(found, form, status=403, error=messages.problem(str(exc.args[0])))
    relay_now(OutboxMessage)
    flash(_("Ihre Buchung ist bestätigt."))
    return redirect(url_for("rooms.booking", booking_id=booking.id))


def _room_page(found, form, status: int = 200, error: str | None = None):
    me = current_account()
    upcoming = [(h, visible_title(h.title, h.partner_id, me.partner_id))
                for h in queries.upcoming(db(), found.id, utcnow())]
    return render_template("rooms/room.html", room=found, form=form, error=error, upcoming=upcoming,
                           owner=partner_name(found.partner_id), messages=messages), status


@bp.get("/bookings")
@login_required
def my_bookings():
    return render_template("rooms/bookings.html", bookings=queries.bookings_of(db(), current_account().account_id))


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int):
    found = queries.booking_for(db(), booking_id, current_account())
    if found is None:
        abort(404)
    return render_template("rooms/booking.html", booking=found, owner=partner_name(found.room.partner_id),
                           booker=partner_name(found.booker_partner_id), messages=messages)


def init_app(app) -> None:
    from services.rooms import api

    from services.rooms import cancel_link

    app.register_blueprint(bp)
    app.register_blueprint(cancel_link.bp)
    api.init_app(app)
    app.jinja_env.filters.setdefault("equipment_label", messages.equipment_label)
