"""Shared build fixtures: the model is read, and every stage run, once per test session.

The stages run in the same order and with the same inputs as ``build-assets``, so the
per-stage tests look at exactly what gets written to ``assets/``.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def raw_model():
    """The musculoskeletal model at its neutral pose (needs the [build] extra)."""
    pytest.importorskip("mujoco")
    pytest.importorskip("myo_sim")
    pytest.importorskip("musculoskeletal.models")
    from sciatic_atlas.assetbuild.extract import load_raw_model

    return load_raw_model()


@pytest.fixture(scope="session")
def staged(raw_model):
    """``(merged, by_stage)``: every build stage run once, as ``build-assets`` runs them."""
    from sciatic_atlas.assetbuild.assets import run_stages

    return run_stages(raw_model)
