"""A page as PDF (the calendar's weekly programme, the Engagementnachweis), made by WeasyPrint
from the same HTML the browser prints (its print stylesheet decides the A4 layout). WeasyPrint
reads only this site's own stylesheets, from disk: it never asks the network, whatever address
a page may name (an offering's image, a link), and rendering does not wait on our own server.

WeasyPrint needs Pango at run time (Debian: libpango-1.0-0, libpangoft2-1.0-0) and at least
one font (fonts-dejavu-core); it is imported on the first PDF, so the rest of the system
runs without them."""

from __future__ import annotations

import logging
from pathlib import Path

STYLESHEET = {"Content-Type": "text/css; charset=utf-8"}
# WeasyPrint warns about every screen rule it rightly skips (media features, clip-path): about
# twenty lines a PDF. A stylesheet that failed to load shows in the PDF's layout (tested).
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def render_pdf(html: str, base_url: str, files: dict[str, Path]) -> bytes:
    """`html` as PDF; relative links point into `base_url`; `files` maps each absolute URL the
    page may load (its stylesheets) to the file that holds it."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFiles(URLFetcher):  # type: ignore[misc]  # weasyprint has no type hints
        def fetch(self, url: str, headers: object = None) -> object:
            path = files.get(url.split("?", 1)[0])
            if path is None:
                raise ValueError(f"not one of this site's files: {url[:200]}")
            return URLFetcherResponse(url, path.read_bytes(), STYLESHEET)

    pdf: bytes = HTML(string=html, base_url=base_url, url_fetcher=OwnFiles()).write_pdf()
    return pdf
