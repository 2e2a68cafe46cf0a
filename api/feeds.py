"""The review's updates as an Atom feed (RFC 4287) and a JSON Feed (1.1).

The Atom document is written with the standard library's ElementTree: feedgen 1.0 drops the ``rel`` and
``type`` of an entry's links, which leaves two untyped alternates per entry (RFC 4287 allows one).

Subscribers' readers poll these; each entry is one review update with its counts and what it changed,
linking to the update on the website and to ``/v1/changes`` for the machine-readable list.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from analysis.changes import UpdateChanges, parse_instant
from facekg import __version__

FEED_ID = "https://w3id.org/facekg/updates"
TITLE = "facekg living review: updates"
SUBTITLE = "Each update of the living review of deep-learning facial image analysis in medicine, and what changed."
ATOM = "application/atom+xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00+00:00"
JSON_FEED = "application/feed+json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def summary(changes: UpdateChanges) -> str:
    """One line saying what the update changed."""
    counts = changes.counts
    parts = [f"{counts.get(f'studies_{k}', 0)} studies {k}" for k in ("added", "changed", "removed")]
    facts = [f"{counts.get(f'facts_{k}', 0)} facts {k}" for k in ("added", "changed", "removed")]
    if counts.get("screening_changed"):
        facts.append(f"{counts['screening_changed']} screening statuses changed")
    origin = changes.update.source + (f" ({changes.update.description})" if changes.update.description else "")
    return f"Update {changes.update.id} from {origin}: " + ", ".join(parts + facts) + "."


def _links(base_url: str, changes: UpdateChanges) -> tuple[str, str]:
    base = base_url.rstrip("/")
    return f"{base}/updates#update-{changes.update.id}", f"{base}/v1/changes?since={_before(changes)}"


def _before(changes: UpdateChanges) -> str:
    # /v1/changes lists updates *after* `since`; the update's own instant lists it first.
    return quote(changes.update.created_at, safe="")


def atom_feed(base_url: str, updates: list[UpdateChanges]) -> bytes:
    """The Atom document, newest update first."""
    base = base_url.rstrip("/")
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(_atom("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    newest = updates[-1].update.created_at if updates else EPOCH
    _text(feed, "id", FEED_ID)
    _text(feed, "title", TITLE)
    _text(feed, "subtitle", SUBTITLE)
    _text(feed, "updated", _instant(newest))
    _text(_sub(feed, "author"), "name", "facekg")
    _text(feed, "generator", "facekg").set("version", __version__)
    _sub(feed, "link", href=f"{base}/feeds/updates.atom", rel="self", type=ATOM)
    _sub(feed, "link", href=f"{base}/updates", rel="alternate", type="text/html")
    for changes in reversed(updates):
        page, api = _links(base_url, changes)
        entry = _sub(feed, "entry")
        _text(entry, "id", f"{FEED_ID}/{changes.update.id}")
        _text(entry, "title", f"Review update {changes.update.id}")
        _text(entry, "published", _instant(changes.update.created_at))
        _text(entry, "updated", _instant(changes.update.created_at))
        _sub(entry, "link", href=page, rel="alternate", type="text/html")
        _sub(entry, "link", href=api, rel="related", type="application/json")
        _text(entry, "summary", summary(changes))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, _atom(tag), attributes)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = _sub(parent, tag)
    element.text = text
    return element


def _instant(value: str) -> str:
    """An RFC 3339 date-time (Atom's date construct) for an update's ``created_at``."""
    moment = parse_instant(value)
    return (moment or datetime(1970, 1, 1, tzinfo=UTC)).isoformat()


def json_feed(base_url: str, updates: list[UpdateChanges]) -> dict[str, Any]:
    """The JSON Feed 1.1 document, newest update first; each item carries its changes under ``_facekg``."""
    base = base_url.rstrip("/")
    items = []
    for changes in reversed(updates):
        page, api = _links(base_url, changes)
        items.append({"id": f"{FEED_ID}/{changes.update.id}", "url": page, "external_url": api,
                      "title": f"Review update {changes.update.id}", "content_text": summary(changes),
                      "date_published": changes.update.created_at,
                      "_facekg": {"update": changes.update.model_dump(mode="json"), "counts": changes.counts}})
    return {"version": JSON_FEED_VERSION, "title": TITLE, "description": SUBTITLE, "home_page_url": f"{base}/updates",
            "feed_url": f"{base}/feeds/updates.json", "language": "en", "authors": [{"name": "facekg"}],
            "items": items}
