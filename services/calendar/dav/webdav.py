"""Generic WebDAV (RFC 4918): safe XML in, multistatus out, properties, Depth, errors.

Request bodies are parsed with lxml configured to refuse what XML attacks need: no DTD
loading, no entity resolution, no network, no huge trees; any DOCTYPE is refused outright
(an entity bomb gets a 400, never an expansion), and bodies are bounded in size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from flask import Response
from lxml import etree

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CS = "http://calendarserver.org/ns/"
ICAL = "http://apple.com/ns/ical/"
NSMAP = {"D": DAV, "C": CALDAV, "CS": CS, "I": ICAL}
MAX_XML_BYTES = 512 * 1024
XML_TYPE = "application/xml; charset=utf-8"
DAV_HEADER = "1, 3, calendar-access, calendar-auto-schedule"  # RFC 6638 §2: rooms invited are scheduled


def clark(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def element(ns: str, name: str, text: str | None = None, *children) -> etree._Element:
    el = etree.Element(clark(ns, name), nsmap=NSMAP if ns in (DAV, CALDAV) else None)
    if text is not None:
        el.text = text
    el.extend(children)
    return el


def href(url: str) -> etree._Element:
    return element(DAV, "href", url)


class DavError(Exception):
    """An HTTP error with an optional precondition element (RFC 4918 §16) and a German message."""

    def __init__(
        self,
        status: int,
        message: str,
        precondition: tuple[str, str] | None = None,
        headers: dict | None = None,
        detail: list | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.precondition = status, message, precondition
        self.headers = headers or {}
        self.detail = detail or []  # children of the precondition element, e.g. a DAV:href

    def body(self) -> bytes:
        root = element(DAV, "error")
        if self.precondition:
            root.append(element(*self.precondition, None, *self.detail))
        root.append(element("http://treffpunkt-jena.de/ns/", "message", self.message))
        return serialize(root)


_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_xml(data: bytes) -> etree._Element | None:
    """The request body as an element (None if empty). Raises DavError(400|413)."""
    if not data or not data.strip():
        return None
    if len(data) > MAX_XML_BYTES:
        raise DavError(413, "Die XML-Anfrage ist zu groß.")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise DavError(400, "XML mit DOCTYPE- oder ENTITY-Deklarationen wird nicht angenommen.")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DavError(400, f"Die XML-Anfrage ist fehlerhaft: {exc}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise DavError(400, "XML mit DOCTYPE- oder ENTITY-Deklarationen wird nicht angenommen.")
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def depth(header: str | None, default: str = "1") -> str:
    """ "0" or "1". Infinity (also the RFC default for PROPFIND) is answered as 1: our tree is
    only three levels deep and clients that omit the header expect the children."""
    value = (header or "").strip().lower()
    if value in ("0", "1"):
        return value
    if value in ("", "infinity"):
        return default
    raise DavError(400, f"Ungültiger Depth-Header {header!r}: erlaubt sind 0, 1 oder infinity.")


# --- properties ----------------------------------------------------------------------------
@dataclass
class Property:
    """One live property: `get(resource, ctx)` returns an element's content (text, a list of
    child elements, or None when the property does not apply to this resource)."""

    name: str  # Clark notation
    get: Callable
    in_allprop: bool = True


@dataclass
class PropertyRegistry:
    properties: dict[str, Property] = field(default_factory=dict)

    def register(self, ns: str, local: str, in_allprop: bool = True):
        def decorator(fn):
            self.properties[clark(ns, local)] = Property(clark(ns, local), fn, in_allprop)
            return fn

        return decorator

    def value(self, name: str, resource, ctx):
        prop = self.properties.get(name)
        return None if prop is None else prop.get(resource, ctx)


def parse_propfind(root) -> tuple[str, list[str]]:
    """("prop", names) | ("allprop", extra names) | ("propname", [])."""
    if root is None:
        return "allprop", []
    if root.tag != clark(DAV, "propfind"):
        raise DavError(400, "Erwartet wird ein DAV:propfind-Element.")
    for child in root:
        if child.tag == clark(DAV, "prop"):
            return "prop", [p.tag for p in child]
        if child.tag == clark(DAV, "propname"):
            return "propname", []
        if child.tag == clark(DAV, "allprop"):
            include = root.find(clark(DAV, "include"))
            return "allprop", [p.tag for p in include] if include is not None else []
    raise DavError(400, "DAV:propfind braucht prop, allprop oder propname.")


# --- multistatus, written as text ------------------------------------------------------------
# A depth-1 PROPFIND or a calendar-query answers thousands of resources: building an element
# per node (each with its namespace map) and serialising the tree cost more than the query.
# Responses are therefore written as text under one root that declares the namespaces; rare
# element values (privileges, report sets) are serialised by lxml and carry their own.
PREFIXES = {DAV: "D", CALDAV: "C", CS: "CS", ICAL: "I"}
_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n<D:multistatus"
    + "".join(f' xmlns:{p}="{ns}"' for ns, p in PREFIXES.items())
    + ">"
)
OK, NOT_FOUND = "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"


def escape(text: str) -> str:
    """Element text as lxml writes it: a CR would otherwise be read back as LF (XML
    end-of-line handling). Calendar data holds no other control characters (ical.py refuses them)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@lru_cache(maxsize=1024)
def _tag(name: str) -> tuple[str, str]:
    """("<P:local[ xmlns:P=...]", "</P:local>") for a Clark name."""
    if not name.startswith("{"):
        return f"<{name}", f"</{name}>"
    ns, local = name[1:].split("}", 1)
    prefix = PREFIXES.get(ns)
    if prefix is not None:
        return f"<{prefix}:{local}", f"</{prefix}:{local}>"
    quoted = escape(ns).replace('"', "&quot;")
    return f'<X:{local} xmlns:X="{quoted}"', f"</X:{local}>"


def prop_text(name: str, value=None) -> str:
    """One property element: empty, with text, or holding a list of elements."""
    start, end = _tag(name)
    if not value:
        return start + "/>"
    if isinstance(value, str):
        return f"{start}>{escape(value)}{end}"
    return start + ">" + "".join(etree.tostring(v, encoding="unicode") for v in value) + end


def response_text(url: str, found: list[str], missing: Sequence[str] = ()) -> str:
    """A DAV:response with a 200 propstat for `found` and a 404 one for `missing` (property texts)."""
    parts = [f"<D:response><D:href>{escape(url)}</D:href>"]
    for status, props in ((OK, found), (NOT_FOUND, missing)):
        if props:
            parts.append(f"<D:propstat><D:prop>{''.join(props)}</D:prop><D:status>{status}</D:status></D:propstat>")
    parts.append("</D:response>")
    return "".join(parts)


def propstat_response(url: str, registry: PropertyRegistry, resource, ctx, mode: str, names: list[str]) -> str:
    """One DAV:response with 200 and 404 propstats for `resource`."""
    found, missing = [], []
    if mode == "propname":
        for name in registry.properties:
            if registry.value(name, resource, ctx) is not None:
                found.append(prop_text(name))
    else:
        wanted = names if mode == "prop" else [n for n, p in registry.properties.items() if p.in_allprop] + names
        for name in dict.fromkeys(wanted):
            value = registry.value(name, resource, ctx)
            if value is not None:
                found.append(prop_text(name, value))
            elif mode == "prop" or name in names:  # allprop leaves out what does not apply
                missing.append(prop_text(name))
    return response_text(url, found, missing)


def status_response(url: str, status: str) -> str:
    return f"<D:response><D:href>{escape(url)}</D:href><D:status>{status}</D:status></D:response>"


def multistatus(responses) -> bytes:
    """Responses as text (above) or as elements (which carry their namespace declarations)."""
    parts = [_HEAD]
    for r in responses:
        parts.append(r if isinstance(r, str) else etree.tostring(r, encoding="unicode"))
    parts.append("</D:multistatus>")
    return "".join(parts).encode("utf-8")


def xml_response(body: bytes, status: int = 207) -> Response:
    """A multistatus (or other DAV XML) answer with the DAV header clients look for."""
    return Response(body, status=status, content_type=XML_TYPE, headers={"DAV": DAV_HEADER})
