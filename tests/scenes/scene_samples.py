"""A valid scene text the scene tests mutate (line numbers matter to the tests)."""

GOOD = """\
id: test-scene
title: A test scene
narration: Plain words.
audience: [student]
side: right
camera: posterior
show: [gluteals, piriformis, sciatic_nerve, hamstrings, femur, hip_bone, sacrum]
compressions:
  - id: piri
    compressor: piriformis
    nerve: sciatic_nerve
    between: [greater_sciatic_notch, ischial_tuberosity]
    explanation: A tight piriformis squeezes the nerve.
labels:
  - {text: Piriformis, anchor: piriformis}
steps:
  - id: fade-max
    title: Lift the big muscle away
    text: Gluteus maximus is faded.
    fade: [gluteus_maximus]
    highlight: [piriformis]
  - title: Hamstrings
    camera: thigh
    highlight: [hamstrings]
    compressions: []
    overlays: [piriformis_referral]
  - title: Back to the site
    compressions: [piri]
    variants: {sciatic_path: d}
metadata:
  sources:
    - {citation: "Moore KL et al. Clinically Oriented Anatomy, 9th ed.", locator: "Lower Limb"}
"""
