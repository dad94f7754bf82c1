"""The Qt window and the command line. Thin: behaviour lives in the layers below."""
