"""The one "built model with a skin" fixture shared by the skin and overlay tests."""

import pytest

from sciatic_atlas.anatomy.model import load_model

NO_SKIN = "the bundled assets have no skin yet: rebuild them with `sciatic-atlas build-assets`"


@pytest.fixture(scope="module")
def skin_model():
    """Return the bundled model, skipping the test when its assets have no skin."""
    model = load_model()
    if not model.has_mesh("skin"):
        pytest.skip(NO_SKIN)
    return model
