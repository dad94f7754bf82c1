"""Fixtures for the consult-mode window tests: ``x_display`` comes from ``tests/conftest.py``."""
