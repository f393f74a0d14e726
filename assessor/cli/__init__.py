"""The ``assessor`` command line."""

from assessor.cli.main import main

__all__ = ["main"]
