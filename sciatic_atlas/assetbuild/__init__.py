"""Asset build: turns the MyoSuite/Rajagopal musculoskeletal model into ``assets/``.

Needs the ``[build]`` extra (``mujoco``, ``myo-sim``). Only ``sciatic-atlas
build-assets`` imports this package; running the program never rebuilds.
"""
