"""One :class:`StructureActor` per displayed structure: its VTK actor, restyled in place.

The render layer keeps these in a ``dict[str, StructureActor]`` keyed by structure id
(STYLE.md §2). Surfaces are turned into PyVista meshes with smooth point normals once
per model and structure, and cached, so restyling or re-attaching never recomputes them.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass, field

import numpy as np
import pyvista as pv

from sciatic_atlas.render import occlusion, striations
from sciatic_atlas.render.appearance import Look, kind_of
from sciatic_atlas.render.shading import belly_weights, vertex_rgb

log = logging.getLogger(__name__)

BELLY = "belly"  # point array: 0 at tendon .. 1 in the belly (muscles with a centreline)
OPENNESS = "openness"  # point array: baked ambient occlusion, 0 enclosed .. 1 open (render/occlusion.py)
RGB_ARRAY = "rgb"  # per-actor point colours (a muscle's tendons, the occlusion's shade)
NORMALS = "Normals"  # smooth point normals (the name VTK's normals filter gives them)
FIBRE = "fibre"  # point array: a muscle's fibre coordinate, mm across its fibres (render/striations.py)
STRIPE_UV = "stripes"  # point array: the striations' texture coordinates, made once from FIBRE and BELLY

# model -> {structure id -> PolyData with normals}; entries die with their model.
_SURFACES: "weakref.WeakKeyDictionary[object, dict[str, pv.PolyData]]" = weakref.WeakKeyDictionary()


def surface(model, structure_id: str) -> pv.PolyData:
    """Return the structure's mesh as PolyData with smooth point normals (computed once).

    Parameters
    ----------
    model : AnatomyModel
        The model holding the mesh (mm, world frame).
    structure_id : str
        The structure id.
    """
    cache = _SURFACES.setdefault(model, {})
    if structure_id not in cache:
        data = model.mesh(structure_id)
        # 32-bit cell storage straight from the int32 faces (no padded int64 copy): the
        # whole model's cells take half the memory, which counts on the 500 MB budget.
        cells = pv.CellArray.from_regular_cells(np.ascontiguousarray(data.faces, dtype=np.int32))
        poly = pv.PolyData(np.asarray(data.vertices, dtype=np.float32), faces=cells)
        # Smooth normals without splitting at sharp edges: no facets, no cracks.
        poly.point_data[NORMALS] = data.normals
        poly.point_data.active_normals_name = NORMALS
        if kind_of(structure_id, model.structure(structure_id)) == "muscle":
            path = model.centreline(structure_id) if model.has_centreline(structure_id) else None
            weights = belly_weights(np.asarray(poly.points), None if path is None else np.asarray(path, float))
            if weights is not None:
                poly.point_data[BELLY] = weights.astype(np.float32)
            fibre = striations.fibre_coordinate(model, structure_id, poly.n_points)
            if fibre is not None:
                poly.point_data[FIBRE] = fibre
                poly.point_data[STRIPE_UV] = striations.texture_coordinates(fibre, poly.point_data.get(BELLY))
        shade = occlusion.openness(model, structure_id, poly.n_points)
        if shade is not None:
            poly.point_data[OPENNESS] = shade
        cache[structure_id] = poly
    return cache[structure_id]


@dataclass
class StructureActor:
    """The drawn form of one structure: the PyVista actor and the look it was given."""

    structure_id: str
    actor: pv.Actor
    mesh: pv.PolyData  # what the actor draws (mm, world frame)
    look: Look | None = None
    mapper: pv.DataSetMapper | None = None  # the full mesh's mapper
    coarse: pv.PolyData | None = None  # decimated copy drawn while the camera moves (render/lod.py)
    coarse_mapper: pv.DataSetMapper | None = None
    has_coarse_state: bool = False  # True once set_coarse was called (coarse may stay None)
    # The pose each mesh is in (render/posing.py): None is standing. A posed mesh is the
    # actor's own copy; the neutral surface it came from stays shared and untouched.
    full_pose_key: tuple | None = None
    coarse_pose_key: tuple | None = None
    coarse_neutral: tuple | None = None  # (points, normals) of the coarse copy standing
    _owns_meshes: bool = False
    owned: dict = field(default_factory=dict)  # mesh id -> the point/normal arrays it owns (render/posing.py)

    @property
    def points(self) -> np.ndarray:
        """Return the vertices (N x 3, mm) of the drawn mesh."""
        return np.asarray(self.mesh.points)

    @classmethod
    def attach(cls, plotter, structure_id: str, mesh: pv.PolyData, look: Look,
               replace_existing: bool = True) -> "StructureActor":
        """Add ``mesh`` to ``plotter`` under the name ``structure_id`` and style it.

        ``replace_existing=False`` skips looking for an actor of that name already on the
        plotter (a scan of all actors); pass it only when the caller knows there is none.
        """
        mesh, mapper = _coloured_mapper(mesh, look)
        # A mapper and actor made here rather than by add_mesh: add_mesh's generic set-up
        # (lookup tables, normals checks) cost ~2 ms per structure, 0.3 s for the model.
        actor = pv.Actor(mapper=mapper)
        if mesh.active_texture_coordinates is not None:
            actor.texture = _stripes(plotter)
        plotter.add_actor(actor, name=structure_id, reset_camera=False, render=False, pickable=True,
                          remove_existing_actor=replace_existing)
        item = cls(structure_id, actor, mesh, mapper=mapper)
        item.set_look(look)
        return item

    def set_coarse(self, coarse: pv.PolyData | None) -> None:
        """Keep ``coarse`` (a decimated copy of the mesh, or None) to draw while moving."""
        self.has_coarse_state = True
        if coarse is not None:
            self.coarse_neutral = (np.array(coarse.points), np.array(coarse.point_data[NORMALS]))
            if self._owns_meshes:
                coarse = coarse.copy(deep=False)
            self.coarse, self.coarse_mapper = _coloured_mapper(coarse, self.look)
            self.coarse_pose_key = None

    def own_meshes(self) -> None:
        """Make the drawn meshes this actor's own (shallow) copies, so that new points touch no other."""
        if self._owns_meshes:
            return
        self._owns_meshes = True
        own = self.mesh.copy(deep=False)
        if self.mapper is not None and self.mapper.GetInput() is self.mesh:
            self.mapper.SetInputData(own)
        self.mesh = own
        if self.coarse is not None:
            own = self.coarse.copy(deep=False)
            if self.coarse_mapper is not None:
                self.coarse_mapper.SetInputData(own)
            self.coarse = own

    def show_coarse(self, coarse: bool) -> None:
        """Draw the coarse copy (True) or the full mesh (False); no-op without a copy.

        A mapper whose input was replaced (the painted skin of an overlay) keeps drawing it.
        """
        if self.coarse_mapper is None or self.mapper is None:
            return
        target = self.coarse_mapper if coarse and self.mapper.GetInput() is self.mesh else self.mapper
        if self.actor.GetMapper() is not target:
            self.actor.SetMapper(target)

    def set_look(self, look: Look) -> None:
        """Restyle the existing actor (colour, opacity, material, visibility)."""
        if look == self.look:
            return
        prop = self.actor.prop
        prop.color = look.colour
        if self.look is None or self.look.colour != look.colour:
            for mesh in (self.mesh, self.coarse):
                if mesh is not None and RGB_ARRAY in mesh.point_data:
                    mesh.point_data[RGB_ARRAY][:] = _vertex_rgb(mesh, look.colour)
                    mesh.Modified()
        prop.opacity = look.opacity
        # Every mesh is closed with outward faces (tests/anatomy/test_mesh_closure.py), so an
        # opaque one's back faces are never seen: not drawing them halves what the CPU
        # rasteriser bins (about 30 MB and 20 % of a whole-model frame). A see-through one
        # shows its near wall only: its far wall seen through it doubled every layer of
        # "pink fog" (issue 12), and cost a quarter of the frame.
        prop.culling = "back"
        prop.ambient = look.ambient
        prop.diffuse = look.diffuse
        prop.specular = look.specular
        prop.specular_power = look.specular_power
        prop.interpolation = "phong"
        self.actor.visibility = look.visible
        self.look = look

    def detach(self, plotter) -> None:
        """Remove the actor from ``plotter``."""
        plotter.remove_actor(self.actor, render=False, reset_camera=False)


def _vertex_rgb(mesh: pv.PolyData, colour) -> np.ndarray:
    data = mesh.point_data
    return vertex_rgb(colour, mesh.n_points, weights=data[BELLY] if BELLY in data else None,
                      openness=data[OPENNESS] if OPENNESS in data else None)


# plotter -> its one stripe texture, shared by the muscles it draws (render/striations.py)
_STRIPES: "weakref.WeakKeyDictionary[object, pv.Texture | None]" = weakref.WeakKeyDictionary()


def _stripes(plotter) -> pv.Texture | None:
    if plotter not in _STRIPES:
        _STRIPES[plotter] = striations.texture()
    return _STRIPES[plotter]


def _coloured_mapper(mesh: pv.PolyData, look: Look) -> tuple[pv.PolyData, pv.DataSetMapper]:
    """Return the mesh to draw and its mapper: per-vertex colours where tendons or occlusion shade it.

    A muscle with a fibre coordinate draws the striations' texture coordinates made with its surface.
    """
    if not {BELLY, OPENNESS, FIBRE} & set(mesh.point_data.keys()):
        mapper = pv.DataSetMapper(mesh)
        mapper.scalar_visibility = False
        return mesh, mapper
    # Own copy of the point colours (the cached surface is shared by plotters).
    mesh = mesh.copy(deep=False)
    mesh.point_data[RGB_ARRAY] = _vertex_rgb(mesh, look.colour)
    if STRIPE_UV in mesh.point_data:  # shared with the cached surface, not copied
        mesh.point_data.active_texture_coordinates_name = STRIPE_UV
    mapper = pv.DataSetMapper(mesh)
    mapper.SetScalarModeToUsePointFieldData()
    mapper.SelectColorArray(RGB_ARRAY)
    mapper.SetColorModeToDirectScalars()
    mapper.scalar_visibility = True
    return mesh, mapper
