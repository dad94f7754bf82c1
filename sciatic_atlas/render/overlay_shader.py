"""Paint the overlays per pixel on the GPU: sharp stripes and bands at any size (issue 10).

Per-vertex colours are blended linearly across each triangle, so a stripe edge a few
millimetres wide, sampled at the painted skin's ~4 mm vertex spacing, came out as a zigzag
(stair steps at 1080p). Here the vertices carry only smooth fields, which a linear blend
reproduces exactly:

- ``paint_t``: each vertex's position along the stripe and band directions (mm), linear
  over the skin, so interpolated per pixel it is exact;
- ``paint_e`` and ``paint_s``: each overlay's essential and spillover weights (up to
  :data:`MAX_LAYERS` overlays, one per component).

A fragment-shader replacement then computes the stripes, the bands and the mix of
:mod:`sciatic_atlas.anatomy.overlay_paint` for every pixel, with the same constants: the
GLSL below mirrors :func:`~sciatic_atlas.anatomy.overlay_paint.composite`, which stays
the reference (and the path for more than :data:`MAX_LAYERS` overlays).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from sciatic_atlas.anatomy import overlay_paint as op

MAX_LAYERS = 4  # one vec4 component per overlay
T_ARRAY, E_ARRAY, S_ARRAY = "paint_t", "paint_e", "paint_s"
_ATTRIBUTES = (("paintT", T_ARRAY), ("paintE", E_ARRAY), ("paintS", S_ARRAY))


def fields(vertices: np.ndarray, layers: list[op.Layer]) -> dict[str, np.ndarray]:
    """Return the per-vertex arrays the shader reads (float32): positions along the stripes, weights."""
    vertices = np.asarray(vertices, dtype=float)
    n = len(vertices)
    e, s = np.zeros((n, MAX_LAYERS), np.float32), np.zeros((n, MAX_LAYERS), np.float32)
    for i, lay in enumerate(layers):
        e[:, i], s[:, i] = lay.essential, lay.spillover
    t = np.column_stack([vertices @ op.SPILL_NORMAL, vertices @ op.BAND_NORMAL]).astype(np.float32)
    return {T_ARRAY: t, E_ARRAY: e, S_ARRAY: s}


def _vec3(rgb) -> str:
    return "vec3({:.6f}, {:.6f}, {:.6f})".format(*(float(c) for c in rgb))


def fragment_code(colours) -> tuple[str, str]:
    """Return the GLSL (declarations, body) that paints ``colours`` (one per overlay) over the skin colour."""
    k = len(colours)
    padded = [*colours, *[(0.0, 0.0, 0.0)] * (MAX_LAYERS - k)]
    declarations = f"""
in vec2 paintTVSOutput;
in vec4 paintEVSOutput;
in vec4 paintSVSOutput;
const vec3 paintColour[{MAX_LAYERS}] = vec3[{MAX_LAYERS}]({", ".join(_vec3(c) for c in padded)});
float paintStripe(float mm, float period, float duty, float phase)
{{
  float s = fract(mm / period + phase);
  float signedMM = (s < duty ? min(s, duty - s) : -min(s - duty, 1.0 - s)) * period;
  return clamp(0.5 + signedMM / {op.EDGE_MM:.6f}, 0.0, 1.0);
}}
"""
    body = f"""
  {{
    vec3 paintBase = diffuseColorUniform;
    float stripe = paintStripe(paintTVSOutput.x, {op.SPILL_PERIOD_MM:.6f}, {op.SPILL_DUTY:.6f}, 0.0);
    vec3 paintSum = vec3(0.0);
    float paintTotal = 0.0;
    float paintAlpha = 0.0;
    for (int i = 0; i < {k}; i++)
    {{
      float e = paintEVSOutput[i];
      float s = paintSVSOutput[i];
      float a = clamp({op.ESSENTIAL_ALPHA:.6f} * e + {op.SPILLOVER_ALPHA:.6f} * s, 0.0, 1.0);
      float favour = 1.0;
      if ({k} > 1)
      {{
        favour += {op.BAND_FAVOUR - 1.0:.6f} * paintStripe(paintTVSOutput.y, {k * op.BAND_MM:.6f},
                                                     {1.0 / k:.6f}, -float(i) / {float(k):.6f});
      }}
      vec3 full = paintColour[i];
      vec3 spill = mix(full + {op.SPILL_PALE:.6f} * (1.0 - full), full, stripe);
      float shareE = (e + s) > 0.0 ? e / (e + s) : 1.0;
      paintSum += a * favour * mix(spill, full, shareE);
      paintTotal += a * favour;
      paintAlpha = max(paintAlpha, a);
    }}
    vec3 paintRGB = paintTotal > 0.0 ? paintSum / paintTotal : paintBase;
    paintRGB = mix(paintBase, paintRGB, paintAlpha);
    ambientColor = ambientIntensity * paintRGB;
    diffuseColor = diffuseIntensity * paintRGB;
  }}
"""
    return declarations, body


def painted_mapper(mesh: pv.PolyData):
    """Return a new mapper drawing ``mesh`` with the shader's vertex arrays bound (no scalars)."""
    from vtkmodules.vtkCommonDataModel import vtkDataObject
    from vtkmodules.vtkRenderingCore import vtkPolyDataMapper

    mapper = vtkPolyDataMapper()
    mapper.SetInputData(mesh)
    mapper.ScalarVisibilityOff()
    for attribute, array in _ATTRIBUTES:
        mapper.MapDataArrayToVertexAttribute(attribute, array, vtkDataObject.FIELD_ASSOCIATION_POINTS, -1)
    return mapper


def install(actor, colours) -> None:
    """Put the painting shader for ``colours`` on ``actor`` (whose mapper is a :func:`painted_mapper`)."""
    sp = actor.GetShaderProperty()
    remove(actor)
    vs_dec = "//VTK::Color::Dec\n" + "".join(
        f"in {kind} {name};\nout {kind} {name}VSOutput;\n"
        for (name, _), kind in zip(_ATTRIBUTES, ("vec2", "vec4", "vec4")))
    vs_impl = "//VTK::Color::Impl\n" + "".join(f"  {name}VSOutput = {name};\n" for name, _ in _ATTRIBUTES)
    sp.AddVertexShaderReplacement("//VTK::Color::Dec", True, vs_dec, False)
    sp.AddVertexShaderReplacement("//VTK::Color::Impl", True, vs_impl, False)
    declarations, body = fragment_code(colours)
    sp.AddFragmentShaderReplacement("//VTK::Color::Dec", True, "//VTK::Color::Dec\n" + declarations, False)
    sp.AddFragmentShaderReplacement("//VTK::Color::Impl", True, "//VTK::Color::Impl\n" + body, False)


def remove(actor) -> None:
    """Take the painting shader off ``actor`` (it draws its plain colour again)."""
    sp = actor.GetShaderProperty()
    sp.ClearAllVertexShaderReplacements()
    sp.ClearAllFragmentShaderReplacements()
