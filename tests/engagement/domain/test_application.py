from __future__ import annotations

from datetime import timedelta

import pytest

from services.engagement.domain.application import (
    ACCEPTED,
    CONFIRMED,
    DECLINED,
    EXPIRED,
    IN_TOUCH,
    OFFICE,
    PARTNER,
    UNCONFIRMED,
    VOLUNTEER,
    WITHDRAWN,
    Application,
    application_problems,
    confirm,
    expire,
    move_problem,
    moved,
)

from tests.engagement.domain.support import local

MADE = local(2026, 12, 1, 18)


def fresh(**kw) -> Application:
    return Application(id=1, opportunity_id=1, volunteer_id=21, created_at=MADE, **kw)


def test_nothing_reaches_the_partner_before_the_email_is_confirmed():
    application = fresh()
    assert not application.reaches_partner
    confirmed = confirm(application, MADE + timedelta(hours=1))
    assert confirmed.state == CONFIRMED and confirmed.reaches_partner
    assert confirm(confirmed, MADE + timedelta(hours=2)) == confirmed  # the link clicked twice


def test_an_unconfirmed_application_expires_after_the_days_set():
    application = fresh()
    with pytest.raises(ValueError, match="expired"):
        confirm(application, MADE + timedelta(days=7))
    assert confirm(application, MADE + timedelta(days=6, hours=23)).state == CONFIRMED
    gone = expire(application, MADE + timedelta(days=7))
    assert gone.state == EXPIRED and gone.closed_at == MADE + timedelta(days=7) and not gone.reaches_partner
    assert expire(application, MADE + timedelta(days=3, hours=1), expiry=timedelta(days=3)).state == EXPIRED
    assert expire(confirm(application, MADE), MADE + timedelta(days=30)).state == CONFIRMED


@pytest.mark.parametrize("target", [ACCEPTED, DECLINED, IN_TOUCH])
def test_the_partner_and_the_office_decide_a_confirmed_application(target):
    for actor in (PARTNER, OFFICE):
        assert moved(fresh(state=CONFIRMED), target, actor, MADE).state == target
    assert move_problem(fresh(state=CONFIRMED), target, VOLUNTEER) == "not_yours_to_decide"


def test_put_in_touch_then_accepted():
    assert moved(fresh(state=IN_TOUCH), ACCEPTED, PARTNER, MADE).state == ACCEPTED


def test_the_partner_cannot_decide_what_has_not_been_confirmed():
    assert move_problem(fresh(), ACCEPTED, PARTNER) == "transition_not_allowed"


@pytest.mark.parametrize("state", [UNCONFIRMED, CONFIRMED, IN_TOUCH, ACCEPTED])
def test_only_the_volunteer_withdraws(state):
    done = moved(fresh(state=state), WITHDRAWN, VOLUNTEER, MADE)
    assert done.state == WITHDRAWN and done.closed_at == MADE
    assert move_problem(fresh(state=state), WITHDRAWN, PARTNER) == "not_yours_to_decide"


@pytest.mark.parametrize("state", [DECLINED, WITHDRAWN, EXPIRED])
def test_a_closed_application_stays_closed(state):
    for target in (CONFIRMED, ACCEPTED, DECLINED, IN_TOUCH, WITHDRAWN):
        for actor in (VOLUNTEER, PARTNER, OFFICE):
            assert move_problem(fresh(state=state), target, actor) == "transition_not_allowed"


def test_the_form_needs_a_name_an_email_and_consent():
    assert application_problems("Maria Becker", "maria@example.org", "", "Di und Do nachmittags", "", True) == {}
    found = application_problems(" ", "maria(at)example.org", "abc", "", "x" * 2001, False)
    assert found == {
        "name": "missing",
        "email": "email_invalid",
        "phone": "phone_invalid",
        "message": "text_too_long",
        "consent": "consent_missing",
    }
