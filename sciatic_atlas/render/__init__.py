"""Turns the anatomy and a resolved scene state into a PyVista plotter state. No Qt."""
