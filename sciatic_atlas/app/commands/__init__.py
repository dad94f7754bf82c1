"""Sub-commands of ``sciatic-atlas``; each module has ``add_parser`` and ``run``."""
