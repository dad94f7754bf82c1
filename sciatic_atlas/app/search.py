"""One typo-tolerant search over structures, groups and scenes (rapidfuzz, no Qt).

The window's search box calls :meth:`SearchIndex.query` on every key press; a
query of a few letters must answer in well under a frame, so the index keeps
its choice strings pre-processed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

log = logging.getLogger(__name__)

KINDS = ("structure", "group", "scene")
# "sciatic" finds the sciatic nerve (its name) before the scenes about sciatica (a keyword).
KEYWORD_WEIGHT = 0.95


def terms_file() -> Path:
    """Return ``data/search_terms.yaml``: lay words and what they should find."""
    from sciatic_atlas.anatomy.paths import DATA_DIR

    return DATA_DIR / "search_terms.yaml"


def load_terms(path: Path | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return ``{(kind, id): lay words}`` from the search terms file.

    Scene ids are taken as they are; a structure id without a side suffix stands
    for both sides (``sciatic_nerve`` -> ``sciatic_nerve_l`` and ``sciatic_nerve_r``,
    and the midline id itself).
    """
    from sciatic_atlas.anatomy.data_files import read_yaml_mapping
    from sciatic_atlas.anatomy.errors import AtlasDataError

    try:
        data = read_yaml_mapping(path or terms_file())
    except AtlasDataError as exc:  # search still finds names and titles without the lay words
        log.warning("%s", exc)
        return {}
    words: dict[tuple[str, str], list[str]] = defaultdict(list)
    for term, targets in data.items():
        if not isinstance(targets, dict):
            log.warning("%s: entry %r is not a mapping (scenes:, structures:); left out", path or terms_file(), term)
            continue
        for scene_id in targets.get("scenes", ()):
            words[("scene", scene_id)].append(str(term))
        for base in targets.get("structures", ()):
            for sid in (base, f"{base}_l", f"{base}_r"):
                words[("structure", sid)].append(str(term))
    return {key: tuple(v) for key, v in words.items()}


@dataclass(frozen=True)
class SearchEntry:
    """Something the user can find: ``kind`` is one of :data:`KINDS`."""

    kind: str
    id: str
    label: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """One answer to a query, best first; ``score`` is 0..100."""

    entry: SearchEntry
    score: float

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def label(self) -> str:
        return self.entry.label


def _score(query: str, choice: str, **_kwargs) -> float:
    """Score ``choice`` for ``query`` (both pre-processed): whole words and prefixes first."""
    if not query:
        return 0.0
    if choice.startswith(query):
        return 100.0
    if f" {query}" in f" {choice}":
        return 97.0
    if query in choice:
        return 92.0
    words = choice.split()
    if all(any(word.startswith(part) for word in words) for part in query.split()):
        return 90.0  # "glut min" -> "gluteus minimus"
    # Typos: compare the query with the best-matching stretch of the choice, and
    # with each word, so that "pirifromis" still finds "nerve to piriformis".
    partial = fuzz.partial_ratio(query, choice)
    if len(choice) < len(query):
        # A short choice found inside a longer query matches only part of what was
        # asked: "thigh" is not an answer to "back of thigh" (issue 11).
        partial *= len(choice) / len(query)
    per_word = max((fuzz.ratio(query, word) for word in words), default=0.0)
    return 0.9 * max(partial, per_word) if len(query) >= 3 else 0.0


class SearchIndex:
    """Find entries by name, id or keyword, tolerating typos.

    Parameters
    ----------
    entries : iterable of SearchEntry
        What can be found.

    Examples
    --------
    >>> index = SearchIndex([SearchEntry("structure", "piriformis_r", "piriformis (right)")])
    >>> index.query("pirifromis")[0].id
    'piriformis_r'
    """

    def __init__(self, entries: Iterable[SearchEntry]):
        self.entries: list[SearchEntry] = []
        self._choices: list[str] = []
        self._owner: list[int] = []
        self._weight: list[float] = []  # a match on a keyword ranks under one on the name
        for entry in entries:
            index = len(self.entries)
            self.entries.append(entry)
            names = {utils.default_process(t) for t in (entry.label, entry.id.replace("_", " "))}
            for text in names | {utils.default_process(k) for k in entry.keywords}:
                self._choices.append(text)
                self._owner.append(index)
                self._weight.append(1.0 if text in names else KEYWORD_WEIGHT)

    def __len__(self) -> int:
        return len(self.entries)

    def query(self, text: str, limit: int = 12, kinds: Iterable[str] = KINDS,
              min_score: float = 70.0) -> list[SearchHit]:
        """Return up to ``limit`` hits for ``text``, best first.

        Parameters
        ----------
        text : str
            What the user typed; case, punctuation and underscores are ignored.
        limit : int
            The most hits to return.
        kinds : iterable of str
            Which kinds of entry to consider.
        min_score : float
            Hits scoring below this (0..100) are dropped.
        """
        query = utils.default_process(text.replace("_", " "))
        if not query:
            return []
        wanted = set(kinds)
        best: dict[int, float] = {}
        matches = process.extract(query, self._choices, scorer=_score, processor=None,
                                  score_cutoff=min_score, limit=None)
        for _choice, score, position in matches:
            owner = self._owner[position]
            score *= self._weight[position]
            if self.entries[owner].kind in wanted and score > best.get(owner, -1.0):
                best[owner] = score
        # Ties: shorter labels first (the muscle before the branches named after it).
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(self.entries[kv[0]].label), kv[0]))
        return [SearchHit(self.entries[i], score) for i, score in ranked[:limit]]
