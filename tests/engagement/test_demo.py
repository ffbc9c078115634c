"""The demo opportunities are ones the partners' form would accept, and loading twice adds nothing."""

from __future__ import annotations

from services.engagement import demo
from services.engagement.domain.opportunity import problems
from services.engagement.exchange import convert

from tests.support.engagement import rows


def test_the_demo_is_valid_and_loads_once(engagement_app, identity):
    from shared.identity import demo as identity_demo

    identity_demo.load(identity)
    assert demo.load(engagement_app) == len(demo.OPPORTUNITIES) >= 12
    assert demo.load(engagement_app) == 0
    opportunities = rows(engagement_app, "Opportunity")
    assert len({o.partner_id for o in opportunities}) >= 9
    for row in opportunities:
        assert problems(convert.opportunity(row)) == {}, row.title
    assert any(o.kind == "shift" and o.shifts for o in opportunities)
