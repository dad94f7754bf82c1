"""Published figures the nerve build uses, read from ``data/nerve_figures.yaml`` with sources."""

from __future__ import annotations

import functools

import yaml

from sciatic_atlas.anatomy.paths import DATA_DIR


@functools.cache
def figures() -> dict:
    """Return the parsed figures file (read once)."""
    return yaml.safe_load((DATA_DIR / "nerve_figures.yaml").read_text(encoding="utf-8"))


def sciatic_figure(name: str) -> float:
    """Return one sciatic-nerve figure (mm), e.g. ``width_at_piriformis_mm``."""
    return float(figures()["sciatic"][name]["value"])


def sural_figure(name: str) -> float:
    """Return one sural-nerve figure, e.g. ``union_fraction`` (of the knee-to-malleolus drop)."""
    return float(figures()["sural"][name]["value"])


def variant_options(replaces) -> dict:
    """Return the Beaton-Anson record for ``model.json`` ("variants": "sciatic_path").

    ``replaces(option)`` gives the meshes standing in for the usual sciatic nerve.
    """
    data, sources = figures()["beaton_anson"], figures()["sources"]
    options = {}
    for key, spec in data["options"].items():
        cited = "; ".join(sources[s] for s in spec["sources"])
        if spec.get("note"):
            cited = f"{cited} ({spec['note']})"
        entry = {"label": spec["label"], "prevalence": spec["prevalence"], "source": cited,
                 "replaces": {} if key == data["default"] else replaces(key)}
        for extra in ("prevalence_range", "prevalence_upper_bound"):
            if extra in spec:
                entry[extra] = spec[extra]
        options[key] = entry
    return {"default": data["default"], "source": data["classification"], "options": options}
