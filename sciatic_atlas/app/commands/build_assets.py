"""``sciatic-atlas build-assets``: rebuild ``assets/`` from the musculoskeletal model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sciatic_atlas.anatomy.paths import assets_dir

# Distributions of the [build] extra, by the module name they install.
BUILD_MODULES = {"mujoco": "mujoco", "myo_sim": "myo-sim", "musculoskeletal": "musculoskeletal-models"}


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="rebuild assets/ (meshes, model.json) from the musculoskeletal model",
                       description="Rebuild the bundled geometry from the myo-sim model. "
                                   "Needs the [build] extra: pip install -e .[build]")
    p.add_argument("-o", "--out", type=Path, default=None, help="output folder (default: the bundled assets/)")
    p.set_defaults(run=run)


def missing_build_modules() -> list[str]:
    """Return the distributions of the [build] extra that are not installed."""
    return [dist for module, dist in BUILD_MODULES.items() if importlib.util.find_spec(module) is None]


def run(args) -> int:
    from sciatic_atlas.app.cli import UserError

    missing = missing_build_modules()
    if missing:
        raise UserError(f"{', '.join(missing)} not installed; install the build extra: pip install -e .[build]")
    from sciatic_atlas.assetbuild.assets import build_assets

    out = args.out or assets_dir()
    record = build_assets(out)
    print(f"wrote {len(record['structures'])} meshes and model.json to {out}")
    return 0
