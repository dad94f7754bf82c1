"""The model in a pose: where every vertex, centreline point and landmark goes, and muscle lengths.

A :class:`PosedModel` is the model plus one :class:`~sciatic_atlas.anatomy.pose.Pose`
and a whole-body placement (lying on the back, sitting...). Bones move rigidly with
their body; soft structures (muscles, nerves, discs, skin) bend by linear blend
skinning with the build's weights (:mod:`sciatic_atlas.anatomy.skinning`).

Lengths:

- a muscle's length is the mean length of its actuator paths (the musculoskeletal
  model's own paths: each point carried by its body); its change is given in percent
  of the neutral (anatomical) pose;
- a nerve's *bed* length is the length of its centreline carried by the skinning
  weights. It is a model quantity (how much longer the path the nerve lies along
  becomes), not nerve strain: a real nerve also glides and unfolds.
"""

from __future__ import annotations

import dataclasses
import functools
import weakref

import numpy as np

from sciatic_atlas.anatomy.pose import Pose, forward_kinematics, move_points
from sciatic_atlas.anatomy.skinning import apply_plan, make_plan

# Whole-body placements: turns (axis, degrees) about the pelvis, applied in order. The
# model frame: x to the body's left, -y anterior, z up.
PLACEMENTS = {
    "standing": (),
    "supine": (("x", -90.0),),  # lying on the back: the front faces up, the head towards +y
    "prone": (("x", 90.0),),
    "seated": (),
    "kneeling": (),
}


def _turn(axis: str, degrees: float) -> np.ndarray:
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    i, j = {"x": (1, 2), "y": (2, 0), "z": (0, 1)}[axis]
    out = np.eye(3)
    out[i, i], out[i, j], out[j, i], out[j, j] = c, -s, s, c
    return out


def placement_motion(model, placement: str = "standing", turns: tuple = ()) -> np.ndarray:
    """Return the 4 x 4 whole-body motion of ``placement`` followed by extra ``turns``, about the pelvis."""
    rot = np.eye(3)
    for axis, degrees in tuple(PLACEMENTS[placement]) + tuple(turns):
        rot = _turn(axis, degrees) @ rot
    centre = model.bodies["pelvis"].position
    out = np.eye(4)
    out[:3, :3] = rot
    out[:3, 3] = centre - rot @ centre
    return out


def _levelling_turn(model, motions, placement: str, turns: tuple, level: tuple[str, ...]) -> tuple:
    """Return the turn about the left-right axis that lays the segment ``level[0] -> level[1]`` flat."""
    if not level:
        return ()
    whole = placement_motion(model, placement, turns)
    a, b = (move_points(whole @ motions[n], model.bodies[n].position[None])[0] for n in level)
    phi = float(np.degrees(np.arctan2(b[2] - a[2], b[1] - a[1])))  # the segment's angle in the y-z plane
    theta = -phi if abs(phi) <= 90.0 else 180.0 - phi
    return (("x", theta),)


def _ring_average(model, structure_id: str):
    """Return (once per model and structure) the sparse matrix averaging each vertex with its neighbours."""
    from scipy import sparse

    cache = _RINGS.setdefault(model, {})
    if structure_id not in cache:
        faces = np.asarray(model.mesh(structure_id).faces)
        n = len(model.mesh(structure_id).vertices)
        rows = np.r_[faces[:, 0], faces[:, 1], faces[:, 2], faces[:, 1], faces[:, 2], faces[:, 0], np.arange(n)]
        cols = np.r_[faces[:, 1], faces[:, 2], faces[:, 0], faces[:, 0], faces[:, 1], faces[:, 2], np.arange(n)]
        adjacency = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        adjacency.data[:] = 1.0  # each neighbour once, however many faces share the edge
        cache[structure_id] = sparse.diags(1.0 / np.asarray(adjacency.sum(axis=1)).ravel()) @ adjacency
    return cache[structure_id]


# Pushes out of bone are spread over this many rings of neighbours; the second push then takes
# only what lies at most SECOND_DEPTH_MM inside. Measured on child's pose, the glute stretch and
# the twist: soft vertices inside bone 1.5-2.9% (standing 0.9%, blend skinning alone 6-8%),
# edges stretched at most 8.5x (one push without spreading: 24x, a spike).
SPREAD_STEPS, SECOND_DEPTH_MM = 3, 3.0
_RINGS: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()
# model -> {(structure id, body): standing distances of its vertices to that body's bone}
_GAPS: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def path_length(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(np.asarray(points, float), axis=0), axis=1).sum())


class PosedModel:
    """One pose of one model: posed geometry and lengths, each computed once."""

    def __init__(self, model, pose: Pose | None = None, placement: str = "standing", turns: tuple = (),
                 level: tuple[str, ...] = ()):
        self.model = model
        self.pose = pose or Pose()
        self.placement = placement
        motions = forward_kinematics(model, self.pose)
        self.turns = tuple(turns) + _levelling_turn(model, motions, placement, tuple(turns), level)
        whole = placement_motion(model, placement, self.turns)
        self.motions = {name: whole @ m for name, m in motions.items()}
        self._cache: dict[str, np.ndarray] = {}

    @property
    def key(self) -> tuple:
        """Return a hashable key of this pose (for caches keyed by the model and its pose)."""
        return (tuple(sorted((k, round(v, 4)) for k, v in self.pose.values.items() if v)), self.placement, self.turns)

    @property
    def is_neutral(self) -> bool:
        return not any(self.pose.values.values()) and self.placement in ("standing", "") and not self.turns

    @functools.cached_property
    def _stack(self) -> np.ndarray:
        """Return the motions of the skinning bodies, in the weights' index order (B, 4, 4)."""
        return np.stack([self.motions.get(name, np.eye(4)) for name in self.model.skinning.bodies])

    def body_motion(self, body: str) -> np.ndarray:
        """Return the motion of a body named as a structure names it (``pelvis_r`` is the pelvis)."""
        if body in self.motions:
            return self.motions[body]
        return self.motions.get(body.rsplit("_", 1)[0], np.eye(4))

    def _blend(self, key: str, points: np.ndarray, rotate_only: bool = False) -> np.ndarray:
        plan = self.model.skinning.plan(key)
        if len(plan) != len(points):
            raise ValueError(f"skinning weights for '{key}' have {len(plan)} rows for {len(points)} points")
        return apply_plan(plan, points, self._stack, rotate_only)

    def vertices(self, structure_id: str, clear_of_bone: bool = True) -> np.ndarray:
        """Return the posed vertices of a structure's mesh (N x 3, mm).

        ``clear_of_bone=False`` skips pushing soft tissue out of bone (a drag in progress).
        """
        if not clear_of_bone and self.model.skinning.has(structure_id) and structure_id not in self._cache:
            key = f"drag:{structure_id}"
            if key not in self._cache:
                self._cache[key] = self._blend(structure_id, self.model.mesh(structure_id).vertices).astype(np.float32)
            return self._cache[key]
        if structure_id not in self._cache:
            neutral = self.model.mesh(structure_id).vertices
            if self.model.skinning.has(structure_id):
                posed = self._blend(structure_id, neutral)
                if not self.is_neutral:
                    posed = self._clear_of_bone(structure_id, posed)
            else:  # a bone: rigid with its body
                posed = move_points(self.body_motion(self.model.structure(structure_id).body), neutral)
            self._cache[structure_id] = posed.astype(np.float32)
        return self._cache[structure_id]

    def _clear_of_bone(self, structure_id: str, posed: np.ndarray) -> np.ndarray:
        """Push vertices the pose drove into bone back out (:mod:`sciatic_atlas.anatomy.bone_clearance`)."""
        from sciatic_atlas.anatomy.bone_clearance import bone_surfaces, push_out, standing_gaps

        if structure_id == "skin":
            return posed  # the skin lies over the muscles, far from bone
        bodies, weights = self.model.skinning.weights(structure_id)
        used = {self.model.skinning.bodies[b] for b in np.unique(bodies[weights > 0])}
        # the bones it follows and their neighbours in the tree (a tibial vertex meets the femur)
        near = set(used)
        for name in used:
            body = self.model.bodies.get(name)
            if body is not None and body.parent in self.model.bodies:
                near.add(body.parent)
        near |= {n for n, b in self.model.bodies.items() if b.parent in used}
        surfaces = bone_surfaces(self.model)
        neutral = np.asarray(self.model.mesh(structure_id).vertices, float)
        known = _GAPS.setdefault(self.model, {})

        def gaps(body: str) -> np.ndarray:
            if (structure_id, body) not in known:
                known[structure_id, body] = standing_gaps(neutral, surfaces, body)
            return known[structure_id, body]

        bodies_near = tuple(sorted(near))
        out, moved = push_out(posed, self.motions, surfaces, bodies_near, neutral, gaps)
        if moved:
            # Spread each push over the vertex's neighbours (no spike on the surface), then push
            # once more what the spreading left a little inside.
            spread = _ring_average(self.model, structure_id)
            shift = out - posed
            for _ in range(SPREAD_STEPS):
                shift = spread @ shift
            out, _ = push_out(posed + shift, self.motions, surfaces, bodies_near, neutral, gaps,
                              max_depth=SECOND_DEPTH_MM)
        return out

    def normals(self, structure_id: str) -> np.ndarray:
        """Return the posed vertex normals (each neutral normal turned by its vertices' blended rotation)."""
        key = f"normals:{structure_id}"
        if key not in self._cache:
            neutral = self.model.mesh(structure_id).normals
            if self.model.skinning.has(structure_id):
                turned = self._blend(structure_id, neutral, rotate_only=True)
            else:
                turned = neutral @ self.body_motion(self.model.structure(structure_id).body)[:3, :3].T
            length = np.linalg.norm(turned, axis=1, keepdims=True)
            self._cache[key] = (turned / np.where(length > 0, length, 1.0)).astype(np.float32)
        return self._cache[key]

    def blend_points(self, points: np.ndarray, bodies, weights=None, rotate_only: bool = False) -> np.ndarray:
        """Return any points (or directions) moved by skinning weights: a :class:`BlendPlan`, or (bodies, weights)."""
        plan = bodies if weights is None else make_plan(bodies, weights)
        return apply_plan(plan, points, self._stack, rotate_only=rotate_only)

    def as_model(self) -> "PosedAnatomy":
        """Return the model as seen in this pose (same reading interface as the model)."""
        return PosedAnatomy(self)

    def centreline(self, structure_id: str) -> np.ndarray:
        """Return a structure's posed centreline (K x 3, mm)."""
        key = f"centreline:{structure_id}"
        if key not in self._cache:
            self._cache[key] = self._blend(key, self.model.centreline(structure_id))
        return self._cache[key]

    @functools.cached_property
    def _landmarks(self) -> dict[str, np.ndarray]:
        names, points = standing_landmarks(self.model)
        if not names:
            return {}
        return dict(zip(names, self._blend("landmarks", points)))

    def landmark(self, name: str) -> np.ndarray:
        """Return a landmark's posed position (mm)."""
        if name not in self._landmarks:
            raise KeyError(f"unknown landmark '{name}'")
        return self._landmarks[name]

    def point(self, point: np.ndarray) -> np.ndarray:
        """Return any neutral-pose point moved with the nearest landmark's weights (for marks and labels)."""
        names, neutral = standing_landmarks(self.model)
        nearest = names[int(np.argmin(np.linalg.norm(neutral - np.asarray(point, float), axis=1)))]
        shift = self.landmark(nearest) - self.model.landmark(nearest)
        return np.asarray(point, float) + shift

    # -- lengths ---------------------------------------------------------------------------

    def muscle_length(self, structure_id: str) -> float | None:
        """Return a muscle's length (mm); None without paths.

        The mean length of its actuator paths, each point carried by its body, plus the
        wrapping correction the build fitted to MuJoCo's tendon lengths (where a path wraps
        round bone; about zero where it does not).
        """
        paths = self.model.muscle_paths.get(structure_id)
        if not paths:
            return None
        key = f"length:{structure_id}"
        if key in self._cache:
            return float(self._cache[key])
        lengths = []
        for path in paths:
            moved = np.empty_like(path.points)
            names = np.asarray(path.bodies)
            for body in dict.fromkeys(path.bodies):  # each body's points in one product
                rows = names == body
                moved[rows] = move_points(self.body_motion(body), path.points[rows])
            lengths.append(path_length(moved))
        length = float(np.mean(lengths))
        fit = self.model.length_fits.get(structure_id)
        if fit is not None:
            length += fit.value(self.pose.values)
        self._cache[key] = np.float64(length)
        return float(self._cache[key])

    def length_change(self, structure_id: str) -> float | None:
        """Return a muscle's length change from the neutral pose, in percent (None without paths)."""
        now, neutral = self.muscle_length(structure_id), neutral_lengths(self.model).get(structure_id)
        return None if now is None or not neutral else 100.0 * (now - neutral) / neutral

    def length_changes(self) -> dict[str, float]:
        """Return every muscle's length change (percent of neutral)."""
        return {sid: self.length_change(sid) for sid in sorted(self.model.muscle_paths)}

    def bed_length(self, nerve_ids: tuple[str, ...]) -> float:
        """Return the length (mm) of a nerve bed: the posed centrelines of ``nerve_ids`` end to end."""
        return sum(path_length(self.centreline(sid)) for sid in nerve_ids)

    def bed_change(self, nerve_ids: tuple[str, ...]) -> float:
        """Return a nerve bed's lengthening from neutral, percent (a model quantity, not nerve strain)."""
        neutral = neutral_model(self.model).bed_length(nerve_ids)
        return 100.0 * (self.bed_length(nerve_ids) - neutral) / neutral

    def floor_height(self, rests_on: tuple[str, ...] = (), every: int = 1) -> float:
        """Return the height (mm) of the floor the posed body rests on: its lowest skin point.

        With ``rests_on``, only skin that moves mostly with those bodies counts (the rest of
        the body may hang below where the model cannot reach the pose). Without skin, bone.
        ``every`` > 1 looks at every so many skin vertices only (a drag: a few mm off, 10x faster).
        """
        if self.model.has_mesh("skin"):
            bodies, weights = self.model.skinning.weights("skin")
            if every > 1:
                neutral = np.asarray(self.model.mesh("skin").vertices, float)[::every]
                bodies, weights = bodies[::every], weights[::every]
                z = self.blend_points(neutral, bodies, weights)[:, 2]
            else:
                z = self.vertices("skin")[:, 2]
            if rests_on:
                names = np.array(self.model.skinning.bodies)
                main = names[bodies[np.arange(len(bodies)), np.argmax(weights, axis=1)]]
                z = z[np.isin(main, rests_on)]
            return float(z.min())
        ids = [sid for sid in self.model.structure_ids if self.model.structure(sid).kind == "bone"
               and (not rests_on or self.model.structure(sid).body.rsplit("_", 1)[0] in rests_on
                    or self.model.structure(sid).body in rests_on)]
        return float(min(self.vertices(sid)[:, 2].min() for sid in ids))


class PosedAnatomy:
    """The model as seen in one pose: meshes, centrelines and landmarks where the pose puts them.

    Everything else (structure records, knowledge, variants...) is the model's own. Code that
    reads geometry from a model reads it from this the same way; caches keyed by the model
    object are then keyed by the pose as well.
    """

    def __init__(self, posed: PosedModel):
        self.posed = posed
        self._model = posed.model

    def __getattr__(self, name):
        return getattr(self._model, name)

    def mesh(self, structure_id: str):
        from sciatic_atlas.anatomy.meshes import MeshData

        return MeshData(self.posed.vertices(structure_id), self._model.mesh(structure_id).faces)

    def centreline(self, structure_id: str) -> np.ndarray:
        return self.posed.centreline(structure_id)

    @property
    def centrelines(self) -> dict[str, np.ndarray]:
        return {sid: self.posed.centreline(sid) for sid in self._model.centrelines}

    def landmark(self, name: str) -> np.ndarray:
        return self.posed.landmark(name)

    def find_landmark(self, name: str):
        found = self._model.find_landmark(name)
        return None if found is None else dataclasses.replace(found, position=self.posed.landmark(name))

    @property
    def landmarks(self) -> dict:
        return {n: dataclasses.replace(lm, position=self.posed.landmark(n)) for n, lm in self._model.landmarks.items()}


@functools.lru_cache(maxsize=16)
def posed_model(model, resolved) -> PosedModel:
    """Return the :class:`PosedModel` of a :class:`~sciatic_atlas.anatomy.poses.ResolvedPose` (cached by both)."""
    return PosedModel(model, resolved.pose, resolved.placement, level=resolved.level)


@functools.lru_cache(maxsize=4)
def neutral_model(model) -> PosedModel:
    """Return the model standing, as a :class:`PosedModel` (once per model)."""
    return PosedModel(model)


@functools.lru_cache(maxsize=4)
def standing_landmarks(model) -> tuple[list[str], np.ndarray]:
    """Return the landmark names (sorted, the skinning file's order) and their standing positions."""
    names = sorted(model.landmarks)
    return names, np.array([model.landmark(n) for n in names]).reshape(-1, 3)


@functools.lru_cache(maxsize=4)
def neutral_lengths(model) -> dict[str, float]:
    """Return each muscle's length at the neutral pose (mm), once per model."""
    posed = neutral_model(model)
    return {sid: posed.muscle_length(sid) for sid in model.muscle_paths}
