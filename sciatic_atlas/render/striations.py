"""Fibre striations on the muscles: a faint stripe texture laid across the fibres.

The asset build stores, per muscle vertex, a coordinate that is constant along the fibres
and grows across them (mm round the belly, ``assets/fibres.npz``,
:mod:`sciatic_atlas.assetbuild.muscle_fibres`). Divided by the stripe spacing it is the
texture's ``s`` coordinate, so a small stripe texture, repeated, draws one fascicle every
``spacing_mm``. The texture's rows grade from no stripe (row 0) to the full ``depth``
(last row), and ``t`` picks the row from the belly weight (render/shading.py): tendons and
aponeuroses are drawn plain. Mipmaps fade stripes finer than a pixel into the mean colour
(no moiré, no shimmer while the camera moves). On the CPU renderer a texture lookup is the
cheapest way to get detail finer than the triangles: about 1 % of a whole-model frame
without anisotropic filtering (``benchmarks/bench_striations.py``).
Settings: ``striations`` in ``data/appearance.yaml``.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from sciatic_atlas.render.appearance import appearance
from sciatic_atlas.render.baked import per_vertex

FIBRES_FILE = "fibres.npz"  # the name assetbuild/muscles.py writes
ROWS = 16  # texture rows: no stripe .. full depth


def settings() -> dict | None:
    """Return the ``striations`` settings, or None when they are off (or not given)."""
    spec = appearance().get("striations") or {}
    return spec if spec.get("enabled", False) else None


def fibre_coordinate(model, structure_id: str, n_vertices: int) -> np.ndarray | None:
    """Return the muscle's per-vertex fibre coordinate (mm), or None without one or when off."""
    if settings() is None:
        return None
    return per_vertex(model, FIBRES_FILE, structure_id, n_vertices, np.float32)


def texture_coordinates(fibre: np.ndarray, belly: np.ndarray | None) -> np.ndarray:
    """Return (N, 2) float32 texture coordinates: stripes across the fibres, depth from the belly weight.

    Parameters
    ----------
    fibre : ndarray, shape (N,)
        The fibre coordinate (mm).
    belly : ndarray, shape (N,), optional
        0 at tendon .. 1 in the belly; None: all belly.
    """
    spec = settings() or {}
    s = np.asarray(fibre, np.float64) / float(spec.get("spacing_mm", 2.0))
    weight = np.ones(len(s)) if belly is None else np.clip(np.asarray(belly, float), 0.0, 1.0) ** 2
    # Squared: the stripes fade out faster than the colour pales, so the pale blend into a
    # tendon is drawn (nearly) plain. Row centres: 0 -> row 0 (plain), 1 -> the last row.
    t = (0.5 + weight * (ROWS - 1)) / ROWS
    return np.column_stack([s, t]).astype(np.float32)


def stripe_image(width: int, depth: float, sharpness: float) -> np.ndarray:
    """Return the (ROWS, width, 3) uint8 stripe texture: one period across, depth growing down the rows.

    A row is ``1 - d * bump(x)`` with ``bump = ((1 - cos 2 pi x) / 2) ** sharpness``: a soft
    dark line between fascicles (sharper for a larger ``sharpness``) on the full colour.
    """
    x = (np.arange(width) + 0.5) / width
    bump = ((1.0 - np.cos(2.0 * np.pi * x)) / 2.0) ** sharpness
    rows = depth * np.arange(ROWS)[:, None] / (ROWS - 1)
    grey = np.round(255.0 * (1.0 - rows * bump[None, :])).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def texture() -> pv.Texture | None:
    """Return a new stripe texture (repeat, linear interpolation, mipmaps), or None when off."""
    spec = settings()
    if spec is None:
        return None
    image = stripe_image(int(spec.get("texture_px", 32)), float(spec.get("depth", 0.1)),
                         float(spec.get("sharpness", 1.0)))
    tex = pv.Texture(image[::-1])  # PyVista puts an image's first row at the top (t = 1)
    tex.repeat = True
    tex.interpolate = True
    tex.mipmap = True
    # VTK asks for 4x anisotropic filtering by default: on the CPU renderer that tripled
    # the stripes' cost (benchmarks/bench_striations.py); the stripes run across the view
    # as often as along it, and plain trilinear mipmaps keep them free of moire.
    tex.SetMaximumAnisotropicFiltering(float(spec.get("anisotropy", 1.0)))
    return tex
