"""Thin command-line layer: parse arguments, call the library, map errors to exit codes.

Heavy libraries (pyHanko, docxtpl, openpyxl, LibreOffice glue) are imported inside the commands,
so ``pipdocs --help`` stays fast. Library code never prints or exits; only this module does.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipdocs import __version__
from pipdocs.errors import PipdocsError, PlanInvalid

F = TypeVar("F", bound=Callable[..., Any])

EXISTING_FILE = click.Path(path_type=Path, dir_okay=False)
OUT_PATH = click.Path(path_type=Path, dir_okay=False)
DIR_PATH = click.Path(path_type=Path, file_okay=False)


def err(line: str) -> None:
    """Print one line to stderr."""
    click.echo(line, err=True)


def handle_errors(func: F) -> F:
    """Map library errors to one line per problem and an exit code (traceback only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except PlanInvalid as exc:
            if debug:
                raise
            where = f"{exc.source}: " if exc.source else ""
            for problem in exc.problems:
                err(f"error: {where}{problem}")
            sys.exit(exc.exit_code)
        except PipdocsError as exc:
            if debug:
                raise
            err(f"error: {exc}")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err("interrupted: no partial output was left behind")
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - last line of defence: never a bare traceback
            if debug:
                raise
            err(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def password_from_env(var: str, prompt: str, confirm: bool = False) -> str:
    """Password from ``var``; a hidden prompt on a terminal; otherwise a clear error (exit 2)."""
    from pipdocs.errors import CredentialError

    value = os.environ.get(var)
    if value:
        return value
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
    raise CredentialError(f"{var} is not set and there is no terminal to ask: set {var}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipdocs")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """Performance Improvement Plans to Word and PDF, signed by employee, manager and HR."""


# --- plans -------------------------------------------------------------------------------------


@cli.command()
@handle_errors
def schema() -> None:
    """Print the JSON Schema of a plan file."""
    import json

    from pipdocs.plan import plan_json_schema

    click.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("plan", type=EXISTING_FILE)
@handle_errors
def validate(plan: Path) -> None:
    """Check a plan file (.yaml/.yml/.json); exit 0 when valid, 1 when not."""
    from pipdocs.plan import load_plan

    loaded = load_plan(plan)
    for warning in loaded.warnings():
        err(f"warning: {plan}: {warning}")
    click.echo(f"{plan}: valid ({loaded.plan_id}, {loaded.language}, {loaded.role})")


# --- render / pdf / templates (documents) --------------------------------------------------------

# (render, pdf, templates list, templates check)

# --- ca / tsa / sign (signing) ------------------------------------------------------------------

# (ca init, ca issue, tsa serve, sign)

# --- verify (verification) ----------------------------------------------------------------------

# (verify)

# --- bulk (spreadsheets) ------------------------------------------------------------------------

# (bulk, bulk-template)

# --- demo ---------------------------------------------------------------------------------------

# (demo)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pipdocs")


if __name__ == "__main__":
    main()
