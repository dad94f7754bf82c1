"""Triangle-mesh utilities shared by the build stages.

Every function takes and returns plain ``(vertices, faces)`` arrays (float64 mm,
int64 indices) so stages can chain them without caring which library does the
work: repair and closing (pymeshfix), butterfly subdivision and signed distance
(VTK), Taubin smoothing (NumPy/SciPy sparse), decimation (fast-simplification).
All of them are deterministic: the same input gives the same output.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

log = logging.getLogger(__name__)

Mesh = tuple[np.ndarray, np.ndarray]


def clean(vertices: np.ndarray, faces: np.ndarray) -> Mesh:
    """Drop degenerate and duplicate triangles and unused vertices.

    Parameters
    ----------
    vertices : (N, 3) array
        Positions, mm.
    faces : (M, 3) int array
        Triangle vertex indices.

    Returns
    -------
    tuple of arrays
        The cleaned ``(vertices, faces)``.
    """
    f = np.asarray(faces, dtype=np.int64)
    good = (f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])
    f = f[good]
    _, first = np.unique(np.sort(f, axis=1), axis=0, return_index=True)
    f = f[np.sort(first)]
    used, f = np.unique(f, return_inverse=True)
    return np.asarray(vertices, dtype=np.float64)[used], f.reshape(-1, 3)


def edge_use_counts(faces: np.ndarray) -> np.ndarray:
    """Return how many triangles use each distinct undirected edge."""
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(e, axis=0, return_counts=True)
    return counts


def is_closed_manifold(faces: np.ndarray) -> bool:
    """Return True when every edge is shared by exactly two triangles, consistently wound."""
    if len(faces) == 0:
        return False
    if not np.all(edge_use_counts(faces) == 2):
        return False
    directed = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    return len(np.unique(directed, axis=0)) == len(directed)


def connected_parts(vertices: np.ndarray, faces: np.ndarray) -> list[Mesh]:
    """Split a mesh into its edge-connected parts, largest (by triangles) first."""
    n = len(vertices)
    rows = np.concatenate([faces[:, 0], faces[:, 1], faces[:, 2]])
    cols = np.concatenate([faces[:, 1], faces[:, 2], faces[:, 0]])
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    face_label = labels[faces[:, 0]]
    parts = []
    for lab in np.unique(face_label):
        parts.append(clean(vertices, faces[face_label == lab]))
    parts.sort(key=lambda p: (-len(p[1]), tuple(np.round(p[0].mean(axis=0), 3))))
    return parts


def repair(vertices: np.ndarray, faces: np.ndarray, join: bool = True) -> Mesh:
    """Return a closed, manifold, consistently wound surface (pymeshfix).

    Removes non-manifold edges and duplicate faces, fills holes and keeps the
    largest part (or joins parts when ``join``).
    """
    import pymeshfix

    v, f = clean(vertices, faces)
    fix = pymeshfix.MeshFix(v, f)
    fix.repair(joincomp=join, remove_smallest_components=not join)
    v, f = np.asarray(fix.points, dtype=np.float64), np.asarray(fix.faces, dtype=np.int64)
    return orient_outward(v, f)


def signed_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Return the enclosed volume (mm³); negative when triangles wind inward."""
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def orient_outward(vertices: np.ndarray, faces: np.ndarray) -> Mesh:
    """Flip the winding of a closed surface if its normals point inward."""
    if signed_volume(vertices, faces) < 0:
        faces = faces[:, ::-1].copy()
    return vertices, faces


def _to_polydata(vertices: np.ndarray, faces: np.ndarray):
    import pyvista as pv

    cells = np.hstack([np.full((len(faces), 1), 3, dtype=np.int64), faces]).ravel()
    return pv.PolyData(np.asarray(vertices, dtype=np.float64), cells)


def _from_polydata(poly) -> Mesh:
    poly = poly.triangulate()
    return (np.asarray(poly.points, dtype=np.float64),
            np.asarray(poly.faces, dtype=np.int64).reshape(-1, 4)[:, 1:].copy())


def butterfly(vertices: np.ndarray, faces: np.ndarray, levels: int = 2) -> Mesh:
    """Subdivide with the interpolating (modified) butterfly scheme.

    Unlike Loop subdivision it keeps the input vertices, so thin parts (fibula,
    ischial spine) do not shrink. Each level multiplies the triangle count by 4.
    """
    import vtk

    filt = vtk.vtkButterflySubdivisionFilter()
    filt.SetInputData(_to_polydata(vertices, faces))
    filt.SetNumberOfSubdivisions(levels)
    filt.Update()
    import pyvista as pv

    return _from_polydata(pv.wrap(filt.GetOutput()))


def _uniform_laplacian(n: int, faces: np.ndarray) -> sp.csr_matrix:
    rows = np.concatenate([faces[:, 0], faces[:, 1], faces[:, 2], faces[:, 1], faces[:, 2], faces[:, 0]])
    cols = np.concatenate([faces[:, 1], faces[:, 2], faces[:, 0], faces[:, 0], faces[:, 1], faces[:, 2]])
    adj = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    adj.data[:] = 1.0
    deg = np.asarray(adj.sum(axis=1)).ravel()
    deg[deg == 0] = 1.0
    return sp.diags(1.0 / deg) @ adj - sp.eye(n)


def taubin(vertices: np.ndarray, faces: np.ndarray, iterations: int = 10,
           lam: float = 0.5, mu: float = -0.53, fixed: np.ndarray | None = None) -> np.ndarray:
    """Return Taubin-smoothed vertex positions (λ|μ filter: smooths without shrinking).

    Parameters
    ----------
    vertices, faces : arrays
        The surface.
    iterations : int
        Number of λ/μ pass pairs.
    lam, mu : float
        Positive and negative step sizes (Taubin 1995: ``mu < -lam``).
    fixed : bool array, optional
        Vertices that must not move.
    """
    lap = _uniform_laplacian(len(vertices), faces)
    v = np.asarray(vertices, dtype=np.float64).copy()
    for _ in range(iterations):
        for step in (lam, mu):
            dv = step * (lap @ v)
            if fixed is not None:
                dv[fixed] = 0.0
            v += dv
    return v


def decimate(vertices: np.ndarray, faces: np.ndarray, target_triangles: int) -> Mesh:
    """Reduce to about ``target_triangles`` by quadric edge collapse (keeps it closed)."""
    if len(faces) <= target_triangles:
        return vertices, faces
    import fast_simplification

    reduction = 1.0 - target_triangles / len(faces)
    v, f = fast_simplification.simplify(np.asarray(vertices, np.float32), np.asarray(faces, np.int32),
                                        target_reduction=reduction)
    return clean(np.asarray(v, dtype=np.float64), np.asarray(f, dtype=np.int64))


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Return area-weighted unit vertex normals."""
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    fn = np.cross(b - a, c - a)
    n = np.zeros_like(vertices)
    for i in range(3):
        np.add.at(n, faces[:, i], fn)
    norm = np.linalg.norm(n, axis=1, keepdims=True)
    return n / np.where(norm == 0, 1.0, norm)


class SignedDistance:
    """Signed distance (mm) to a closed surface: negative inside, positive outside.

    The magnitude comes from a cell locator; the sign from an enclosed-point
    test (ray parity), which stays right where the nearest surface point is an
    edge or vertex (``vtkImplicitPolyDataDistance`` can flip the sign there).
    """

    def __init__(self, vertices: np.ndarray, faces: np.ndarray):
        self._vertices = np.asarray(vertices, dtype=np.float64)
        self._faces = np.asarray(faces, dtype=np.int64)

    def inside(self, points: np.ndarray) -> np.ndarray:
        """Return True for each point enclosed by the surface."""
        import pyvista as pv
        import vtk

        sel = vtk.vtkSelectEnclosedPoints()
        sel.SetInputData(pv.PolyData(np.atleast_2d(np.asarray(points, dtype=np.float64))))
        sel.SetSurfaceData(_to_polydata(self._vertices, self._faces))
        sel.SetTolerance(1e-6)
        sel.Update()
        return np.asarray(pv.wrap(sel.GetOutput())["SelectedPoints"]).astype(bool)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Return the signed distance of each point (mm)."""
        pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
        d = surface_distances(pts, self._vertices, self._faces)
        return np.where(self.inside(pts), -d, d)


def surface_distances(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Return the unsigned distance (mm) from each point to the nearest point of a surface."""
    import vtk

    loc = vtk.vtkCellLocator()
    poly = _to_polydata(vertices, faces)
    loc.SetDataSet(poly)
    loc.BuildLocator()
    closest = [0.0, 0.0, 0.0]
    cell, sub, d2 = vtk.reference(0), vtk.reference(0), vtk.reference(0.0)
    out = np.empty(len(points))
    for i, p in enumerate(np.asarray(points, dtype=np.float64)):
        loc.FindClosestPoint(p, closest, cell, sub, d2)
        out[i] = np.sqrt(float(d2))
    return out


def refine(vertices: np.ndarray, faces: np.ndarray, levels: int = 2, smooth: int = 6) -> Mesh:
    """Repair, butterfly-subdivide and Taubin-smooth a coarse closed surface."""
    v, f = repair(vertices, faces)
    v, f = butterfly(v, f, levels)
    return taubin(v, f, iterations=smooth), f


def split_faces(vertices: np.ndarray, faces: np.ndarray, chosen: np.ndarray) -> Mesh:
    """Split the ``chosen`` faces into four (edge midpoints), leaving the surface crack-free.

    Red-green refinement: a chosen face becomes four; a neighbour that shares one or two
    split edges is split into two or three so no vertex lies on another triangle's edge (a
    neighbour with three split edges is chosen too). Faces away from the chosen ones are
    kept as they are, so a closed 2-manifold stays one. Orientation is kept.

    Parameters
    ----------
    vertices : (N, 3) array
    faces : (M, 3) int array
    chosen : (M,) bool array
        The faces to split in four.
    """
    v = np.asarray(vertices, float)
    f = np.asarray(faces, np.int64)
    red = np.asarray(chosen, bool).copy()
    edges = np.sort(np.stack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]], axis=1), axis=2)  # (M, 3, 2)
    keys = edges[..., 0] * len(v) + edges[..., 1]
    while True:
        split = np.isin(keys, np.unique(keys[red]))
        more = ~red & (split.sum(axis=1) == 3)
        if not more.any():
            break
        red |= more
    split_keys, first = np.unique(keys[split], return_index=True)
    ends = edges[split][first]
    mid = len(v) + np.arange(len(split_keys))
    v = np.vstack([v, 0.5 * (v[ends[:, 0]] + v[ends[:, 1]])])
    m = np.full(keys.shape, -1, np.int64)
    m[split] = mid[np.searchsorted(split_keys, keys[split])]
    out = [f[~split.any(axis=1)]]
    a, b, c = f[:, 0], f[:, 1], f[:, 2]
    ab, bc, ca = m[:, 0], m[:, 1], m[:, 2]
    r = red
    out += [np.column_stack(t) for t in ((a[r], ab[r], ca[r]), (ab[r], b[r], bc[r]), (ca[r], bc[r], c[r]),
                                         (ab[r], bc[r], ca[r]))]
    n = split.sum(axis=1)
    for turn in range(3):  # green faces, turned so their split edges come first
        p, q, s_ = np.roll(f, -turn, axis=1).T
        mpq, mqs, msp = np.roll(m, -turn, axis=1).T
        one = ~red & (n == 1) & (mpq >= 0)
        out += [np.column_stack((p[one], mpq[one], s_[one])), np.column_stack((mpq[one], q[one], s_[one]))]
        two = ~red & (n == 2) & (msp < 0)
        out += [np.column_stack((mpq[two], q[two], mqs[two])), np.column_stack((p[two], mpq[two], mqs[two])),
                np.column_stack((p[two], mqs[two], s_[two]))]
    return v, np.vstack(out)


def loft_closed(rings: np.ndarray, first_pole: np.ndarray, last_pole: np.ndarray) -> Mesh:
    """Join rings of points into a closed tube capped by two pole points.

    Parameters
    ----------
    rings : (R, K, 3) array
        ``R`` rings of ``K`` points each, in order along the tube; every ring
        runs the same way round.
    first_pole, last_pole : (3,) arrays
        Points closing the first and the last ring.

    Returns
    -------
    tuple of arrays
        A closed, manifold ``(vertices, faces)``, wound outward.
    """
    r, k = rings.shape[:2]
    v = np.vstack([first_pole[None], rings.reshape(-1, 3), last_pole[None]])

    def idx(i: int, j: int) -> int:
        return 1 + i * k + (j % k)

    faces = []
    for j in range(k):
        faces.append((0, idx(0, j + 1), idx(0, j)))
        faces.append((len(v) - 1, idx(r - 1, j), idx(r - 1, j + 1)))
    for i in range(r - 1):
        for j in range(k):
            a, b, c, d = idx(i, j), idx(i, j + 1), idx(i + 1, j), idx(i + 1, j + 1)
            faces += [(a, b, d), (a, d, c)]
    return orient_outward(v, np.array(faces, dtype=np.int64))
