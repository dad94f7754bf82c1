"""Sciatic Atlas: an interactive 3D teaching atlas of the sciatic nerve.

Layers, each importing only those above it in this list:

1. :mod:`sciatic_atlas.anatomy` - pure data: structures, geometry, facts (no VTK, no Qt).
2. :mod:`sciatic_atlas.scenes` - scene files parsed and validated (no VTK, no Qt).
3. :mod:`sciatic_atlas.render` - anatomy + scene -> PyVista plotter state (no Qt).
   :mod:`sciatic_atlas.assetbuild` sits beside it: it writes ``assets/`` from the
   musculoskeletal model and is only imported by ``sciatic-atlas build-assets``.
4. :mod:`sciatic_atlas.app` - the Qt window and the command line.
"""

__version__ = "0.1.0"
