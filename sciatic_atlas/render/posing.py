"""Put the drawn structures in a pose: new points and normals for each actor, in place.

Actors are not rebuilt when the pose changes: each
:class:`~sciatic_atlas.render.structure_actor.StructureActor` gets its own copy of its
mesh (the neutral surface stays shared and untouched) whose points and normals are
replaced. A coarse copy (drawn while the camera moves, or while a pose slider is
dragged) is posed with the weights of its nearest full-mesh vertices, so a drag poses
a quarter of the vertices.

Also here: the floor the posed body lies, sits or kneels on, and the colour bar of the
length colours.
"""

from __future__ import annotations

import weakref

import numpy as np
import pyvista as pv

from sciatic_atlas.render.structure_actor import NORMALS, StructureActor, surface

FLOOR = "floor"  # decoration name (under marks.PREFIX)
COLOUR_KEY = "colourkey"
FLOOR_COLOUR = (0.90, 0.89, 0.86)  # a pale mat: seen from above it must not read as a wall

# model -> {structure id -> (bodies, weights) of the coarse copy's vertices}
_COARSE_WEIGHTS: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _own_points(mesh: pv.PolyData, points: np.ndarray, normals: np.ndarray, arrays: dict) -> None:
    """Give ``mesh`` new point and normal arrays without touching arrays it shares with others.

    ``arrays`` keeps the arrays this mesh owns (after the first call): later poses write into
    them in place, which saves making VTK arrays for every actor of every drag frame.
    """
    own = arrays.get(id(mesh))
    if own is not None and own[0].shape == points.shape and mesh.GetPoints() is own[2]:
        own[0][:] = points
        own[1][:] = normals
        own[2].Modified()
        mesh.GetPointData().GetArray(NORMALS).Modified()
        mesh.Modified()
        return
    point_array = np.array(points, dtype=np.float32)
    normal_array = np.array(normals, dtype=np.float32)
    vtk_points = pv.vtk_points(point_array, deep=False)
    mesh.SetPoints(vtk_points)
    mesh.point_data[NORMALS] = normal_array
    mesh.point_data.active_normals_name = NORMALS
    # The VTK arrays share the NumPy buffers (no copy): writing these writes the mesh.
    arrays[id(mesh)] = (point_array, np.asarray(mesh.point_data[NORMALS]), vtk_points)


def _coarse_weights(model, item: StructureActor):
    from scipy.spatial import cKDTree

    cache = _COARSE_WEIGHTS.setdefault(model, {})
    sid = item.structure_id
    if sid not in cache:
        full = surface(model, sid)
        nearest = cKDTree(np.asarray(full.points)).query(np.asarray(item.coarse.points))[1]
        if model.skinning.has(sid):
            from sciatic_atlas.anatomy.skinning import make_plan

            bodies, weights = model.skinning.weights(sid)
            cache[sid] = (make_plan(bodies[nearest], weights[nearest]), None)
        else:
            cache[sid] = (None, model.structure(sid).body)
    return cache[sid]


def pose_actor(model, item: StructureActor, posed, coarse_only: bool = False) -> None:
    """Put one actor's meshes in ``posed`` (a :class:`~sciatic_atlas.anatomy.posed.PosedModel`, or None).

    ``coarse_only`` poses only the coarse copy (a drag in progress); the full mesh is
    posed when the drag ends. A structure without a coarse copy (a small mesh, drawn in
    full while moving) has its full mesh posed: otherwise it would stay behind.
    """
    key = None if posed is None else posed.key
    sid = item.structure_id
    neutral = surface(model, sid)
    dragged = coarse_only and item.coarse is None  # a small mesh drawn in full during a drag
    full_key = ("drag", key) if dragged else key
    if (not coarse_only or dragged) and item.full_pose_key != full_key:
        item.own_meshes()
        if posed is None:
            _own_points(item.mesh, np.asarray(neutral.points), np.asarray(neutral.point_data[NORMALS]), item.owned)
        else:
            # during a drag, without the push out of bone (done once the drag ends)
            _own_points(item.mesh, posed.vertices(sid, clear_of_bone=not dragged), posed.normals(sid), item.owned)
        item.full_pose_key = full_key
    if item.coarse is not None and item.coarse_pose_key != key:
        item.own_meshes()
        base = item.coarse_neutral
        if posed is None:
            _own_points(item.coarse, base[0], base[1], item.owned)
        else:
            plan, body = _coarse_weights(model, item)
            if plan is not None:
                points = posed.blend_points(base[0], plan)
                normals = posed.blend_points(base[1], plan, rotate_only=True)
            else:
                motion = posed.body_motion(body)
                points = base[0] @ motion[:3, :3].T + motion[:3, 3]
                normals = base[1] @ motion[:3, :3].T
            _own_points(item.coarse, points, normals, item.owned)
        item.coarse_pose_key = key


def pose_actors(model, actors: dict[str, StructureActor], posed, coarse_only: bool = False) -> None:
    """Pose every visible actor (hidden ones are posed when they are shown)."""
    for item in actors.values():
        if item.look is not None and item.look.visible:
            pose_actor(model, item, posed, coarse_only)


def draw_floor(plotter, posed, rests_on: tuple[str, ...], actors, name: str, quick: bool = False) -> bool:
    """Draw the floor under the posed body (a pale square at its lowest point); return True if drawn.

    An existing floor is moved (new corner points), not added again. ``quick`` (a drag)
    finds the height from a sample of the skin.
    """
    shown = [item.actor.GetBounds() for item in actors.values() if item.look is not None and item.look.visible]
    if posed is None or not shown:
        return False
    bounds = np.array(shown)
    lo, hi = bounds[:, 0::2].min(axis=0), bounds[:, 1::2].max(axis=0)
    size = float(max(hi[0] - lo[0], hi[1] - lo[1]) * 1.4 + 200.0)
    z = posed.floor_height(rests_on, every=8 if quick else 1) - (6.0 if quick else 1.0)
    cx, cy, half = (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, size / 2
    corners = np.array([[cx - half, cy - half, z], [cx + half, cy - half, z], [cx + half, cy + half, z],
                        [cx - half, cy + half, z]], dtype=np.float32)
    existing = plotter.renderer.actors.get(name)
    if existing is not None and existing.GetMapper() is not None:
        mesh = existing.GetMapper().GetInput()
        mesh.GetPoints().SetData(pv.vtk_points(corners, deep=True).GetData())
        mesh.Modified()
        return True
    plane = pv.PolyData(corners, faces=np.array([4, 0, 1, 2, 3]))
    actor = plotter.add_mesh(plane, color=FLOOR_COLOUR, name=name, pickable=False, reset_camera=False,
                             render=False, ambient=0.35, diffuse=0.6, specular=0.0, lighting=True)
    actor.prop.culling = "none"
    actor.prop.opacity = 0.85
    return True


def draw_colour_key(plotter, key, name: str, font_px: int, dark: bool) -> bool:
    """Draw the colour bar of ``key`` (a :class:`~sciatic_atlas.scenes.state.ColourKey`) at the right edge."""
    if key is None:
        return False
    from vtkmodules.vtkRenderingAnnotation import vtkScalarBarActor
    from vtkmodules.vtkRenderingCore import vtkColorTransferFunction

    table = vtkColorTransferFunction()
    for value, rgb in key.stops:
        table.AddRGBPoint(value, *rgb)
    bar = vtkScalarBarActor()
    bar.SetLookupTable(table)
    bar.SetTitle(key.title)
    bar.SetNumberOfLabels(5)
    bar.SetLabelFormat("%+.0f")
    bar.SetOrientationToVertical()
    bar.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
    bar.GetPositionCoordinate().SetValue(0.87, 0.25)
    bar.SetWidth(0.07)
    bar.SetHeight(0.45)
    bar.SetUnconstrainedFontSize(True)
    colour = (0.95, 0.95, 0.95) if dark else (0.1, 0.1, 0.1)
    for prop, size in ((bar.GetTitleTextProperty(), font_px), (bar.GetLabelTextProperty(), font_px)):
        prop.SetColor(*colour)
        prop.SetFontSize(int(size))
        prop.SetBold(False)
        prop.SetItalic(False)
        prop.ShadowOff()
    plotter.add_actor(bar, name=name, reset_camera=False, render=False, pickable=False)
    return True
