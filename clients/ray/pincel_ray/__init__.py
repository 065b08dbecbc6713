"""Run pincel batch and video jobs across a Ray cluster (the ``pincel-ray`` command)."""

__version__ = "0.1.0"
