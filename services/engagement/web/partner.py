"""The partners' and the office's pages (login): "Meine Angebote", posting and editing an
opportunity, moving it between states, and the office's review. Thin: parse the form, call the
use case (exchange/posting.py), which asks domain.permissions; another partner's opportunity is
not there for the reader (404), an action only the office may take answers 403.

partner_inbox.py (offers of help) and partner_shifts.py (shifts and rosters) use the helpers
here."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import current_account, login_required
from shared.identity.store import Principal
from shared.web.request_db import db, unit_of_work
from shared.web.typed_fields import choices

from services.engagement.domain import opportunity as rules
from services.engagement.domain.permissions import can
from services.engagement.exchange import convert, desk, posting
from services.engagement.exchange.errors import Refused
from services.engagement.exchange.offers import FormProblems
from services.engagement.web import partner_wording as words
from services.engagement.web.context import ctx, partner_names
from services.engagement.web.partner_forms import POST_FIELDS, MoveForm, OpportunityForm

bp = Blueprint("engagement_partner", __name__, url_prefix="/engagement/partner")


def who() -> Principal:
    me = current_account()
    assert me is not None  # every view is login_required
    return me


def give_up(refused: Refused) -> None:
    """A refusal that is no form's business: not there (404), not allowed (403)."""
    if refused.status in (403, 404):
        abort(refused.status)


def put_problems(form, problems: dict[str, str], renamed: dict[str, str] | None = None) -> None:
    """The use case's field codes as the form's errors (one the form has no field for goes to
    its first field, so that no refusal goes unsaid)."""
    renamed = renamed or {}
    first = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    for name, code in problems.items():
        field = getattr(form, renamed.get(name, name), None) or first
        if not field.errors:  # the form's own parse error says it better
            field.errors = [words.problem(code, name)]


def _partners() -> list[tuple[int, str]]:
    return sorted(partner_names().items(), key=lambda p: p[1])


@bp.get("/")
@login_required
def index():
    me = who()
    state = request.args.get("stand", "")
    if state and state not in rules.STATES:
        abort(404)
    lines = desk.lines(db(), ctx(), me, state or None)
    names = dict(_partners())
    return render_template(
        "engagement/partner/index.html",
        lines=lines,
        names=names,
        state=state,
        office=me.is_coordination,
        form=MoveForm(),
        review=ctx().settings.review,
    )


def _form(form: OpportunityForm, me: Principal) -> None:
    form.partner.choices = choices([(str(i), n) for i, n in _partners()])
    if not me.is_coordination:
        form.partner.data = str(me.partner_id)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    me = who()
    if not me.is_coordination and me.partner_id is None:
        abort(403)
    form = OpportunityForm()
    _form(form, me)
    if request.method == "GET":
        form.district.data = me.district or None
        form.contact_name.data, form.contact_email.data = me.display_name, me.email
        form.contact_phone.data = me.phone
    elif _checked(form):
        partner = me.partner_id if not me.is_coordination else _partner_id(form)
        try:
            with unit_of_work() as session:
                row = posting.create(session, ctx(), me, partner or 0, form.post())
                opportunity_id = row.id
        except FormProblems as refused:
            put_problems(form, refused.problems, POST_FIELDS)
        except Refused as refused:
            give_up(refused)
            raise
        else:
            flash(_("Das Angebot ist als Entwurf gespeichert. Es ist noch nicht öffentlich."))
            return redirect(url_for("engagement_partner.index", _anchor=f"angebot-{opportunity_id}"), 303)
    return render_template(
        "engagement/partner/form.html", form=form, row=None, office=me.is_coordination, partner_name=me.partner_name
    ), (200 if request.method == "GET" else 400)


def _checked(form: OpportunityForm) -> bool:
    """The form's own checks only parse (hours); the use case checks everything, so that one
    answer lists every problem. A parse error still never saves: the hours are then 0, which
    the domain refuses."""
    form.validate()
    return not form.csrf_token.errors


def _partner_id(form: OpportunityForm) -> int:
    raw = form.partner.data or ""
    return int(raw) if raw.isdigit() else 0


@bp.route("/opportunities/<int:opportunity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(opportunity_id: int):
    me = who()
    try:
        row = posting.owned(db(), me, opportunity_id)
    except Refused as refused:
        give_up(refused)
        raise
    form = OpportunityForm()
    _form(form, me)
    error = None
    if request.method == "GET":
        form.fill(row)
    elif _checked(form):
        try:
            with unit_of_work() as session:
                posting.edit(session, ctx(), me, opportunity_id, form.post())
        except FormProblems as refused:
            put_problems(form, refused.problems, POST_FIELDS)
        except Refused as refused:
            give_up(refused)
            error = words.problem(refused.code)
        else:
            flash(_("Die Änderungen sind gespeichert."))
            return redirect(url_for("engagement_partner.index", _anchor=f"angebot-{opportunity_id}"), 303)
    status = 200 if request.method == "GET" else 409 if error else 400
    return render_template(
        "engagement/partner/form.html",
        form=form,
        row=row,
        office=me.is_coordination,
        error=error,
        partner_name=dict(_partners()).get(row.partner_id, ""),
    ), status


@bp.post("/opportunities/<int:opportunity_id>/move")
@login_required
def move(opportunity_id: int):
    me = who()
    form = MoveForm()
    back = request.form.get("back") == "review" and me.is_coordination
    target = url_for("engagement_partner.review") if back else url_for("engagement_partner.index")
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work() as session:
            row = posting.move(session, ctx(), me, opportunity_id, form.target.data or "", form.note.data or "")
            state, title = row.state, row.title
    except FormProblems as refused:
        flash(words.problem(next(iter(refused.problems.values())), next(iter(refused.problems))))
    except Refused as refused:
        give_up(refused)
        flash(words.problem(refused.code))
    else:
        flash(_("„%(title)s“ ist jetzt: %(state)s.", title=title, state=words.STATES[state]))
    return redirect(target + f"#angebot-{opportunity_id}", 303)


@bp.get("/review")
@login_required
def review():
    me = who()
    if not can("review_opportunity", me, None):
        abort(403)
    lines = desk.lines(db(), ctx(), me, rules.IN_REVIEW)
    return render_template(
        "engagement/partner/review.html",
        lines=lines,
        names=dict(_partners()),
        form=MoveForm(),
        opportunities={line.row.id: convert.opportunity(line.row) for line in lines},
    )
