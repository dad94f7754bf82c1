"""Notes the window puts in the status bar and the narration when assets are incomplete."""

from __future__ import annotations

NO_SKIN_NOTE = ("The pain map of this step is painted on the skin, and these assets were built "
                "without it: rebuild them with `sciatic-atlas build-assets` to see it.")


def left_out_note(names: list[str]) -> str:
    """Return the status-bar note for structures whose mesh files are missing or damaged."""
    names = list(dict.fromkeys(names))  # both sides of a structure, named without the side, once
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return (f"Left out of the picture (mesh file missing or damaged): {shown}. "
            "Rebuild the assets with `sciatic-atlas build-assets`; the log names each file.")
