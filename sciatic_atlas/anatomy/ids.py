"""Structure ids and their side suffix, the one convention every layer reads.

Bilateral structures end in ``_l`` / ``_r`` (``piriformis_r``); midline ones have no suffix
(``sacrum``, ``disc_l4_l5``); a variant mesh appends ``__<variant>`` to the id it stands in for
(``sciatic_nerve_r__ba_b``); a muscular branch is ``branch_<nerve>__<muscle>_<side>``.
"""

from __future__ import annotations

import re

SIDE_NAMES = {"l": "left", "r": "right"}
_SIDE = re.compile(r"_(l|r)(?:__|$)")


def side_of(structure_id: str) -> str:
    """Return ``"left"``, ``"right"`` or ``"midline"`` for a structure id.

    A variant mesh takes the side of the structure it replaces.
    """
    match = _SIDE.search(structure_id)
    return SIDE_NAMES[match.group(1)] if match else "midline"
