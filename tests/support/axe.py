"""axe-core in a real page, and the phone check: what the browser tests assert on every page.

`make axe` (part of `make test`) installs the pinned axe-core from the npm registry into .node/.
The script is evaluated through the DevTools protocol, not as a <script> tag, so the pages'
Content-Security-Policy (no inline scripts) stays as it is in production."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / ".node" / "node_modules" / "axe-core" / "axe.min.js"

# Every rule axe runs by default (WCAG 2.0–2.2 A and AA plus its best practices); the result as
# plain data, small enough to cross the protocol.
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


@cache
def _source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (part of `make test`) to install axe-core from npm")
    return AXE_JS.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (injected once per document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source() + "\n;undefined")
    return page.evaluate(RUN)


def summary(found: list[dict]) -> str:
    """One line a violation, then each element it was found on and what to fix there."""
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {' '.join(node['summary'].split())}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    found = violations(page)
    assert not found, f"axe-core on {page.url}:\n{summary(found)}"


SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const out = el => el.getBoundingClientRect().right > width + 1;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => out(el) && !(el.parentElement && out(el.parentElement))).slice(0, 5).map(name);
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def assert_no_sideways_scroll(page: Page) -> None:
    """The page is no wider than the window; if it is, name the outermost elements that stick out."""
    # after a click the URL changes before the next document exists (a busy machine showed it)
    page.wait_for_load_state()
    seen = page.evaluate(SIDEWAYS)
    assert seen["scroll"] <= seen["width"], (
        f"{page.url} is {seen['scroll']} px wide in a {seen['width']} px window; sticking out: "
        + ", ".join(seen["wide"])
    )


def assert_fits_and_accessible(page: Page) -> None:
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def collect_problems(page: Page, problems: list[str]) -> None:
    """Both checks on the page as it is; what fails is collected, so one run names every page."""
    try:
        assert_no_sideways_scroll(page)
    except AssertionError as exc:
        problems.append(str(exc))
    found = violations(page)
    if found:
        problems.append(f"axe-core on {page.url}:\n{summary(found)}")


def page_ok(page: Page) -> None:
    """What every browser test asks of a page: no sideways scrolling, nothing axe-core finds."""
    assert_no_sideways_scroll(page)
    assert_accessible(page)
