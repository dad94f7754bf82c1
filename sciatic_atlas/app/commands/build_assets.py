"""``sciatic-atlas build-assets``: rebuild ``assets/`` from the musculoskeletal model."""

from __future__ import annotations

from pathlib import Path

from sciatic_atlas.anatomy.paths import assets_dir


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="rebuild assets/ (meshes, model.json) from the musculoskeletal model",
                       description="Rebuild the bundled geometry from the myo-sim model. "
                                   "Needs the [build] extra: pip install -e .[build]")
    p.add_argument("-o", "--out", type=Path, default=None, help="output folder (default: the bundled assets/)")
    p.set_defaults(run=run)


def run(args) -> int:
    from sciatic_atlas.app.cli import UserError

    try:
        from sciatic_atlas.build.assets import build_assets
        import mujoco  # noqa: F401  (checked here to give the fix below)
        import myo_sim  # noqa: F401
    except ImportError as exc:
        raise UserError(f"{exc.name} is not installed; install the build extra: pip install -e .[build]") from None
    out = args.out or assets_dir()
    record = build_assets(out)
    print(f"wrote {len(record['structures'])} meshes and model.json to {out}")
    return 0
