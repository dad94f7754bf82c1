"""Picture artefacts of the library (issue 12): tendons without bones, nerve pieces without parents.

Checked on the resolved state of every step of every library scene, on each side:

- a shown muscle is drawn with the bones it attaches to (its path's bodies), or its long
  tendons hang in space (the toe flexors without the foot, the hamstrings without the tibia);
- a shown nerve or branch has its parent nerve shown, so that no piece of nerve floats on its
  own (the nerves that leave the sacral plexus inside the pelvis are drawn from the pelvis:
  see ``FROM_THE_PELVIS``);
- a shown nerve reaches the shown muscles it supplies: the nerves between it and the muscle's
  branch are shown (spine step 3 drew the end of the sciatic nerve over the leg's muscles,
  with nothing from it to them).
"""

from __future__ import annotations

import pytest

from sciatic_atlas.anatomy.knowledge import load_knowledge
from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.scenes.load import load_library
from sciatic_atlas.scenes.names import base_id
from sciatic_atlas.scenes.resolve import FADE_OPACITY, resolve_states

SCENES, _ = load_library()
NERVES = ("nerve", "branch")

# Nerves shown without their parent, and why: each leaves the sacral plexus (a root, kind
# 'root') inside the pelvis and is drawn from where it comes out; the plexus has its own scene.
FROM_THE_PELVIS = {
    "sciatic_nerve": "leaves the lumbosacral trunk and sacral roots inside the pelvis (roots-plexus scene)",
    "superior_gluteal_nerve": "leaves the lumbosacral trunk inside the pelvis, above piriformis",
    "inferior_gluteal_nerve": "leaves the S1 ventral ramus inside the pelvis, below piriformis",
    "nerve_to_piriformis": "leaves the S1 ventral ramus on the front of piriformis itself",
    "posterior_femoral_cutaneous_nerve": "leaves the S2 ventral ramus inside the pelvis",
}
# (scene, muscle base id): a shown muscle its shown nerve does not reach, and why.
NOT_REACHED = {
    ("nerve-vs-muscle-pain", "piriformis"): "piriformis is the compressor of the sciatic nerve there, "
                                            "not a muscle whose supply the scene teaches",
}


@pytest.fixture(scope="module")
def data():
    return load_model(), load_knowledge()


def _states(data):
    model, knowledge = data
    for scene_id, scene in SCENES.items():
        for side in ("right", "left", "both"):
            for step, state in enumerate(resolve_states(scene, side=side, knowledge=knowledge, model=model)):
                shown = {sid for sid, style in state.styles.items() if style.visible}
                yield f"{scene_id} step {step} ({side})", scene_id, state, shown


def test_every_shown_muscle_is_drawn_with_the_bones_it_attaches_to(data):
    model, _ = data
    bones: dict[str, list[str]] = {}
    for sid in model.structure_ids:
        info = model.structure(sid)
        if info.kind == "bone":
            bones.setdefault(info.body, []).append(sid)
    found = []
    for where, _, state, shown in _states(data):
        for sid in sorted(shown):
            info = model.structure(sid)
            if info.kind != "muscle":
                continue
            missing = [b for body in info.bodies for b in bones.get(body, ()) if b in state.styles and b not in shown]
            if missing:
                found.append(f"{where}: {sid} is shown without {', '.join(missing)}: its tendons hang in space")
    assert not found, "\n".join(found[:20])


def test_calves_step_3_shows_the_foot_faded_under_the_long_tendons(data):
    model, knowledge = data
    state = list(resolve_states(SCENES["calves"], knowledge=knowledge, model=model))[3]
    for bone in ("foot_bones_r", "toe_bones_r", "talus_r"):
        assert state.styles[bone].visible and state.styles[bone].opacity == FADE_OPACITY, bone


def test_every_shown_nerve_has_its_parent_nerve_shown(data):
    model, _ = data
    found = []
    for where, _, state, shown in _states(data):
        for sid in sorted(shown):
            info = model.structure(sid)
            if info.kind not in NERVES or not info.parent or info.parent in shown:
                continue
            if base_id(sid) in FROM_THE_PELVIS and model.structure(info.parent).kind == "root":
                continue
            found.append(f"{where}: {sid} is shown but its parent {info.parent} is not: it floats on its own")
    assert not found, "\n".join(found[:20])


def test_a_shown_nerve_reaches_the_shown_muscles_it_supplies(data):
    model, _ = data
    branches: dict[str, list[str]] = {}
    for sid in model.structure_ids:
        info = model.structure(sid)
        if info.kind == "branch" and info.supplies:
            muscle = info.supplies if info.supplies in model.structure_ids else f"{info.supplies}{sid[-2:]}"
            branches.setdefault(muscle, []).append(sid)
    found = []
    for where, scene_id, state, shown in _states(data):
        for muscle in sorted(shown):
            if (scene_id, base_id(muscle)) in NOT_REACHED:
                continue
            for branch in branches.get(muscle, ()):
                gap, nerve = [], model.structure(branch).parent
                while nerve and nerve not in shown:
                    gap.append(nerve)
                    nerve = model.structure(nerve).parent
                if nerve and gap:
                    found.append(f"{where}: {nerve} is shown and so is {muscle}, but not {', '.join(gap)} "
                                 "between them: the nerve ends short of the muscle")
    assert not found, "\n".join(found[:20])


def test_exceptions_name_real_structures(data):
    model, _ = data
    bases = {base_id(sid) for sid in model.structure_ids}
    assert set(FROM_THE_PELVIS) <= bases
    assert {muscle for _, muscle in NOT_REACHED} <= bases and all(s in SCENES for s, _ in NOT_REACHED)
