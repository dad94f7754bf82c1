"""The popliteal vessels' recipe (issue 12): every size and path rule is data with a source."""

from __future__ import annotations

import ast
from pathlib import Path


def test_every_vessel_figure_names_a_known_source():
    from sciatic_atlas.assetbuild.vessel_paths import figures

    data = figures()
    sources = data["sources"]
    entries = [v["diameter_mm"] for v in data["vessels"].values()]
    entries += [v for k, v in data["path"].items() if k != "stations"]
    entries.append(data["path"]["stations"])
    for entry in entries:
        assert entry["source"] in sources, entry
        assert entry.get("locator") or entry.get("note"), f"{entry}: say where in the source, or why"
    artery, vein = (data["vessels"][k]["diameter_mm"]["value"] for k in ("popliteal_artery", "popliteal_vein"))
    assert 4.0 <= artery < vein <= 12.0
    st = data["path"]["stations"]
    assert len(st["at"]) == len(st["artery_medial_of_nerve_mm"]) == len(st["vein_bearing_deg"])


def test_the_vessel_build_holds_no_size_in_code():
    """``vessel_paths.py`` takes every tube size from the data (``round_sections(2 * r)`` of a read radius)."""
    import sciatic_atlas.assetbuild.vessel_paths as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "round_sections"]
    assert calls
    for call in calls:
        assert not any(isinstance(n, ast.Constant) and isinstance(n.value, float) for n in ast.walk(call)), \
            ast.unparse(call)
    sizes = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "vessel_diameter"]
    assert len(sizes) >= 2
