"""The Engagementbörse on other websites: a small list any site may frame, with the search's
filters and a limit, and a page with the code to copy."""

from __future__ import annotations

from tests.support import engagement as support


def test_other_sites_may_frame_the_newest_opportunities(engagement_app, people):
    for n in range(7):
        support.opportunity(engagement_app, people["lena"]["partner_id"], title=f"Lobeda {n}")
    support.opportunity(engagement_app, people["otto"]["partner_id"], title="Nord", district="Nord")
    client = engagement_app.test_client()
    page = client.get("/engagement/embed?stadtteil=Lobeda&anzahl=3")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and body.count('target="_top"') == 4  # three and "all"
    assert "Nord" not in body and "frame-ancestors *" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert client.get("/engagement/embed").get_data(as_text=True).count("<li>") == 5  # the default
    assert client.get("/engagement/embed?anzahl=500").status_code == 400
    assert client.get("/engagement/embed?stadtteil=Atlantis").status_code == 400
    # the site's own pages stay unframeable
    assert "frame-ancestors 'none'" in client.get("/engagement/").headers["Content-Security-Policy"]


def test_the_help_page_gives_the_code_for_the_choice(engagement_app):
    page = engagement_app.test_client().get("/engagement/embed/hilfe?stadtteil=Winzerla&thema=homework")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '&lt;iframe src="http://localhost/engagement/embed?stadtteil=Winzerla&amp;thema=homework"' in body
    assert 'value="Winzerla" checked' in body
