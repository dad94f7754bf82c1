"""Pure anatomical data: structures, their geometry and facts. No VTK, no Qt."""
