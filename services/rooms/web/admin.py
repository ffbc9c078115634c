"""Room administration pages (admin/): offer a new room, edit one with its photos, retire one,
offer a retired one again.
The owner's side manages its own rooms; the coordination office every partner's, and offers
rooms for any partner. Photos are served at content-addressed URLs, cached for a year."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from shared.auth import login_required
from shared.identity.models import DISTRICTS
from shared.web import pictures
from shared.web.request_db import db
from shared.web.typed_fields import choices
from shared.web.vocabulary import vocabulary

from services.rooms import wording
from services.rooms.admin import offer, photos
from services.rooms.answers import INVALID_INPUT, Answer
from services.rooms.booking.rooms import state_of
from services.rooms.db import photos as stored, queries
from services.rooms.db.models import Room
from services.rooms.domain import permissions
from services.rooms.request_context import ctx, partner_names
from services.rooms.web.blueprint import PageError, attempt, bp, managed_room, shown, signed_in
from services.rooms.web.forms import NewRoomForm, PhotoAltForm, PhotoForm, RoomForm, district_choices, equipment_choices

PHOTO_ACTIONS = {"up": -1, "down": 1}


def _fill_choices(form: RoomForm, holding: Iterable[str] = ()) -> None:
    """`holding`: the room's equipment (a retired term it has stays choosable)."""
    form.district.choices = district_choices(DISTRICTS)
    form.equipment.choices = equipment_choices(wording.equipment_label, holding)


def _answered(form, refused: Answer) -> PageError | None:
    """Field errors at their fields (None); any other refusal for the page's error box."""
    if refused.code != INVALID_INPUT:
        return shown(refused)
    for name, texts in refused.errors.items():
        target = getattr(form, name, None) or next(iter(form))
        target.errors = list(target.errors) + texts
    return None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_room():
    pictures.allow_upload()
    me, names = signed_in(), partner_names()
    office = permissions.can_offer_for_others(me)
    if not office and not permissions.can_create_room(me.partner_id or 0, me):
        abort(403)
    form = NewRoomForm()
    _fill_choices(form)
    form.partner.choices = choices(
        [("", _("– bitte wählen –"))] + sorted(((str(i), n) for i, n in names.items()), key=lambda p: p[1])
    )
    if not form.is_submitted():
        form.partner.data = "" if office else str(me.partner_id)
        return _new_page(form, office, names)
    error = None
    valid = form.validate()
    picture = _first_photo(form)
    if valid and not form.picture.errors and not form.alt.errors:
        partner_id = _chosen_partner(form, me, office)
        keys = vocabulary().keys("equipment")

        def use_case(session):
            room = offer.offer_room(session, me, partner_id, names.keys(), form.values(), keys)
            if picture is not None:
                photos.add_photo(session, me, room.id, picture, form.alt.data or "")
            return room

        room, refused = attempt(use_case, ctx())
        if refused is None:
            assert isinstance(room, Room)
            flash(_("Der Raum „%(name)s“ ist angelegt und kann gebucht werden.", name=room.name))
            return redirect(url_for("rooms.edit_room", room_id=room.id))
        error = _answered(form, refused)
        if error is not None:
            return _new_page(form, office, names, refused.status, error)
    return _new_page(form, office, names, 400)


def _chosen_partner(form: NewRoomForm, me, office: bool) -> int:
    """The office picks any partner; staff offer for their own (whatever a tampered form says)."""
    if not office:
        return me.partner_id
    value = form.partner.data or ""
    return int(value) if value.isdigit() and len(value) < 10 else 0


def _first_photo(form: NewRoomForm):
    """The new room's optional photo, prepared; it needs its description when given."""
    if not pictures.uploaded(form.picture):
        return None
    if not (form.alt.data or "").strip():
        form.alt.errors = list(form.alt.errors) + [wording.problem("alt_missing")]
    return pictures.prepare(form.picture)


def _new_page(form, office: bool, names: dict, status: int = 200, error=None):
    me = signed_in()
    return render_template(
        "rooms/room_new.html", form=form, office=office, own=names.get(me.partner_id, ""), error=error
    ), status


def _managed(room_id: int) -> Room:
    return managed_room(room_id, permissions.can_update_room, retired_too=True)


@bp.route("/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def edit_room(room_id: int):
    form: RoomForm | None = None
    error, status = None, 200
    if FlaskForm().is_submitted():
        form = posted = RoomForm()
        _fill_choices(form, _managed(room_id).equipment or ())
        if form.validate():
            me = signed_in()
            keys = vocabulary().keys("equipment")
            _done, refused = attempt(
                lambda session: offer.edit_room(session, me, room_id, posted.values(), keys), ctx()
            )
            if refused is None:
                flash(_("Die Angaben zum Raum sind gespeichert."))
                return redirect(url_for("rooms.edit_room", room_id=room_id))
            error = _answered(form, refused)
            status = refused.status
        else:
            status = 400
    room = _managed(room_id)
    if form is None:
        form = RoomForm(data=state_of(room))
        _fill_choices(form, room.equipment or ())
    return _edit_page(room, form, PhotoForm(prefix="photo"), form if status != 200 else None, status, error)


def _edit_page(room: Room, form, photo_form, failed=None, status: int = 200, error=None, photo_id=None):
    """`failed`: the form whose errors the page opens at (`photo_id`'s description form, if it is that)."""
    alt_forms = {p.id: PhotoAltForm(prefix=f"p{p.id}", data={"alt": p.alt}) for p in room.photos}
    if photo_id in alt_forms:
        alt_forms[photo_id] = failed
    return render_template(
        "rooms/room_edit.html",
        room=room,
        form=form,
        photo_form=photo_form,
        failed=failed,
        error=error,
        owner=ctx().partner_name_of(room.partner_id),
        alt_forms=alt_forms,
        reoffer_form=FlaskForm(),
    ), status


@bp.post("/<int:room_id>/photos")
@login_required
def add_photo(room_id: int):
    pictures.allow_upload()
    form = PhotoForm(prefix="photo")
    error = None
    if form.validate():
        if not pictures.uploaded(form.picture):
            form.picture.errors = [_("Bitte wählen Sie ein Foto aus.")]
        picture = pictures.prepare(form.picture) if not form.picture.errors else None
        if picture is not None:
            me = signed_in()
            _done, refused = attempt(
                lambda session: photos.add_photo(session, me, room_id, picture, form.alt.data or ""), ctx()
            )
            if refused is None:
                flash(_("Das Foto ist hinzugefügt."))
                return redirect(url_for("rooms.edit_room", room_id=room_id) + "#fotos")
            error = _answered(form, refused)
    room = _managed(room_id)
    form_of_room = RoomForm(formdata=None, data=state_of(room))
    _fill_choices(form_of_room, room.equipment or ())
    return _edit_page(room, form_of_room, form, form, 400 if error is None else 409, error)


@bp.post("/<int:room_id>/photos/<int:photo_id>")
@login_required
def change_photo(room_id: int, photo_id: int):
    """One photo's buttons: save its description, move it up or down, remove it."""
    action = request.form.get("action", "")
    form = PhotoAltForm(prefix=f"p{photo_id}")
    if not form.validate() if action == "save" else not FlaskForm().validate_on_submit():
        room = _managed(room_id)
        if action != "save":
            abort(400)  # an expired form: nothing to show at a field
        form_of_room = RoomForm(formdata=None, data=state_of(room))
        _fill_choices(form_of_room, room.equipment or ())
        return _edit_page(room, form_of_room, PhotoForm(prefix="photo"), form, 400, photo_id=photo_id)
    me = signed_in()
    if action == "save":
        use_case = lambda session: photos.describe_photo(session, me, room_id, photo_id, form.alt.data)  # noqa: E731
    elif action in PHOTO_ACTIONS:
        use_case = lambda session: photos.move_photo(session, me, room_id, photo_id, PHOTO_ACTIONS[action])  # noqa: E731
    elif action == "remove":
        use_case = lambda session: photos.remove_photo(session, me, room_id, photo_id)  # noqa: E731
    else:
        abort(400)
    _done, refused = attempt(use_case, ctx())
    if refused is not None:
        abort(refused.status)
    flash(_("Die Fotos sind gespeichert."))
    return redirect(url_for("rooms.edit_room", room_id=room_id) + "#fotos")


@bp.route("/<int:room_id>/retire", methods=["GET", "POST"])
@login_required
def retire_room(room_id: int):
    error, status = None, 200
    form = FlaskForm()
    if form.is_submitted():
        if not form.validate():
            _managed(room_id)
            abort(400)
        me, context = signed_in(), ctx()
        _done, refused = attempt(lambda session: offer.retire_room(session, me, room_id, context.now), context)
        if refused is None:
            flash(_("Der Raum wird nicht mehr angeboten. Vergangene Buchungen bleiben sichtbar."))
            return redirect(url_for("rooms.my_rooms"))
        error, status = shown(refused), refused.status
    room = _managed(room_id)
    coming = queries.coming_dates(db(), room.id, ctx().now)
    return render_template(
        "rooms/room_retire.html",
        room=room,
        form=form,
        error=error,
        coming=coming,
        still_booked=wording.still_booked(coming) if coming else "",
    ), status


@bp.post("/<int:room_id>/reoffer")
@login_required
def reoffer_room(room_id: int):
    """ "Wieder anbieten": the button on a retired room's edit page."""
    room = _managed(room_id)
    if not FlaskForm().validate():
        abort(400)
    me, context = signed_in(), ctx()
    _done, refused = attempt(lambda session: offer.reoffer_room(session, me, room.id), context)
    if refused is not None:
        abort(refused.status)
    flash(_("Der Raum wird wieder angeboten und kann gebucht werden."))
    return redirect(url_for("rooms.edit_room", room_id=room_id))


@bp.get("/photos/<digest>.jpg")
def photo(digest: str):
    """A room's photo; its address is its content's hash, so browsers may keep it for a year."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        abort(404)
    headers = {"ETag": f'"{digest[:32]}"', "Cache-Control": "public, max-age=31536000, immutable"}
    if request.if_none_match.contains(digest[:32]):
        return Response(status=304, headers=headers)
    data = stored.image(db(), digest)
    if data is None:
        abort(404)
    return Response(data, content_type="image/jpeg", headers=headers)
