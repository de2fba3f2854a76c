"""The ``pipdocs`` console script: the group with every command family registered."""

from __future__ import annotations

from pipdocs.cli import (
    archive,
    bulk,
    demo,
    documents,
    lifecycle,
    revoking,
    serve,
    signing,
    verifying,
)
from pipdocs.cli.app import cli

# imported to register their commands
COMMAND_MODULES = (documents, signing, revoking, verifying, bulk, lifecycle, demo, archive, serve)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pipdocs")


if __name__ == "__main__":
    main()
