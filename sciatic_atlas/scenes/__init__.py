"""Scene definitions: YAML files in ``scenes/`` parsed and validated into plain objects.

No VTK, no Qt. The render layer consumes :class:`sciatic_atlas.scenes.state.SceneState`,
the fully resolved "what to show" of one scene at one step.
"""
