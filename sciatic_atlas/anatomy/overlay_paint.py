"""How overlays are laid on the skin together: tints, stripes and the mix where they overlap.

:mod:`sciatic_atlas.anatomy.overlays` works out where each overlay lies (per-vertex
essential and spillover weights); this module turns several such layers into one
per-vertex colour, in NumPy:

- an **essential** zone is the overlay's colour, nearly opaque;
- a **spillover** zone is a lighter tint of that colour crossed by regular diagonal
  stripes of the full colour, :data:`SPILL_PERIOD_MM` apart: coarse enough to read on
  a whole-body picture, far above the skin's vertex spacing (so no moiré);
- where overlays **overlap** they are not stacked (the last would hide the others) but
  mixed: every covering overlay keeps a share of the colour everywhere, and bands
  :data:`BAND_MM` wide, running the other way, each favour one of them in turn, so the
  overlap reads as stripes of both colours rather than as a third colour.

The stripes are planes through the body in world millimetres: they run on unbroken
across segment joints and the midline, where the surface coordinates have seams.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ESSENTIAL_ALPHA, SPILLOVER_ALPHA = 0.88, 0.8
SPILL_PALE = 0.6  # how far the spillover tint goes from the colour towards white
SPILL_PERIOD_MM = 36.0  # spillover stripe spacing
SPILL_DUTY = 0.35  # share of the period in full colour
SPILL_NORMAL = np.array([1.0, 1.0, 1.0]) / np.sqrt(3.0)  # diagonal from the front, back, side and below
BAND_MM = 24.0  # width of one overlay's band where overlays overlap
BAND_NORMAL = np.array([1.0, -1.0, 0.0]) / np.sqrt(2.0)  # upright bands, across the spillover stripes
BAND_FAVOUR = 4.0  # an overlay's weight in its own band, relative to 1 elsewhere
EDGE_MM = 4.0  # soft edge of every stripe and band


@dataclass(frozen=True)
class Refined:
    """The skin split once more for painting: every triangle into four at its edge midpoints.

    Stripes a few centimetres apart need more than the skin's ~8 mm vertex spacing to
    have straight edges; the shape is unchanged (new vertices lie on the old triangles).
    """

    vertices: np.ndarray  # (N + M, 3): the skin's vertices, then the edge midpoints
    faces: np.ndarray  # (4F, 3)
    parents: np.ndarray  # (M, 2): the two skin vertices each midpoint lies between

    def lift(self, values: np.ndarray) -> np.ndarray:
        """Return a per-vertex field of the skin interpolated onto the refined vertices."""
        values = np.asarray(values)
        return np.concatenate([values, 0.5 * (values[self.parents[:, 0]] + values[self.parents[:, 1]])])


def refine(vertices: np.ndarray, faces: np.ndarray) -> Refined:
    """Split every triangle into four at its edge midpoints (shared edges split once)."""
    v = np.asarray(vertices, dtype=float)
    f = np.asarray(faces, dtype=np.int64)
    edges = np.sort(np.stack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]], axis=1).reshape(-1, 2), axis=1)
    parents, inverse = np.unique(edges, axis=0, return_inverse=True)
    mid = len(v) + inverse.reshape(-1, 3)  # midpoint ids of edges (01, 12, 20) of each face
    a, b, c = f.T
    m01, m12, m20 = mid.T
    new_faces = np.concatenate([np.stack(t, axis=1) for t in
                                ((a, m01, m20), (m01, b, m12), (m20, m12, c), (m01, m12, m20))])
    new_vertices = np.concatenate([v, 0.5 * (v[parents[:, 0]] + v[parents[:, 1]])])
    return Refined(new_vertices, new_faces, parents)


@dataclass(frozen=True)
class Layer:
    """One overlay's colour and per-vertex zone weights (0..1) on the skin."""

    colour: tuple[float, float, float]
    essential: np.ndarray
    spillover: np.ndarray


def _stripes(vertices: np.ndarray, normal: np.ndarray, period: float, duty: float, phase: float = 0.0) -> np.ndarray:
    """Return 1 on stripes covering ``duty`` of each ``period`` (mm) along ``normal``, soft-edged."""
    s = (vertices @ normal / period + phase) % 1.0
    inside = np.minimum(s, duty - s)  # > 0 on the stripe, distance to its nearer edge in periods
    outside = np.minimum(s - duty, 1.0 - s)  # > 0 off it
    signed_mm = np.where(s < duty, inside, -outside) * period
    return np.clip(0.5 + signed_mm / EDGE_MM, 0.0, 1.0)


def mix_weights(vertices: np.ndarray, layers: list[Layer]) -> tuple[np.ndarray, np.ndarray]:
    """Return each layer's share of the overlay colour (N, K) and the overlays' opacity (N,).

    Where one layer covers a vertex its share is 1; where several do, each has a share
    greater than 0 and the largest share goes round them in bands :data:`BAND_MM` wide.
    """
    n, k = len(vertices), len(layers)
    if k == 0:
        return np.zeros((n, 0)), np.zeros(n)
    alpha = np.stack([ESSENTIAL_ALPHA * lay.essential + SPILLOVER_ALPHA * lay.spillover for lay in layers], axis=1)
    alpha = np.clip(alpha, 0.0, 1.0)
    favour = np.ones((n, k))
    if k > 1:
        for i in range(k):
            favour[:, i] += (BAND_FAVOUR - 1.0) * _stripes(vertices, BAND_NORMAL, k * BAND_MM, 1.0 / k, -i / k)
    raw = alpha * favour
    total = raw.sum(axis=1, keepdims=True)
    shares = np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)
    return shares, alpha.max(axis=1)


def spill_tint(colour) -> tuple[float, float, float]:
    """Return the lighter tint of ``colour`` that fills spillover zones between the stripes."""
    return tuple(float(c + SPILL_PALE * (1.0 - c)) for c in colour)


def layer_colours(vertices: np.ndarray, layer: Layer) -> np.ndarray:
    """Return one layer's per-vertex colour (N, 3): full in the essential zone, striped tint in spillover."""
    full = np.asarray(layer.colour, dtype=float)
    tint = np.asarray(spill_tint(full))
    stripe = _stripes(vertices, SPILL_NORMAL, SPILL_PERIOD_MM, SPILL_DUTY)[:, None]
    spill_rgb = tint * (1.0 - stripe) + full * stripe
    e, s = layer.essential[:, None], layer.spillover[:, None]
    share_e = np.divide(e, e + s, out=np.ones_like(e), where=(e + s) > 0)
    return full * share_e + spill_rgb * (1.0 - share_e)


def composite(vertices: np.ndarray, layers: list[Layer], base_rgb) -> np.ndarray:
    """Return per-vertex RGB (N, 3, 0..1): the skin colour with the layers mixed on it."""
    vertices = np.asarray(vertices, dtype=float)
    rgb = np.tile(np.asarray(base_rgb, dtype=float), (len(vertices), 1))
    if not layers:
        return rgb
    shares, alpha = mix_weights(vertices, layers)
    colour = sum(shares[:, [i]] * layer_colours(vertices, lay) for i, lay in enumerate(layers))
    return rgb * (1.0 - alpha[:, None]) + colour * alpha[:, None]
