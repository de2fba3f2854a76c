"""The command line: a thin layer over the library that maps its errors to messages and exits."""

from pipdocs.cli.main import main

__all__ = ["main"]
