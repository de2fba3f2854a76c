"""The ``pipdocs`` console script: the group with every command family registered."""

from __future__ import annotations

from pipdocs.cli import bulk, demo, documents, signing, verifying
from pipdocs.cli.app import cli

COMMAND_MODULES = (documents, signing, verifying, bulk, demo)  # imported to register commands


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pipdocs")


if __name__ == "__main__":
    main()
