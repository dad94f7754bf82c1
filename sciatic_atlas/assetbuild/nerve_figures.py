"""Published figures the nerve build uses, read from ``data/nerve_figures.yaml`` with sources."""

from __future__ import annotations


from sciatic_atlas.assetbuild.data import build_data


def figures() -> dict:
    """Return the parsed figures file (read once)."""
    return build_data("nerve_figures.yaml")


def sciatic_figure(name: str) -> float:
    """Return one sciatic-nerve figure (mm), e.g. ``width_at_piriformis_mm``."""
    return float(figures()["sciatic"][name]["value"])


def sural_figure(name: str) -> float:
    """Return one sural-nerve figure, e.g. ``union_fraction`` (of the knee-to-malleolus drop)."""
    return float(figures()["sural"][name]["value"])


def diameter(name: str) -> tuple[float, float]:
    """Return a round nerve's full diameters (mm) at the start and end of its course.

    ``name`` is the structure id without its side suffix, e.g. ``tibial_nerve``,
    ``l4_ventral_ramus`` or ``branch_tibial_nerve__soleus`` (``diameters_mm``). The end is
    ``end``, else ``end_fraction`` of the start, else the start itself.
    """
    entry = figures()["diameters_mm"][name]
    start = float(entry["start"])
    if "end" in entry:
        return start, float(entry["end"])
    if "end_fraction" in entry:
        return start, start * float(entry["end_fraction"])
    return start, start


def nerve_size(name: str, key: str) -> float:
    """Return one other size (mm) of a nerve in ``diameters_mm``, e.g. the sciatic ``band_thickness``."""
    return float(figures()["diameters_mm"][name][key])


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
