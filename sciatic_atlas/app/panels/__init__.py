"""The window's panels: one small Qt widget each, bound to the :class:`ViewState`."""
