"""The ``pipdocs`` console script: the group with every command family registered."""

from __future__ import annotations

from pipdocs.cli import bulk, demo, documents, lifecycle, signing, verifying
from pipdocs.cli.app import cli

# imported to register commands
COMMAND_MODULES = (documents, signing, verifying, bulk, lifecycle, demo)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pipdocs")


if __name__ == "__main__":
    main()
