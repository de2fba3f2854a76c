"""The command group, its shared options and the one place library errors become exit codes.

Heavy libraries (pyHanko, docxtpl, openpyxl, LibreOffice glue) are imported inside the commands,
so ``pipdocs --help`` stays fast. Library code never prints or exits; only the CLI does.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from pipdocs.core.errors import PipdocsError, PlanInvalid
from pipdocs.core.i18n import choose_language, plan_language, tr
from pipdocs.core.text import escape_controls
from pipdocs.core.version import __version__


class OutputFile(click.ParamType):
    """A file the command will write: its directory must exist, it must not be a directory, and
    (with ``suffix``) its name must say what it holds. Checked while parsing, so a typo fails at
    once: before a password prompt, a LibreOffice run or a bulk job."""

    name = "file"
    _kinds = {
        ".docx": "a Word document; name it .docx (or use `pipdocs pdf` for a PDF)",
        ".pdf": "a PDF; name it .pdf (or use `pipdocs render` for a Word document)",
        ".html": "an .html record (print it to PDF if needed)",
        ".xlsx": "an Excel workbook; name it .xlsx",
    }

    def __init__(self, *suffixes: str) -> None:
        self.suffixes = suffixes

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from pipdocs.core.errors import InputError
        from pipdocs.core.files import case_twin, check_output

        out = Path(value)
        if self.suffixes and out.suffix.lower() not in self.suffixes:
            self.fail(f"{out}: this command writes {self._kinds[self.suffixes[0]]}", param, ctx)
        try:
            check_output(out)
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        twin = case_twin(out) if set(self.suffixes) & {".pdf", ".docx"} else None
        if twin:
            self.fail(f"{out}: {twin} is already in {out.parent} and differs only in case;"
                      " on many disks one would overwrite the other: choose another name",
                      param, ctx)
        return out


EXISTING_FILE = click.Path(path_type=Path, dir_okay=False)
OUT_PATH = OutputFile()
DIR_PATH = click.Path(path_type=Path, file_okay=False)
ROLE_CHOICE = click.Choice(["employee", "manager", "hr"])
POLICY_OPTION = click.option(
    "--policy", "policy_file", type=EXISTING_FILE, default=None,
    help="Signing policy file (default: $PIPDOCS_POLICY or the shipped signing/policy.yaml).",
)

SEAL_OPTION = click.option(
    "--seal", "seal_dir", type=DIR_PATH, default=None, metavar="CA_DIR",
    help="Seal each document with the organisation's seal key (CA_DIR/seal.p12, from 'pipdocs"
         " ca issue-seal'); password from $PIPDOCS_SEAL_PASSWORD, else $PIPDOCS_CA_PASSWORD.",
)


def sealer(seal_dir: Path | None, policy: Any) -> Any:
    """The organisation's sealer for ``--seal CA_DIR`` (None without it), its key opened now so
    a wrong password, or a seal the policy requires, fails before any document is made."""
    if seal_dir is None:
        if policy.seal == "required":
            from pipdocs.core.errors import InputError

            raise InputError(f"{policy.source or 'the signing policy'} requires the"
                             " organisation's seal: pass --seal CA_DIR (the CA directory"
                             " holding seal.p12)")
        return None
    from pipdocs.pki.seal import SEAL_PASSWORD_ENV
    from pipdocs.signing.seal import Sealer

    var = SEAL_PASSWORD_ENV if os.environ.get(SEAL_PASSWORD_ENV) else "PIPDOCS_CA_PASSWORD"
    return Sealer(str(seal_dir), password_from_env(var, "Seal key password")).check()


def err(line: str) -> None:
    """Print one line to stderr."""
    click.echo(line, err=True)


def warn(source: object, warning: str, language: object = None) -> None:
    """A warning about a plan, in the plan's language (or the user's)."""
    with plan_language(language):
        err(tr("warning: {source}: {warning}").format(source=source, warning=warning))


def password_from_env(var: str, prompt: str, confirm: bool = False) -> str:
    """Password from ``var``; a hidden prompt on a terminal; otherwise a clear error (exit 2)."""
    from pipdocs.core.errors import CredentialError

    value = os.environ.get(var)
    if value:
        return value
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
    raise CredentialError(f"{var} is not set and there is no terminal to ask: set {var}")


class OneLineUsageError(click.UsageError):
    """A usage error shown like every other error: one line, ``error: ...``."""

    def show(self, file: Any = None) -> None:
        err(tr("error: {message}").format(message=self.format_message()))


def usage_message(exc: click.UsageError) -> str:
    """Click's usage error in the user's language (click's own wording is English only)."""
    if tr("error: {message}") == "error: {message}":
        return exc.format_message()
    if isinstance(exc, click.NoSuchOption):
        guess = f" (--{exc.possibilities[0].lstrip('-')}?)" if exc.possibilities else ""
        return tr("no such option: {name}").format(name=exc.option_name) + guess
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        name = exc.param.opts[0] if exc.param.param_type_name == "option" else (
            (exc.param.name or "").upper())
        return tr("missing {name}").format(name=name)
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        name = exc.param.opts[0] if exc.param.param_type_name == "option" else (
            (exc.param.name or "").upper())
        return tr("invalid value for {name}: {detail}").format(name=name, detail=exc.message)
    message = exc.format_message()
    extra = message.startswith("Got unexpected extra argument")
    if extra:
        return tr("unexpected extra arguments: {args}").format(
            args=message.partition("(")[2].rstrip(")"))
    if message.startswith("No such command"):
        return tr("no such command: {name}").format(name=message.split("'")[1])
    return message


@contextlib.contextmanager
def one_line_usage_errors(ctx: click.Context) -> Iterator[None]:
    """Click prints a usage block before usage errors; the contract is one line per problem."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # `pipdocs ca` alone: show the help
    except click.UsageError as exc:
        if isinstance(exc, OneLineUsageError):
            raise
        where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
        raise OneLineUsageError(tr("{message} (see '{where} --help')").format(
            message=usage_message(exc), where=where)) from exc


def exit_for(exc: BaseException, debug: bool) -> int:
    """Print a library error as one line per problem and return its exit code."""
    if isinstance(exc, PlanInvalid):
        where = f"{exc.source}: " if exc.source else ""
        # no language of its own (a check-in file's fields): keep the plan's the command follows
        scope = plan_language(exc.language) if exc.language else contextlib.nullcontext()
        with scope:
            for problem in exc.problems:
                err(escape_controls(tr("error: {message}").format(message=f"{where}{problem}")))
        return exc.exit_code
    if isinstance(exc, PipdocsError):
        # one line, whatever a file or key put in it
        err(escape_controls(tr("error: {message}").format(message=exc)))
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        err("interrupted: no partial output was left behind")
        return 130
    if isinstance(exc, MemoryError):
        err("error: out of memory: the input is far larger than a plan, sheet or document"
            " should be; check it, or split it (no partial output was left behind)")
        return 2
    if isinstance(exc, RecursionError):
        err("error: the input is nested too deeply to be processed; check that it is the file"
            " you meant (no partial output was left behind)")
        return 2
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        err(f"error: the disk is full{f' ({exc.filename})' if exc.filename else ''}; free some"
            " space and run the command again")
        return 2
    err(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
    return 2


class PipdocsGroup(click.Group):
    """Maps errors for every command below it, once: usage errors and library errors alike."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with one_line_usage_errors(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with one_line_usage_errors(ctx):
            if ctx.parent is not None:  # a sub-group: the root maps library errors
                return super().invoke(ctx)
            try:
                return super().invoke(ctx)
            except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
                raise
            except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the last line of defence
                if ctx.params.get("debug") and not isinstance(exc, KeyboardInterrupt):
                    raise
                sys.exit(exit_for(exc, bool(ctx.params.get("debug"))))


@click.group(cls=PipdocsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipdocs")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("--lang", "lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of messages (default: the plan's, or zh when LANG is Chinese).")
def cli(debug: bool, lang: str | None) -> None:
    """Performance Improvement Plans to Word and PDF, signed by employee, manager and HR."""
    from pipdocs.core.settings import configure, from_environment

    # The environment is read here, at the edge, once; the library is handed the result.
    previous = configure(from_environment(os.environ))
    choose_language(lang)
    # In-process callers (tests, a web server) must not inherit this run's choice.
    context = click.get_current_context()
    context.call_on_close(lambda: choose_language(None))
    context.call_on_close(lambda: configure(previous))
    import logging

    # Library loggers (pyHanko warns on stderr when nothing is configured) would break the
    # one-line-per-problem contract; their detail is for --debug.
    logging.basicConfig(
        level=logging.WARNING if debug else logging.CRITICAL, format="%(name)s: %(message)s"
    )
