"""``python -m sciatic_atlas.app`` / ``sciatic-atlas``: the command line entry point."""

from __future__ import annotations

import sys

from sciatic_atlas.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
