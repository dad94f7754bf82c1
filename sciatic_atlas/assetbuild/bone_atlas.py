"""Read the CT-based mean bone shapes of the ``musculoskeletal-models`` package.

The package (Auckland Bioengineering Institute, MPL-2.0) stores each mean bone as
a GIAS "fieldwork" mesh: a ``.mesh`` file (elements and which element nodes
coincide), an ``.ens`` file (the element bases) and a ``.geof`` file (node
coordinates, mm). Elements are Lagrange patches on a uniform lattice of nodes
(``quad44`` bicubic, ``quad55`` biquartic, ``tri10`` cubic triangle, ...). This
module evaluates those patches on a finer lattice and stitches them into one
closed triangle surface per connected part (e.g. left hip bone, right hip bone,
sacrum of the pelvis model).

Node numbering and element node layouts follow GIAS3
(``gias3.fieldwork.field.topology.mesh.MeshEnsemble.get_number_of_ensemble_points``
and ``element_types.element_node_coords``; https://github.com/musculoskeletal/gias3.fieldwork).
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

log = logging.getLogger(__name__)

# (nodes along xi1, nodes along xi2, simplex?) for each element type used by the models.
_ELEMENT_LATTICE = {
    "quad44": (4, 4, False),
    "quad54": (5, 4, False),
    "quad55": (5, 5, False),
    "tri10": (4, 4, True),
    "tri15": (5, 5, True),
}

# Files of each mean shape, right side; the left is the mirror the package ships.
ATLAS_FILES = {
    "pelvis": ("pelvis_combined_cubic_flat", "pelvis_combined_cubic_mean_rigid_LLP26"),
    "femur_r": ("femur_right_quartic_flat", "femur_right_mirrored_from_left_mean_rigid_LLP26"),
    "femur_l": ("femur_left_quartic_flat", "femur_left_mean_rigid_LLP26"),
    "tibia_fibula_r": ("tibia_fibula_right_cubic_flat",
                       "tibia_fibula_cubic_right_mirrored_from_left_mean_rigid_LLP26"),
    "tibia_fibula_l": ("tibia_fibula_left_cubic_flat", "tibia_fibula_cubic_left_mean_rigid_LLP26"),
    "patella_r": ("patella_11_right", "patella_right_mirrored_from_left_mean_rigid_LLP26"),
    "patella_l": ("patella_11_left", "patella_left_mean_rigid_LLP26"),
}


@dataclass(frozen=True)
class AtlasSurface:
    """A triangulated mean bone part (mm, the atlas's own CT frame)."""

    vertices: np.ndarray  # (N, 3) float64
    faces: np.ndarray  # (M, 3) int64


def atlas_dir() -> Path:
    """Return the folder of the package's atlas meshes (needs ``musculoskeletal-models``)."""
    import musculoskeletal.models as mm

    return Path(mm.__file__).parent / "atlas_meshes"


def _lattice(n1: int, n2: int, simplex: bool) -> np.ndarray:
    """Return the element's node coordinates (xi1 fastest), as GIAS orders them."""
    pts = [(i / (n1 - 1), j / (n2 - 1)) for j in range(n2) for i in range(n1)
           if not simplex or i + j <= n1 - 1]
    return np.array(pts)


def _monomials(xi: np.ndarray, n1: int, n2: int, simplex: bool) -> np.ndarray:
    """Return the polynomial terms spanning the element's Lagrange basis at ``xi``."""
    powers = [(a, b) for b in range(n2) for a in range(n1) if not simplex or a + b <= n1 - 1]
    return np.stack([xi[:, 0] ** a * xi[:, 1] ** b for a, b in powers], axis=1)


@functools.cache
def _element_sampler(etype: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(weights, triangles)`` sampling an element on a ``k``-division grid.

    ``weights`` (S, n_nodes) maps node coordinates to sample points; ``triangles``
    index the samples, wound like the element's (xi1, xi2) orientation.
    """
    n1, n2, simplex = _ELEMENT_LATTICE[etype]
    nodes = _lattice(n1, n2, simplex)
    vander = _monomials(nodes, n1, n2, simplex)
    index, samples = {}, []
    for j in range(k + 1):
        for i in range(k + 1):
            if simplex and i + j > k:
                continue
            index[i, j] = len(samples)
            samples.append((i / k, j / k))
    weights = np.linalg.solve(vander.T, _monomials(np.array(samples), n1, n2, simplex).T).T
    tris = []
    for j in range(k):
        for i in range(k):
            a, b, c = index.get((i, j)), index.get((i + 1, j)), index.get((i, j + 1))
            d = index.get((i + 1, j + 1))
            if c is not None and b is not None:
                tris.append((a, b, c))
                if d is not None:
                    tris.append((b, d, c))
    return weights, np.array(tris)


def _global_numbers(mesh: dict) -> dict[tuple[int, int], int]:
    """Number the element points as GIAS does: sorted, connected points share a number."""
    conn = {}
    for key, linked in mesh["connectivity"].items():
        e, p = key.split("_")
        conn[int(e), int(p)] = [tuple(int(x) for x in s.split("_")) for s in linked.split()]
    number, out = 0, {}
    for point in sorted(conn):
        if point in out:
            continue
        for q in [point, *conn[point]]:
            out.setdefault(q, number)
        number += 1
    if number != mesh["number_of_points"]:
        raise ValueError(f"{mesh['name']}: numbered {number} points, file says {mesh['number_of_points']}")
    return out


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def evaluate(mesh_name: str, geof_name: str, k: int = 6, folder: Path | None = None) -> AtlasSurface:
    """Evaluate a fieldwork mesh into one triangle surface (all parts together).

    Parameters
    ----------
    mesh_name, geof_name : str
        File stems of the ``.mesh`` topology and ``.geof`` node coordinates.
    k : int
        Divisions per element edge; each quad becomes ``2 k^2`` triangles.
    folder : Path, optional
        Where the files are; default :func:`atlas_dir`.

    Returns
    -------
    AtlasSurface
        Vertices in mm (the atlas frame), samples shared by adjacent elements merged.
    """
    folder = folder or atlas_dir()
    mesh = _read_json(folder / f"{mesh_name}.mesh")
    geof = _read_json(folder / f"{geof_name}.geof")["field_parameters"]
    nodes = np.array([[float(geof[f"node {i:08d}"][f"dim {d}"]) for d in range(3)]
                      for i in range(len(geof))])
    numbers = _global_numbers(mesh)
    verts, faces, offset = [], [], 0
    for e in sorted(int(x) for x in mesh["elements"]):
        etype = mesh["elements"][str(e)].split()[1]
        weights, tris = _element_sampler(etype, k)
        ids = [numbers[e, p] for p in range(weights.shape[1])]
        verts.append(weights @ nodes[ids])
        faces.append(tris + offset)
        offset += len(weights)
    v, f = np.vstack(verts), np.vstack(faces)
    return AtlasSurface(*_weld(v, f, tol=1e-6 * float(np.ptp(v, axis=0).max())))


def _weld(vertices: np.ndarray, faces: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Merge vertices closer than ``tol`` and drop triangles that collapse."""
    tree = cKDTree(vertices)
    rep = np.arange(len(vertices))
    for i, j in sorted(tree.query_pairs(tol)):
        rep[j] = min(rep[j], rep[i])
    # resolve chains so every vertex points at its smallest representative
    while True:
        nxt = rep[rep]
        if np.array_equal(nxt, rep):
            break
        rep = nxt
    keep, new_index = np.unique(rep, return_inverse=True)
    f = new_index[faces]
    good = (f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])
    return vertices[keep], f[good]


@functools.cache
def atlas_parts(name: str, k: int = 6) -> tuple[AtlasSurface, ...]:
    """Return the connected parts of atlas shape ``name``, largest first.

    Parameters
    ----------
    name : str
        A key of :data:`ATLAS_FILES`, e.g. ``"pelvis"`` or ``"tibia_fibula_r"``.
    k : int
        Divisions per element edge.
    """
    from sciatic_atlas.assetbuild.mesh_ops import connected_parts

    surf = evaluate(*ATLAS_FILES[name], k=k)
    parts = connected_parts(surf.vertices, surf.faces)
    log.debug("atlas %s: %d parts, %d triangles", name, len(parts), len(surf.faces))
    return tuple(AtlasSurface(v, f) for v, f in parts)
