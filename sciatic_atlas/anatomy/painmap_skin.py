"""Where a pain map lies on the skin: per-vertex weights of its marks, in NumPy.

Region marks and point marks end up in the same form, a weight in 0..1 on every skin
vertex (:class:`~sciatic_atlas.anatomy.skin_regions.SkinSurface`), so the ranking
(:mod:`sciatic_atlas.anatomy.sources_rank`), the pictures and the window treat them
alike:

- a **region** mark is the named region's spec (``data/skin_regions.yaml``) on the
  map's side, exactly as the overlays are painted;
- a **point** mark spreads from the skin vertex nearest the point over the distance
  *along the skin* (Dijkstra on the mesh edges) up to its radius, so it follows the
  limb's surface and never reaches the other side of the leg or the other leg.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from sciatic_atlas.anatomy.easing import smoothstep
from sciatic_atlas.anatomy.painmap import Mark, PainMap, PainMapError
from sciatic_atlas.anatomy.skin_regions import SkinSurface, named_regions, region_weights

MAX_OFF_SKIN_MM = 40.0  # a point mark further than this from every skin vertex is an error
SOFT_EDGE = 0.25  # a point mark fades out over the outer quarter of its radius
_GRAPHS: dict[int, tuple[weakref.ref, object]] = {}  # id(surface) -> (the surface, its graph)
_TREES: dict[int, tuple[weakref.ref, object]] = {}  # id(surface) -> (the surface, its k-d tree)


@dataclass(frozen=True)
class Drawing:
    """A pain map on the skin: per-vertex coverage (0..1) and intensity (0..10) per kind."""

    pain: np.ndarray  # (N,) coverage by pain marks
    numbness: np.ndarray  # (N,) coverage by numbness marks
    pain_intensity: np.ndarray  # (N,) largest intensity of the pain marks covering the vertex
    numbness_intensity: np.ndarray

    @property
    def coverage(self) -> np.ndarray:
        """Return where anything is drawn (0..1), either kind."""
        return np.maximum(self.pain, self.numbness)


def _graph(surface: SkinSurface):
    """Return (once per surface) the skin's edge graph weighted by edge length (mm)."""
    ref, graph = _GRAPHS.get(id(surface), (None, None))
    if ref is None or ref() is not surface:  # (SkinSurface holds arrays: not hashable)
        e = surface.edges
        length = np.linalg.norm(surface.vertices[e[:, 0]] - surface.vertices[e[:, 1]], axis=1)
        n = len(surface.vertices)
        graph = coo_matrix((np.r_[length, length], (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])),
                           shape=(n, n)).tocsr()
        _GRAPHS[id(surface)] = (weakref.ref(surface, lambda _, key=id(surface): _GRAPHS.pop(key, None)), graph)
    return graph


def _tree(surface: SkinSurface) -> cKDTree:
    """Return (once per surface) a k-d tree of the skin's vertices."""
    ref, tree = _TREES.get(id(surface), (None, None))
    if ref is None or ref() is not surface:
        tree = cKDTree(surface.vertices)
        _TREES[id(surface)] = (weakref.ref(surface, lambda _, key=id(surface): _TREES.pop(key, None)), tree)
    return tree


def nearest_vertex(surface: SkinSurface, point) -> tuple[int, float]:
    """Return the skin vertex nearest ``point`` (mm) and its distance (mm)."""
    gap, i = _tree(surface).query(np.asarray(point, dtype=float))
    return int(i), float(gap)


def surface_distance(surface: SkinSurface, vertex: int, limit: float) -> np.ndarray:
    """Return the distance along the skin (mm) from ``vertex`` to every vertex; ``inf`` past ``limit``."""
    return dijkstra(_graph(surface), directed=False, indices=vertex, limit=limit)


def point_weights(surface: SkinSurface, point, radius: float) -> np.ndarray:
    """Return per-vertex weights of a round mark of ``radius`` mm centred on the skin at ``point``.

    Full inside three quarters of the radius, fading to 0 at the radius, measured along
    the skin from the vertex nearest ``point``.
    """
    vertex, _ = nearest_vertex(surface, point)
    d = surface_distance(surface, vertex, radius)
    return np.where(np.isfinite(d), smoothstep((radius - d) / (SOFT_EDGE * radius)), 0.0)


def mark_weights(surface: SkinSurface, mark: Mark, side: str, index: int | None = None) -> np.ndarray:
    """Return one mark's per-vertex weights (0..1) on the skin.

    Raises
    ------
    PainMapError
        When a point mark lies further than :data:`MAX_OFF_SKIN_MM` from the skin.
    """
    if mark.region is not None:
        return region_weights(surface, named_regions()[mark.region]["spec"], side)
    _, gap = nearest_vertex(surface, mark.point)
    if gap > MAX_OFF_SKIN_MM:
        place = f"marks[{index}]" if index is not None else "a mark"
        raise PainMapError([f"{place}.point: {gap:.0f} mm from the skin — points are in world millimetres "
                            f"on the skin (as in describe --json); move it onto the skin"])
    return point_weights(surface, mark.point, mark.radius)


def _point_groups(painmap: PainMap) -> dict[tuple, list[tuple[int, Mark]]]:
    """Return the point marks grouped by (kind, radius, intensity): each group is one Dijkstra pass."""
    groups: dict[tuple, list[tuple[int, Mark]]] = {}
    for i, mark in enumerate(painmap.marks):
        if mark.point is not None:
            groups.setdefault((mark.kind, mark.radius, mark.intensity), []).append((i, mark))
    return groups


def drawing(surface: SkinSurface, painmap: PainMap) -> Drawing:
    """Return the pain map on the skin: per-vertex coverage and intensity of each kind.

    Point marks of the same kind, radius and intensity (a brush stroke's dabs) are spread
    together: one multi-source Dijkstra gives each vertex its distance to the nearest
    of them, and the mark weight falls with that distance exactly as for one mark.
    """
    n = len(surface.vertices)
    cover = {k: np.zeros(n) for k in ("pain", "numbness")}
    level = {k: np.zeros(n) for k in ("pain", "numbness")}

    def add(kind: str, w: np.ndarray, intensity: float) -> None:
        cover[kind] = np.maximum(cover[kind], w)
        level[kind] = np.where(w > 0.05, np.maximum(level[kind], intensity), level[kind])

    for i, mark in enumerate(painmap.marks):
        if mark.region is not None:
            add(mark.kind, mark_weights(surface, mark, painmap.side, i), mark.intensity)
    for (kind, radius, intensity), marks in _point_groups(painmap).items():
        gaps, starts = _tree(surface).query(np.array([m.point for _, m in marks], dtype=float))
        for (i, mark), gap in zip(marks, gaps):
            if gap > MAX_OFF_SKIN_MM:
                mark_weights(surface, mark, painmap.side, i)  # raises, naming the mark
        d = dijkstra(_graph(surface), directed=False, indices=np.unique(starts), limit=radius, min_only=True)
        add(kind, np.where(np.isfinite(d), smoothstep((radius - d) / (SOFT_EDGE * radius)), 0.0), intensity)
    return Drawing(cover["pain"], cover["numbness"], level["pain"], level["numbness"])


_MASKS: dict[tuple[int, str], tuple[weakref.ref, dict]] = {}  # (id(surface), side) -> named-region masks


def region_masks(surface: SkinSurface, side: str) -> dict[str, np.ndarray]:
    """Return (once per surface and side) each named region's vertices, as in ``region_coverage``."""
    key = (id(surface), side)
    ref, masks = _MASKS.get(key, (None, None))
    if ref is None or ref() is not surface:
        masks = {}
        for name, entry in named_regions().items():
            r = region_weights(surface, {**entry["spec"], "feather": {"blur": 0}}, side) > 0.5
            if surface.area[r].sum() > 0:
                masks[name] = r
        _MASKS[key] = (weakref.ref(surface, lambda _, k=key: _MASKS.pop(k, None)), masks)
    return masks


def drawn_regions(surface: SkinSurface, weights: np.ndarray, side: str, least: float = 0.2) -> list[tuple[str, float]]:
    """Return the named regions covered by ``weights`` at least ``least`` of their area, most first.

    The same measure as :func:`~sciatic_atlas.anatomy.skin_regions.region_coverage`, with the
    regions' vertices worked out once.
    """
    area = surface.area
    cover = {name: float((area[r] * weights[r]).sum() / area[r].sum()) for name, r in region_masks(surface, side).items()}
    return [(r, f) for r, f in sorted(cover.items(), key=lambda kv: -kv[1]) if f >= least]
