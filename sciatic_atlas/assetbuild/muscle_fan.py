"""Fan-shaped muscles laid over the pelvis: the three glutei.

Owns the origin lines read off the fitted hip bone and sacrum (iliac crest, PSIS,
dorsal sacrum, sacrotuberous ligament line) and the fan itself: a grid of fibre
lines from the origin line to a short insertion line on the femur, draped over the
bone and the deeper muscles (pulled onto them, or only pushed out of them), then
given a thickness that peaks mid-sheet and thins to the free edges, the origin and
the tendon; the thickness is scaled so the fan holds the muscle's volume. Gray's
Anatomy (Standring, 42nd ed., ch. 79, "Gluteal region") gives the attachments:

- gluteus medius: outer ilium between the iliac crest and the anterior and posterior
  gluteal lines, onto the lateral surface of the greater trochanter;
- gluteus minimus: outer ilium between the anterior and inferior gluteal lines, onto
  the anterior surface of the greater trochanter;
- gluteus maximus: posterior ilium behind the posterior gluteal line, the dorsal
  sacrum and coccyx and the sacrotuberous ligament, onto the iliotibial tract and
  the gluteal tuberosity.

Lengths in millimetres, world frame (+z up, +y posterior, right side at -x).
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.ndimage import gaussian_filter, gaussian_filter1d, maximum_filter

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.muscle_clearance import Obstacles

log = logging.getLogger(__name__)

N_ACROSS = 33  # fibre lines across a fan
N_ALONG = 26  # stations from origin to insertion
RING = 2 * (N_ACROSS - 1)  # ring vertices: along the deep face and back along the superficial
EDGE = 0.2  # thickness at the free edges, as a fraction of the mid-sheet thickness
PINNED_ORIGIN = 0.15  # fraction of a fan's fibre length over which its origin row is held (drape)


def resample(points: np.ndarray, n: int) -> np.ndarray:
    """Return ``n`` points evenly spaced by arc length along a polyline."""
    pts = np.asarray(points, dtype=float)
    chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
    t = np.linspace(0.0, chord[-1], n)
    return np.stack([np.interp(t, chord, pts[:, k]) for k in range(3)], axis=1)


def iliac_crest(hip: np.ndarray, side: str, n_bins: int = 20) -> np.ndarray:
    """Return the iliac crest from the ASIS end to the PSIS end: (n_bins, 3) points.

    The ilium above the sciatic notch is cut into slabs across the line from its most
    anterior to its most posterior vertex; in each slab the crest is the outer lip:
    the most lateral of the vertices within 4 mm of the slab's top.
    """
    lateral = -1.0 if side == "r" else 1.0
    upper = hip[hip[:, 2] > np.percentile(hip[:, 2], 55)]
    front, back = upper[np.argmin(upper[:, 1])], upper[np.argmax(upper[:, 1])]
    axis = np.array([back[0] - front[0], back[1] - front[1], 0.0])
    span = np.linalg.norm(axis)
    t = (upper - front) @ (axis / span) / span
    out = []
    for lo, hi in zip(np.linspace(0, 1, n_bins + 1)[:-1], np.linspace(0, 1, n_bins + 1)[1:]):
        slab = upper[(t >= lo) & (t < hi)]
        if len(slab) == 0:
            continue
        rim = slab[slab[:, 2] > slab[:, 2].max() - 4.0]
        out.append(rim[np.argmax(lateral * rim[:, 0])])
    return gaussian_filter1d(np.asarray(out), 1.0, axis=0, mode="nearest")


def crest_part(crest: np.ndarray, span: tuple[float, float], n: int = N_ACROSS) -> np.ndarray:
    """Return ``n`` points of the crest between arc fractions ``span`` (0 = ASIS end)."""
    line = resample(crest, 201)
    lo, hi = (int(round(f * 200)) for f in span)
    return resample(line[lo:hi + 1], n)


def sacral_border(sacrum: np.ndarray, side: str, levels: int = 5) -> np.ndarray:
    """Return the dorsolateral border of the sacrum, top to bottom: (levels + 1, 3).

    At each height the border is the vertex furthest back-and-out (posterior + lateral);
    the last point is the sacrum's lowest vertex (its apex, where the coccyx begins).
    """
    lateral = -1.0 if side == "r" else 1.0
    z_lo, z_hi = sacrum[:, 2].min(), sacrum[:, 2].max()
    out = []
    for z in np.linspace(z_hi - 25.0, z_lo + 12.0, levels):
        ring = sacrum[np.abs(sacrum[:, 2] - z) < 4.0]
        out.append(ring[np.argmax(ring[:, 1] + 0.6 * lateral * ring[:, 0])])
    out.append(sacrum[np.argmin(sacrum[:, 2])])
    return np.asarray(out)


def insertion_line(ends: np.ndarray, min_width: float, extend: tuple[float, float] = (0.0, 0.0),
                   n: int = N_ACROSS) -> np.ndarray:
    """Return ``n`` points on the line through the fascicle ends, at least ``min_width`` long.

    ``ends`` are ordered like the origin line; ``extend`` lengthens the line (mm) beyond
    its first and its last end.
    """
    a, b = ends[0], ends[-1]
    d = b - a
    length = np.linalg.norm(d)
    direction = d / length if length > 1e-6 else np.array([0.0, 0.0, -1.0])
    grow = max(0.0, 0.5 * (min_width - length))
    a = a - direction * (grow + extend[0])
    b = b + direction * (grow + extend[1])
    return a + np.linspace(0.0, 1.0, n)[:, None] * (b - a)


def _nearest(points: np.ndarray, base: list[Obstacles]):
    """Signed distance, nearest point and normal over several obstacle sets (closest wins)."""
    best = None
    for obs in base:
        if obs.empty:
            continue
        d, q, n = obs.nearest(points)
        if best is None:
            best = [d, q, n]
            continue
        closer = d < best[0]
        best[0] = np.where(closer, d, best[0])
        best[1][closer], best[2][closer] = q[closer], n[closer]
    if best is None:
        return np.full(len(points), np.inf), points.copy(), np.zeros_like(points)
    return best


def drape(grid: np.ndarray, base: list[Obstacles], clearance: float, pull: bool,
          facing: np.ndarray | None = None, reach: float = 28.0, rounds: int = 10,
          sigma: float = 1.6, pinned: float = 0.0) -> np.ndarray:
    """Lay a (V, U, 3) grid of fibre lines on ``base``: pushed out of it, optionally pulled on.

    Every round each grid point that is closer than ``clearance`` (or, with ``pull``,
    within ``reach`` of a surface that faces ``facing``, not the far side of a plate)
    moves toward its nearest surface point + ``clearance`` along the outward normal; the moves are low-passed over the grid so the sheet stays smooth.
    A last push without smoothing leaves every point at least ``clearance`` out.

    ``pinned`` (a fraction of the fibre length) holds the origin row where it was given:
    the attachment does not slide, and the draping eases in over that first fraction.
    Without it the origin drifted with the nearest-surface search, up to 17 mm off the
    iliac crest for gluteus medius, by an amount that changed with the scipy/VTK release.
    """
    g = np.array(grid, dtype=float)
    shape = g.shape
    v = np.linspace(0.0, 1.0, shape[0])
    free = np.sin(0.5 * np.pi * np.clip(v / pinned, 0.0, 1.0)) if pinned > 0 else np.ones_like(v)
    for _ in range(rounds):
        d, q, n = _nearest(g.reshape(-1, 3), base)
        move = d < clearance
        if pull:
            faces_out = np.ones(len(d), bool) if facing is None else n @ facing > 0.0
            move |= np.isfinite(d) & (d < reach) & faces_out
        delta = np.where(move[:, None], q + n * clearance - g.reshape(-1, 3), 0.0)
        g += gaussian_filter(delta.reshape(shape), (sigma, sigma, 0), mode="nearest") * free[:, None, None]
    # Last lift: each point's shortfall, spread to its neighbours (a max filter, then a
    # blur) so the sheet clears ``base`` without the creases a point-wise push leaves.
    d, _, n = _nearest(g.reshape(-1, 3), base)
    short = np.where(np.isfinite(d), np.maximum(clearance - d, 0.0), 0.0).reshape(shape[:2])
    short = gaussian_filter(maximum_filter(short, size=3), 1.0, mode="nearest") * 1.5
    normals = gaussian_filter(n.reshape(shape), (1.0, 1.0, 0), mode="nearest")
    normals /= np.maximum(np.linalg.norm(normals, axis=2, keepdims=True), 1e-9)
    return g + normals * short[..., None]


def grid_normals(grid: np.ndarray, away_from: np.ndarray) -> np.ndarray:
    """Unit normals of a (V, U, 3) grid, pointing away from the point ``away_from``."""
    dv = np.gradient(grid, axis=0)
    du = np.gradient(grid, axis=1)
    n = np.cross(du, dv)
    n /= np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-9)
    if np.sum(n * (grid - away_from)) < 0:
        n = -n
    n = gaussian_filter(n, (1.5, 1.5, 0), mode="nearest")
    return n / np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-9)


def thickness_shape(n_along: int, n_across: int, tendon: float, peak: float,
                    origin: float = 0.2, across_peak: float = 0.5) -> np.ndarray:
    """Return the (V, U) relative thickness: 1 mid-sheet, thin at the edges and the tendon.

    Along the fibres it rises from ``origin`` (fleshy origin) to 1 at ``peak`` and falls
    to 0.15 over the distal ``tendon`` fraction; across, it thins to ``EDGE`` at the
    borders and is thickest at ``across_peak`` (0 = the first fibre line, 1 = the last).
    """
    v = np.linspace(0.0, 1.0, n_along)
    u = np.linspace(0.0, 1.0, n_across) ** (np.log(0.5) / np.log(across_peak))
    rise = origin + (1.0 - origin) * np.sin(0.5 * np.pi * np.clip(v / peak, 0, 1))
    fall_start = 1.0 - tendon
    fall = np.clip((v - peak) / max(fall_start - peak, 1e-6), 0, 1)
    along = np.where(v <= peak, rise, 1.0 - 0.55 * fall**2)
    tail = np.clip((v - fall_start) / max(tendon, 1e-6), 0, 1)
    along = np.where(v > fall_start, along * (1.0 - 0.75 * np.sin(0.5 * np.pi * tail)), along)
    across = EDGE + (1.0 - EDGE) * np.sin(np.pi * u) ** 0.6
    return along[:, None] * across[None, :]


def _rings(grid: np.ndarray, normals: np.ndarray, thick: np.ndarray) -> np.ndarray:
    """Return (V, RING, 3) closed cross-sections: the deep face out, the superficial back."""
    deep = grid
    top = grid + normals * thick[..., None]
    # Rounded free edges: the first and last ring vertices sit midway through the sheet.
    deep_side = deep[:, :-1].copy()
    top_side = top[:, :0:-1].copy()
    deep_side[:, 0] = 0.5 * (deep[:, 0] + top[:, 0])
    top_side[:, 0] = 0.5 * (deep[:, -1] + top[:, -1])
    return np.concatenate([deep_side, top_side], axis=1)


def fan_mesh(origin: np.ndarray, insertion: np.ndarray, base: list[Obstacles], volume: float,
             clearance: float, pull: bool, tendon: float = 0.12, peak: float = 0.45,
             thickness_max: float = 40.0, bow: float = 0.0, out_dir: np.ndarray | None = None,
             origin_thickness: float = 0.2, start: np.ndarray | None = None,
             across_peak: float = 0.5):
    """Return (vertices, faces, centreline) of a fan between an origin and an insertion line.

    Parameters
    ----------
    origin, insertion : (U, 3) arrays
        Matching points across the fan (same order) at its two ends.
    base : list of Obstacles
        What the fan lies on (bone, deeper muscles).
    volume : float
        Volume (mm^3) the fan is scaled to hold.
    clearance : float
        Gap (mm) kept between the deep face and ``base``.
    pull : bool
        Drape the deep face onto ``base`` (flat muscles on bone); else only push out.
    bow : float
        How far (mm) the starting fibre lines bulge along ``out_dir`` mid-way.
    origin_thickness : float
        Thickness at the origin line relative to mid-sheet (fleshy origins are thick).
    start : (N_ALONG, N_ACROSS, 3) array, optional
        First guess of the fibre lines (a sheet wrapped around a bone); it is draped
        onto whatever surface is nearest, without the ``out_dir`` facing test.
    across_peak : float
        Where across the fan the sheet is thickest (0 = first fibre line, 1 = last).
    """
    v = np.linspace(0.0, 1.0, N_ALONG)[:, None, None]
    if start is not None:
        grid = drape(start, base, clearance, pull, facing=None)
    else:
        grid = origin[None] + v * (insertion - origin)[None]
        if bow and out_dir is not None:
            grid = grid + bow * np.sin(np.pi * v) * out_dir
        grid = drape(grid, base, clearance, pull, facing=out_dir, pinned=PINNED_ORIGIN)
    inside = np.mean(np.vstack([origin, insertion]), axis=0)
    centre_of_base = inside - (out_dir if out_dir is not None else 0.0) * 50.0
    normals = grid_normals(grid, centre_of_base)
    rel = thickness_shape(N_ALONG, N_ACROSS, tendon, peak, origin_thickness, across_peak)
    scale = 10.0
    for _ in range(3):  # the volume is close to linear in the thickness scale
        thick = np.minimum(rel * scale, thickness_max)
        verts, faces = _closed(grid, normals, thick)
        got = mesh_ops.signed_volume(verts, faces)
        scale *= volume / max(got, 1.0)
    thick = np.minimum(rel * scale, thickness_max)
    verts, faces = _closed(grid, normals, thick)
    mid = grid + 0.5 * normals * thick[..., None]
    return verts, faces, mid.mean(axis=1)


def _closed(grid: np.ndarray, normals: np.ndarray, thick: np.ndarray):
    rings = _rings(grid, normals, thick)
    return mesh_ops.loft_closed(rings, rings[0].mean(axis=0), rings[-1].mean(axis=0))


def fan_lines(spec: dict, meshes: dict, muscles, side: str):
    """Return (origin, insertion, out_dir) of a gluteal fan from its ``fan`` spec.

    ``origin`` is one of ``crest`` (gluteus medius: just below the crest between
    ``span`` fractions, 0 = ASIS end), ``gluteal_surface`` (gluteus minimus: the crest
    part lowered by ``drop`` mm, from its anterior to its posterior end) or
    ``posterior`` (gluteus maximus: the posterior crest, PSIS, dorsolateral sacrum and
    part of the sacrotuberous line toward the ischial tuberosity). The insertion is the
    line through the model fascicles' last sites, ``insertion_width`` mm long at least.
    """
    fan = spec["fan"]
    lateral = -1.0 if side == "r" else 1.0
    hip = np.asarray(meshes[f"hip_bone_{side}"].vertices, dtype=float)
    ends = np.array([m.path[-1] for m in muscles])
    insertion = insertion_line(ends, float(fan.get("insertion_width", 25.0)),
                               tuple(fan.get("extend", (0.0, 0.0))))
    crest = iliac_crest(hip, side)
    part = crest_part(crest, tuple(fan["span"]))
    kind = fan["origin"]
    if kind == "crest":
        origin = part - [0.0, 0.0, float(fan.get("below_crest", 4.0))]
        out_dir = np.array([lateral, 0.4, 0.0])
    elif kind == "gluteal_surface":
        drop = np.linspace(*fan["drop"], len(part))  # mm below the crest
        origin = part - drop[:, None] * [0.0, 0.0, 1.0]
        out_dir = np.array([lateral, 0.4, 0.0])
    elif kind == "posterior":
        sacrum = np.asarray(meshes["sacrum"].vertices, dtype=float)
        border = sacral_border(sacrum, side)
        tuber = hip[np.argmin(hip[:, 2])]  # lowest hip-bone point: the ischial tuberosity
        ligament = border[-1] + float(fan.get("ligament", 0.4)) * (tuber - border[-1])
        origin = resample(np.vstack([part, border, ligament]), N_ACROSS)
        out_dir = np.array([0.4 * lateral, 1.0, 0.0])
    else:
        raise ValueError(f"unknown fan origin {kind!r}")
    return origin, insertion, out_dir / np.linalg.norm(out_dir)
