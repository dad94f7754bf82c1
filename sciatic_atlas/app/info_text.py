"""The text of the info panel for one structure, as simple HTML (no Qt).

Shows what a student asks first: the name and side, what it is, how it is
supplied (nerve, division, roots), what it does (action, origin, insertion),
what it supplies (for nerves), clinical notes, and numbered sources for every
fact shown.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from sciatic_atlas.anatomy.structures import format_roots

# (attribute of the knowledge Structure, heading) in the order shown.
FIELDS = (
    ("origin", "Origin"),
    ("insertion", "Insertion"),
    ("action", "Action"),
    ("skin_territory", "Skin supplied"),
)


def _text(value) -> str:
    """Return the plain text of a fact, a string, or a list of either."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "text"):
        return value.text
    if isinstance(value, Iterable):
        return "; ".join(t for t in (_text(v) for v in value) if t)
    return str(value)


class _Citations:
    """Numbers sources in order of first use: [1], [2]..."""

    def __init__(self, knowledge):
        self.sources = getattr(knowledge, "sources", None) or {}
        self.order: list[tuple[str, str]] = []

    def cite(self, fact) -> str:
        source = getattr(fact, "source", None)
        if not source:
            return ""
        key = (source, getattr(fact, "locator", "") or "")
        if key not in self.order:
            self.order.append(key)
        return f"<sup>[{self.order.index(key) + 1}]</sup>"

    def html(self) -> str:
        if not self.order:
            return ""
        rows = []
        for i, (source_id, locator) in enumerate(self.order, 1):
            source = self.sources.get(source_id)
            citation = html.escape(getattr(source, "citation", source_id))
            url = getattr(source, "url", None)
            where = f" — <i>{html.escape(locator)}</i>" if locator else ""
            link = f' <a href="{html.escape(url)}">link</a>' if url else ""
            rows.append(f"<li value='{i}'>{citation}{where}{link}</li>")
        return "<h4>Sources</h4><ol style='margin-left:-20px'>" + "".join(rows) + "</ol>"


def _facts_by_topic(record) -> dict[str, list]:
    by_topic: dict[str, list] = {}
    for fact in getattr(record, "facts", None) or ():
        by_topic.setdefault(fact.topic, []).append(fact)
    return by_topic


def _field_html(record, attribute: str, heading: str, facts: dict[str, list], cites: _Citations) -> str:
    topic_facts = facts.get(attribute) or []
    if topic_facts:
        body = " ".join(f"{html.escape(f.text)}{cites.cite(f)}" for f in topic_facts)
    else:
        value = getattr(record, attribute, None)
        body = html.escape(_text(value))
        if body and hasattr(value, "source"):
            body += cites.cite(value)
    return f"<p><b>{heading}:</b> {body}</p>" if body else ""


def _supply_words(nerve: str, division, roots, catalog) -> list[str]:
    parts = [html.escape(catalog.label(nerve) if nerve in catalog else catalog.label(nerve).rstrip())]
    if division and division != "none":
        words = str(division).replace("_", " ")  # an id ("common_fibular") read as words
        parts.append(f"{html.escape(words)} division")
    if roots:
        parts.append("roots " + html.escape(format_roots(roots)))
    return parts


def _innervation_html(record, catalog, facts: dict[str, list], cites: _Citations) -> str:
    supply = [s for s in getattr(record, "supply", ()) if s.nerve]
    cited = facts.get("innervation", [])
    if len(supply) > 1:  # a muscle of two nerves (adductor magnus): one line per part, each cited
        items = []
        for s, fact in zip(supply, cited):
            words = "; ".join(_supply_words(s.nerve, s.division, s.roots, catalog))
            items.append(f"<li>{html.escape(s.part.capitalize())}: {words}{cites.cite(fact)}</li>")
        return f"<p><b>Nerve supply:</b></p><ul>{''.join(items)}</ul>"
    nerve = getattr(record, "nerve", None)
    if not nerve:
        return ""
    parts = _supply_words(nerve, getattr(record, "division", None), getattr(record, "roots", None), catalog)
    cite = "".join(cites.cite(f) for f in cited[:1])
    return f"<p><b>Nerve supply:</b> {'; '.join(parts)}{cite}</p>"


def structure_html(structure_id: str, catalog, knowledge) -> str:
    """Return the info panel's HTML for ``structure_id``.

    Parameters
    ----------
    structure_id : str
        The structure to describe.
    catalog : Catalog
        Gives the display label of it and of the structures it names.
    knowledge : Knowledge or None
        The facts; without an entry only the name and kind are shown.
    """
    entry = catalog.entries.get(structure_id)
    record = (getattr(knowledge, "structures", None) or {}).get(structure_id)
    title = html.escape(catalog.label(structure_id) if entry or record is None else record.name)
    kind = entry.kind if entry else getattr(record, "kind", "")
    subtitle = " · ".join(x for x in (kind, entry.layer if entry else "", entry.region if entry else "") if x)
    parts = [f"<h2 style='margin-bottom:0'>{title}</h2>",
             f"<p style='color:#666;margin-top:2px'>{html.escape(subtitle)}</p>"]
    if record is None:
        parts.append("<p><i>No facts recorded for this structure yet.</i></p>")
        return "".join(parts)
    cites = _Citations(knowledge)
    facts = _facts_by_topic(record)
    summary = getattr(record, "summary", "")
    if summary:
        cite = "".join(cites.cite(f) for f in facts.get("summary", [])[:1])
        parts.append(f"<p>{html.escape(_text(summary))}{cite}</p>")
    parts.append(_innervation_html(record, catalog, facts, cites))
    if kind in ("nerve", "root", "branch") and getattr(record, "roots", None) and not getattr(record, "nerve", None):
        parts.append(f"<p><b>Spinal roots:</b> {html.escape(format_roots(record.roots))}</p>")
    for attribute, heading in FIELDS:
        parts.append(_field_html(record, attribute, heading, facts, cites))
    supplies = getattr(record, "supplies", None)
    if supplies:
        names = ", ".join(html.escape(catalog.label(s)) for s in supplies)
        parts.append(f"<p><b>Supplies:</b> {names}</p>")
    shown = {"summary", "innervation", *(a for a, _ in FIELDS)}
    other = [f for topic, fs in facts.items() if topic not in shown and topic != "clinical" for f in fs]
    clinical = list(getattr(record, "clinical", None) or ()) + facts.get("clinical", [])
    if other:
        parts.append("<ul>" + "".join(f"<li>{html.escape(f.text)}{cites.cite(f)}</li>" for f in other) + "</ul>")
    if clinical:
        seen, items = set(), []
        for fact in clinical:
            if fact.text not in seen:
                seen.add(fact.text)
                items.append(f"<li>{html.escape(fact.text)}{cites.cite(fact)}</li>")
        parts.append("<h4>Clinical notes</h4><ul>" + "".join(items) + "</ul>")
    parts.append(cites.html())
    return "".join(p for p in parts if p)
