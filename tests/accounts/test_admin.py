"""The office's administration against PostgreSQL and Redis, through the real forms (CSRF
included): accounts, partners with logos, the audit log written with each change and only then,
and what a deactivation does to web logins and app passwords in other apps (other processes)."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from sqlalchemy import select

from shared.identity.models import AuditEntry, Partner
from shared.identity.store import AccountClosed

from services.accounts.admin import accounts as admin_accounts

from tests.accounts.conftest import csrf, errors_at, path_of, post_form
from tests.support.login import PASSWORD, login

DAV = "/dav/"


@pytest.fixture
def office(accounts_app, people):
    client = accounts_app.test_client()
    login(client, "kora", service="account")
    return client


def _invite_mia(office, people):
    data = {"name": "Mia Neu", "email": "mia@example.org", "role": "staff", "language": "de"}
    assert (
        post_form(office, "/account/invite/", {**data, "partner": str(people["lena"]["partner_id"])}).status_code == 303
    )


def _audit(accounts_app) -> list[AuditEntry]:
    with accounts_app.extensions["db"]() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _dav(calendar_app, username: str, secret: str) -> int:
    """A CalDAV client's first request (HTTP Basic with an app password) in the calendar app."""
    return (
        calendar_app.test_client()
        .open(DAV, method="PROPFIND", headers={"Depth": "0"}, auth=(username, secret))
        .status_code
    )


def _deactivate(office, account_id: int, confirm: bool = True):
    page = f"/account/admin/accounts/{account_id}"
    return post_form(office, f"{page}/deactivate", {"close-confirm": "y"} if confirm else {"close-x": ""}, page=page)


def _logo(mode: str = "RGBA") -> bytes:
    picture = Image.new(mode, (400, 200), (0, 0, 0, 0) if mode == "RGBA" else (20, 90, 160))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_the_list_shows_every_account_with_its_state_and_filters_by_partner(office, mails, people):
    _invite_mia(office, people)
    page = office.get("/account/admin/accounts/").get_data(as_text=True)
    for name in ("Lena", "Otto", "Kora", "Mia Neu"):
        assert name in page
    assert "eingeladen, noch nicht eingerichtet" in page and "noch nie" in page
    lobeda = office.get(f"/account/admin/accounts/?partner={people['lena']['partner_id']}").get_data(as_text=True)
    assert "Lena" in lobeda and "Mia Neu" in lobeda and "Otto" not in lobeda
    assert office.get("/account/admin/accounts/?partner=abc").status_code == 404


def test_staff_and_strangers_get_no_administration(accounts_app, people):
    lena = accounts_app.test_client()
    login(lena, "lena", service="account")
    for path in ("/account/admin/", "/account/admin/accounts/", "/account/admin/partners/", "/account/admin/audit"):
        assert lena.get(path).status_code == 403
        assert accounts_app.test_client().get(path).status_code == 302  # to the login form
    assert "Verwaltung" not in lena.get("/account/").get_data(as_text=True)


def test_deactivation_ends_web_logins_and_app_passwords_at_once_in_other_apps(
    accounts_app, calendar_app, rooms_app, office, people
):
    otto = rooms_app.test_client()
    login(otto, "otto")
    secret = people["otto"]["app_password"]
    assert _dav(calendar_app, "otto", secret) == 207  # verified and remembered by the calendar app
    done = _deactivate(office, people["otto"]["id"])
    assert done.status_code == 303
    assert otto.get("/rooms/").status_code == 302  # the session has ended
    assert _dav(calendar_app, "otto", secret) == 401  # another app: at once, not some seconds later
    retry = accounts_app.test_client()
    page = retry.get("/account/login")
    refused = retry.post(
        "/account/login", data={"csrf_token": csrf(retry, "/account/login"), "username": "otto", "password": PASSWORD}
    )
    assert refused.status_code == 403 and "Ihr Konto ist deaktiviert" in refused.get_data(as_text=True)
    wrong = retry.post(
        "/account/login",
        data={"csrf_token": csrf(retry, "/account/login"), "username": "otto", "password": "falsch-falsch"},
    )
    assert wrong.status_code == 401 and "deaktiviert" not in wrong.get_data(as_text=True)  # only for the right password
    assert page.status_code == 200

    listed = office.get(f"/account/admin/accounts/{people['otto']['id']}").get_data(as_text=True)
    assert "deaktiviert" in listed and "Konto wieder aktivieren" in listed
    assert (
        post_form(
            office,
            f"/account/admin/accounts/{people['otto']['id']}/reactivate",
            {},
            page=f"/account/admin/accounts/{people['otto']['id']}",
        ).status_code
        == 303
    )
    assert _dav(calendar_app, "otto", secret) == 207
    login(rooms_app.test_client(), "otto")
    actions = [e.action for e in _audit(accounts_app)]
    assert actions == ["account_deactivated", "account_reactivated"]


def test_deactivation_needs_the_tick_and_its_token(office, people, accounts_app):
    unticked = _deactivate(office, people["otto"]["id"], confirm=False)
    assert unticked.status_code == 400 and "Häkchen" in errors_at(unticked, "close-confirm")
    assert "autofocus" in unticked.get_data(as_text=True)
    no_token = office.post(f"/account/admin/accounts/{people['otto']['id']}/deactivate", data={"close-confirm": "y"})
    assert no_token.status_code == 400
    assert _audit(accounts_app) == []


def test_the_office_cannot_close_or_demote_itself(office, people, accounts_app, identity):
    kora = people["kora"]["id"]
    own = _deactivate(office, kora)
    assert own.status_code == 403 and 'role="alert"' in own.get_data(as_text=True)
    assert "Ihr eigenes Konto können Sie nicht deaktivieren" in own.get_data(as_text=True)
    page = f"/account/admin/accounts/{kora}"
    demote = post_form(
        office,
        f"{page}/change",
        {"change-role": "staff", "change-partner": str(people["kora"]["partner_id"])},
        page=page,
    )
    assert demote.status_code == 403 and "eigene Rolle" in errors_at(demote, "change-role")
    assert identity.principal(kora).role == "coordination"
    assert _audit(accounts_app) == []


def test_the_last_coordinators_partner_cannot_be_deactivated(office, people, accounts_app, identity):
    page = f"/account/admin/partners/{people['kora']['partner_id']}"
    refused = post_form(office, f"{page}/deactivate", {"close-confirm": "y"}, page=page)
    assert refused.status_code == 409 and "letzte aktive Konto der Koordinierungsstelle" in errors_at(
        refused, "close-confirm"
    )
    assert _audit(accounts_app) == []  # no entry for a change that did not happen
    # with a second coordinator elsewhere it may
    kim = identity.create_account("kim", "Kim", partner_slug="awo-nord", role="coordination", password=PASSWORD)
    assert post_form(office, f"{page}/deactivate", {"close-confirm": "y"}, page=page).status_code == 303
    assert identity.principal(kim).role == "coordination"


def test_a_coordinator_demoted_meanwhile_can_change_nothing(accounts_app, office, people, identity):
    kim_id = identity.create_account("kim", "Kim", partner_slug="koordination", role="coordination", password=PASSWORD)
    kim = identity.principal(kim_id)
    page = f"/account/admin/accounts/{kim_id}"
    assert (
        post_form(
            office,
            f"{page}/change",
            {"change-role": "staff", "change-partner": str(people["kora"]["partner_id"])},
            page=page,
        ).status_code
        == 303
    )
    # Kim's page was open before: her request is refused inside the transaction
    with pytest.raises(admin_accounts.Refused) as refused:
        admin_accounts.set_active(accounts_app.extensions["db"], kim, people["kora"]["id"], False)
    assert refused.value.code == "not_allowed"
    assert identity.principal(people["kora"]["id"]) is not None
    (entry,) = _audit(accounts_app)
    assert entry.action == "account_changed" and json.loads(entry.changes) == {"role": ["coordination", "staff"]}
    assert entry.actor_name == "Kora" and entry.subject == "Kim"


def test_role_and_partner_change_with_old_and_new_in_the_log(office, people, accounts_app, identity):
    page = f"/account/admin/accounts/{people['lena']['id']}"
    moved = post_form(
        office,
        f"{page}/change",
        {"change-role": "staff", "change-partner": str(people["otto"]["partner_id"])},
        page=page,
    )
    assert moved.status_code == 303
    assert identity.principal(people["lena"]["id"]).partner_name == "AWO Begegnungsstätte Nord"
    no_partner = post_form(office, f"{page}/change", {"change-role": "staff", "change-partner": "0"}, page=page)
    assert no_partner.status_code == 409 and "brauchen einen Partner" in errors_at(no_partner, "change-partner")
    (entry,) = _audit(accounts_app)
    assert json.loads(entry.changes) == {"partner": ["Mehrgenerationenhaus Lobeda", "AWO Begegnungsstätte Nord"]}
    log = office.get(f"/account/admin/audit?konto={people['lena']['id']}").get_data(as_text=True)
    assert "Mehrgenerationenhaus Lobeda → AWO Begegnungsstätte Nord" in log and "Rolle oder Partner geändert" in log


def test_a_reset_link_goes_to_the_accounts_own_address_and_the_log_keeps_no_token(office, people, mails, accounts_app):
    page = f"/account/admin/accounts/{people['lena']['id']}"
    sent = post_form(office, f"{page}/reset", {}, page=page)
    assert sent.status_code == 303
    assert "lena@example.org" in office.get(page).get_data(as_text=True)
    (mail,) = mails()
    assert mail["purpose"] == "reset" and mail["email"] == "lena@example.org"
    token = path_of(mail["link"]).rsplit("/", 1)[1]
    (entry,) = _audit(accounts_app)
    assert entry.action == "reset_sent" and token not in entry.changes
    assert token not in office.get("/account/admin/audit").get_data(as_text=True)


def test_an_expired_invitation_can_be_sent_again(office, people, mails, accounts_app, identity):
    _invite_mia(office, people)
    mia = identity.principal_by_username("mia").account_id
    page = f"/account/admin/accounts/{mia}"
    assert "Einladung erneut senden" in office.get(page).get_data(as_text=True)
    assert post_form(office, f"{page}/invitation", {}, page=page).status_code == 303
    first, second = mails()
    assert second["purpose"] == "invite" and second["link"] != first["link"]
    visitor = accounts_app.test_client()
    assert visitor.get(path_of(first["link"])).status_code == 404  # replaced by the newer one
    assert visitor.get(path_of(second["link"])).status_code == 200
    # a reset link is no invitation: refused with a reason
    refused = post_form(office, f"{page}/reset", {}, page=page)
    assert refused.status_code == 409 and "noch kein Passwort gewählt" in refused.get_data(as_text=True)
    assert [e.action for e in _audit(accounts_app)] == ["invited", "invitation_resent"]


def test_the_accounts_own_events_go_into_the_log(accounts_app, office, people, mails):
    _invite_mia(office, people)
    mia = accounts_app.test_client()
    link = path_of(mails()[0]["link"])
    post_form(mia, link, {"password": "erstes-passwort-mia", "repeated": "erstes-passwort-mia"})
    post_form(
        mia,
        "/account/password",
        {
            "pw-current": "erstes-passwort-mia",
            "pw-password": "zweites-passwort-mia",
            "pw-repeated": "zweites-passwort-mia",
        },
        page="/account/",
    )
    post_form(
        mia,
        "/account/contact",
        {"contact-email": "mia.neu@example.org", "contact-phone": "", "contact-language": "de"},
        page="/account/",
    )
    entries = _audit(accounts_app)
    assert [e.action for e in entries] == ["invited", "password_chosen", "password_changed", "contact_changed"]
    assert entries[0].actor_name == "Kora" and entries[1].actor_name == "Mia Neu"
    assert json.loads(entries[3].changes) == {"email": ["mia@example.org", "mia.neu@example.org"]}
    assert all("passwort-mia" not in e.changes for e in entries)


def test_the_office_creates_a_partner_with_a_logo(office, accounts_app, people):
    data = {
        "name": "Stadtteilbüro Winzerla",
        "slug": "stadtteilbuero-winzerla",
        "district": "Winzerla",
        "address": "Anna-Siemsen-Straße 1",
        "contact_email": "winzerla@example.org",
        "contact_phone": "03641 123456",
        "logo": (io.BytesIO(_logo()), "logo.png"),
    }
    created = post_form(office, "/account/admin/partners/new", data)
    assert created.status_code == 303
    with accounts_app.extensions["db"]() as s:
        partner = s.scalar(select(Partner).where(Partner.slug == "stadtteilbuero-winzerla"))
    assert partner.logo_digest and partner.district == "Winzerla"
    listed = office.get("/account/admin/partners/").get_data(as_text=True)
    address = f"/account/logos/{partner.logo_digest}.jpg"
    assert address in listed and address in office.get(path_of("http://x" + created.headers["Location"])).get_data(
        as_text=True
    )
    served = accounts_app.test_client().get(address)  # no login needed: it is a logo
    assert served.status_code == 200 and served.content_type == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    corner = Image.open(io.BytesIO(served.data)).convert("RGB").getpixel((0, 0))
    assert min(corner) > 240  # transparent became white, not black
    assert accounts_app.test_client().get("/account/logos/" + "0" * 64 + ".jpg").status_code == 404
    (entry,) = _audit(accounts_app)
    assert entry.action == "partner_created" and json.loads(entry.changes)["name"] == [None, "Stadtteilbüro Winzerla"]


@pytest.mark.parametrize(
    ("changes", "field", "status", "message"),
    [
        ({"slug": "awo-nord"}, "slug", 409, "schon ein anderer Partner"),
        ({"slug": "Mit Leerzeichen"}, "slug", 400, "Kleinbuchstaben"),
        ({"district": "Paris"}, "district", 400, "aus der Liste"),
        ({"name": ""}, "name", 400, "Namen eingeben"),
        ({"contact_email": "keine-adresse"}, "contact_email", 400, "name@beispiel.de"),
        ({"logo": (io.BytesIO(b"kein bild"), "logo.png")}, "logo", 400, "kein Bild"),
    ],
)
def test_a_bad_partner_form_says_what_at_the_field_and_writes_nothing(
    office, accounts_app, changes, field, status, message
):
    data = {"name": "Neu", "slug": "neu", "district": "Ost", **changes}
    refused = post_form(office, "/account/admin/partners/new", data)
    assert refused.status_code == status and message in errors_at(refused, field)
    with accounts_app.extensions["db"]() as s:
        assert s.scalar(select(Partner).where(Partner.name == "Neu")) is None
    assert _audit(accounts_app) == []


def test_a_deactivated_partner_locks_out_its_accounts_and_leaves_new_choices(
    office, accounts_app, calendar_app, rooms_app, people, identity
):
    lobeda = people["lena"]["partner_id"]
    secret = people["lena"]["app_password"]
    assert _dav(calendar_app, "lena", secret) == 207
    page = f"/account/admin/partners/{lobeda}"
    shown = office.get(page).get_data(as_text=True)
    assert "Keines seiner Konten kann sich anmelden" in shown  # the page says what it does
    assert post_form(office, f"{page}/deactivate", {"close-confirm": "y"}, page=page).status_code == 303
    assert _dav(calendar_app, "lena", secret) == 401
    with pytest.raises(AccountClosed) as closed:
        identity.check_password("lena", PASSWORD)
    assert closed.value.by_partner
    refused = accounts_app.test_client()
    answer = refused.post(
        "/account/login", data={"csrf_token": csrf(refused, "/account/login"), "username": "lena", "password": PASSWORD}
    )
    assert answer.status_code == 403 and "Ihr Partner ist im Netzwerk zurzeit deaktiviert" in answer.get_data(
        as_text=True
    )
    # its name stays for history; new choices leave it out
    assert identity.partner(lobeda)["active"] is False
    assert "Mehrgenerationenhaus Lobeda" not in calendar_app.test_client().get("/calendar/subscribe").get_data(
        as_text=True
    )
    assert "Mehrgenerationenhaus Lobeda" not in calendar_app.test_client().get("/calendar/programme/choose").get_data(
        as_text=True
    )
    invite = office.get("/account/invite/").get_data(as_text=True)
    invite = invite[invite.index('<select id="partner"') :]
    assert "Mehrgenerationenhaus Lobeda" not in invite and "AWO Begegnungsstätte Nord" in invite
    assert post_form(office, f"{page}/reactivate", {}, page=page).status_code == 303
    assert _dav(calendar_app, "lena", secret) == 207
    assert "Mehrgenerationenhaus Lobeda" in calendar_app.test_client().get("/calendar/subscribe").get_data(as_text=True)
    assert [e.action for e in _audit(accounts_app)] == ["partner_deactivated", "partner_reactivated"]


def test_the_audit_log_pages_newest_first_and_filters_by_partner(office, accounts_app, people):
    for n in range(3):
        page = f"/account/admin/partners/{people['otto']['partner_id']}"
        post_form(office, page, {"name": f"AWO Nord {n}", "slug": "awo-nord", "district": "Nord"})
    post_form(
        office,
        f"/account/admin/partners/{people['lena']['partner_id']}",
        {"name": "MGH", "slug": "mgh-lobeda", "district": "Lobeda"},
    )
    log = office.get("/account/admin/audit").get_data(as_text=True).split("<table")[1]
    assert log.index("MGH") < log.index("AWO Nord 2") < log.index("AWO Nord 1")
    nord = office.get(f"/account/admin/audit?partner={people['otto']['partner_id']}").get_data(as_text=True)
    assert "AWO Nord 0 → AWO Nord 1" in nord and "Lobeda" not in nord.split("<table")[1]
    assert office.get("/account/admin/audit?seite=0").status_code == 404
    assert office.get("/account/admin/audit?seite=2").status_code == 200
