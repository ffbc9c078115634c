"""The operators' view of what was given up (/notify/dead): failed permanently vs. after all
retries, with the reason; counts per status and per reason; filtering by kind and channel."""

from __future__ import annotations

import re

import pytest

from tests.support.login import login
from tests.support.notify import notice_payload, tune


@pytest.fixture
def outcomes(run_task, people, smtp_sink, sms_gateway, notify_app, monkeypatch):
    """One of each: an email refused for good (550), an SMS given up after all tries (503 each
    time), an invalid number, and mails that went out."""
    tune(monkeypatch, notify_app, max_attempts=2)
    lena, otto = people["lena"]["id"], people["otto"]["id"]
    smtp_sink.fail("550 5.1.1 Mailbox unbekannt", 1)
    run_task("notify.booking_notice", **notice_payload(account_id=lena, phone="", kind="confirmed"))
    sms_gateway.fail(503, 2)
    run_task("notify.booking_notice", **notice_payload(account_id=lena, email="", kind="cancelled", booking_id=43))
    run_task(
        "notify.booking_notice",
        **notice_payload(account_id=otto, email="otto@example.org", phone="12345", kind="confirmed", booking_id=44),
    )
    run_task(
        "notify.booking_notice",
        **notice_payload(
            account_id=otto, email="otto@example.org", phone="", kind="changed", booking_id=44, sequence=1
        ),
    )


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _count(page, name):
    return int(re.search(rf'class="count-{name}">(\d+)<', page).group(1))


def _rows(page):
    return re.findall(r'<li class="failure-([a-z]+)">(.*?)</li>', page, re.S)


def test_the_dead_view_tells_permanent_from_exhausted_with_the_reason(notify_app, outcomes):
    client = notify_app.test_client()
    login(client, "kora", service="notify")
    page = _page(client, "/notify/dead")
    rows = _rows(page)
    assert sorted(kind for kind, _ in rows) == ["exhausted", "permanent", "permanent"]
    exhausted = next(body for kind, body in rows if kind == "exhausted")
    assert "alle Versuche erfolglos" in exhausted and "Aufgegeben nach 2 Versuchen" in exhausted and "503" in exhausted
    permanent = [body for kind, body in rows if kind == "permanent"]
    assert any("550" in b and "Mailbox unbekannt" in b for b in permanent)
    assert any("Telefonnummer" in b for b in permanent)
    assert "dauerhaft fehlgeschlagen" in page
    assert (_count(page, "permanent"), _count(page, "exhausted")) == (2, 1)

    only_exhausted = _page(client, "/notify/dead?why=exhausted")
    assert [k for k, _ in _rows(only_exhausted)] == ["exhausted"]
    sms = _page(client, "/notify/dead?channel=sms")
    assert sorted(k for k, _ in _rows(sms)) == ["exhausted", "permanent"]
    assert [k for k, _ in _rows(_page(client, "/notify/dead?channel=email&kind=confirmed"))] == ["permanent"]
    assert _rows(_page(client, "/notify/dead?kind=changed")) == []


def test_unknown_filters_get_a_german_400(notify_app, outcomes):
    client = notify_app.test_client()
    login(client, "kora", service="notify")
    assert "Unbekannter Grund" in _page(client, "/notify/dead?why=pech", 400)
    assert "Unbekannter Anlass" in _page(client, "/notify/?kind=geburtstag", 400)
    assert "Unbekannter Weg" in _page(client, "/notify/?channel=brieftaube", 400)


def test_staff_see_only_their_own_dead_messages(notify_app, outcomes):
    client = notify_app.test_client()
    login(client, "otto", service="notify")
    rows = _rows(_page(client, "/notify/dead"))
    assert [k for k, _ in rows] == ["permanent"] and "Telefonnummer" in rows[0][1]


def test_the_log_counts_per_status_and_filters_by_kind_and_channel(notify_app, outcomes):
    client = notify_app.test_client()
    login(client, "kora", service="notify")
    page = _page(client, "/notify/")
    assert (_count(page, "sent"), _count(page, "failed"), _count(page, "queued")) == (2, 3, 0)
    by_kind = _page(client, "/notify/?kind=changed")
    assert (_count(by_kind, "sent"), _count(by_kind, "failed")) == (1, 0)
    assert by_kind.count('<li class="status-') == 1
    sms = _page(client, "/notify/?channel=sms&status=failed")
    assert sms.count('<li class="status-failed">') == 2 and _count(sms, "sent") == 0
