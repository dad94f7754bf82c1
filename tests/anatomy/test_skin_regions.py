"""Skin regions: zones painted from region specs on the skin surface."""


def test_a_zone_running_across_a_segment_boundary_has_no_pale_band_there():
    # The S1 dermatome runs from the calf over the ankle to the heel as two specs (leg, ankle).
    # Each was blurred at the leg/ankle boundary before the union, which left a band of about
    # half weight across the zone (seen in the spine and consult steps); the union is blurred once.
    import numpy as np

    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.anatomy.overlays import get_overlay
    from sciatic_atlas.anatomy.skin_regions import skin_surface, union

    surface = skin_surface(load_model())
    c, names = surface.coords, surface.segment_names
    weights = union(surface, list(get_overlay("dermatome_s1").essential), "right")
    core = ((c["segment"] == names.index("leg")) & (c["along"] > 0.7) & (c["aspect"] > 140) & (c["aspect"] < 185)) \
        | ((c["segment"] == names.index("ankle")) & (c["aspect"] > 120) & (c["aspect"] < 190))
    core &= c["side"] == -1  # the right side
    assert core.sum() > 100
    assert weights[core].min() > 0.85
