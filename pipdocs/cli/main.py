"""Thin command-line layer: parse arguments, call the library, map errors to exit codes.

Heavy libraries (pyHanko, docxtpl, openpyxl, LibreOffice glue) are imported inside the commands,
so ``pipdocs --help`` stays fast. Library code never prints or exits; only this module does.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from pipdocs.core.errors import PipdocsError, PlanInvalid
from pipdocs.core.version import __version__

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
    from pipdocs.core.errors import CredentialError

    value = os.environ.get(var)
    if value:
        return value
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
    raise CredentialError(f"{var} is not set and there is no terminal to ask: set {var}")


class _OneLineUsageError(click.UsageError):
    """A usage error shown like every other error: one line, ``error: ...``."""

    def show(self, file: Any = None) -> None:
        err(f"error: {self.format_message()}")


class _Group(click.Group):
    """Usage errors in subcommands (a directory given as a file, a bad --role) as one line too.

    Click prints the usage block and a blank line before them; the contract is one line per
    problem, so point at --help instead.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with _one_line_usage_errors(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors(ctx):
            return super().invoke(ctx)


@contextlib.contextmanager
def _one_line_usage_errors(ctx: click.Context) -> Iterator[None]:
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # `pipdocs ca` alone: show the help, as before
    except click.UsageError as exc:
        if isinstance(exc, _OneLineUsageError):
            raise
        where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
        raise _OneLineUsageError(f"{exc.format_message()} (see '{where} --help')") from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipdocs")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """Performance Improvement Plans to Word and PDF, signed by employee, manager and HR."""
    import logging

    # Library loggers (pyHanko warns on stderr when nothing is configured) would break the
    # one-line-per-problem contract; their detail is for --debug.
    logging.basicConfig(
        level=logging.WARNING if debug else logging.CRITICAL, format="%(name)s: %(message)s"
    )


# --- plans -------------------------------------------------------------------------------------


@cli.command()
@handle_errors
def schema() -> None:
    """Print the JSON Schema of a plan file."""
    import json

    from pipdocs.core.plan import plan_json_schema

    click.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("plan", type=EXISTING_FILE)
@handle_errors
def validate(plan: Path) -> None:
    """Check a plan file (.yaml/.yml/.json); exit 0 when valid, 1 when not."""
    from pipdocs.core.plan import load_plan

    loaded = load_plan(plan)
    for warning in loaded.warnings():
        err(f"warning: {plan}: {warning}")
    click.echo(f"{plan}: valid ({loaded.plan_id}, {loaded.language}, {loaded.role})")


# --- render / pdf / templates (documents) --------------------------------------------------------

# (render, pdf, templates list, templates check)

_OUTPUT_KINDS = {
    ".docx": "a Word document; name it .docx (or use `pipdocs pdf` for a PDF)",
    ".pdf": "a PDF; name it .pdf (or use `pipdocs render` for a Word document)",
}


def _check_document_output(out: Path, suffix: str) -> None:
    """Refuse an output name that would mislabel the file (render -o plan.pdf writes a .docx)
    or a directory that does not exist (a typo must not create directories)."""
    from pipdocs.core.errors import InputError
    from pipdocs.core.files import check_output

    if out.suffix.lower() != suffix:
        raise InputError(f"{out}: this command writes {_OUTPUT_KINDS[suffix]}")
    check_output(out)


@cli.command("render")
@click.argument("plan", type=EXISTING_FILE)
@click.option("-o", "--output", "out", type=OUT_PATH, required=True, help="The .docx to write.")
@click.option(
    "--templates", type=DIR_PATH, default=None, help="Use this template directory (zh/, en/)."
)
@handle_errors
def render_command(plan: Path, out: Path, templates: Path | None) -> None:
    """Render a plan into its role template: a Word document."""
    from pipdocs.core.plan import load_plan
    from pipdocs.document.render import render_docx
    from pipdocs.document.templates import find_template

    _check_document_output(out, ".docx")
    loaded = load_plan(plan)
    for warning in loaded.warnings():
        err(f"warning: {plan}: {warning}")
    written = render_docx(loaded, out, templates)
    used = find_template(loaded.language, loaded.role, templates)
    click.echo(f"{written}: rendered {loaded.plan_id} from {used}")


@cli.group("templates")
def templates_group() -> None:
    """List the Word templates, or check one after editing it."""


@templates_group.command("list")
@click.option(
    "--templates", type=DIR_PATH, default=None, help="Look in this template directory instead."
)
@handle_errors
def templates_list(templates: Path | None) -> None:
    """Which template each language and role uses, and where it is."""
    from pipdocs.document.templates import list_templates

    missing = 0
    for info in list_templates(templates):
        where = f"{info.path} ({info.source})" if info.path else "missing"
        missing += info.path is None
        click.echo(f"{info.language}  {info.role:<17} {where}")
    if missing:
        err(f"error: {missing} template(s) missing; copy them from the built-in templates")
        sys.exit(1)


@templates_group.command("check")
@click.argument("template", type=EXISTING_FILE)
@handle_errors
def templates_check(template: Path) -> None:
    """Check an edited template: Jinja syntax, names a plan lacks, signature boxes."""
    from pipdocs.document.templates import check_template

    problems = check_template(template)
    for problem in problems:
        err(f"error: {template}: {problem}")
    if problems:
        sys.exit(1)
    click.echo(f"{template}: ok (syntax, plan fields and the three signature boxes)")


@cli.command("pdf")
@click.argument("plan", type=EXISTING_FILE)
@click.option("-o", "--output", "out", type=OUT_PATH, required=True, help="The PDF to write.")
@click.option(
    "--templates", type=DIR_PATH, default=None, help="Use this template directory (zh/, en/)."
)
@handle_errors
def pdf_command(plan: Path, out: Path, templates: Path | None) -> None:
    """Render, convert and prepare a plan: a PDF with empty signature fields, ready to sign."""
    from pipdocs.core.plan import SIGNATURE_FIELDS, load_plan
    from pipdocs.document.pipeline import build_pdf

    _check_document_output(out, ".pdf")
    loaded = load_plan(plan)
    for warning in loaded.warnings():
        err(f"warning: {plan}: {warning}")
    written = build_pdf(loaded, out, templates)
    fields = ", ".join(SIGNATURE_FIELDS.values())
    click.echo(f"{written}: ready to sign ({loaded.plan_id}; fields {fields})")

# --- ca / tsa / sign (signing) ------------------------------------------------------------------

ROLE_CHOICE = click.Choice(["employee", "manager", "hr"])
POLICY_OPTION = click.option(
    "--policy", "policy_file", type=EXISTING_FILE, default=None,
    help="Signing policy file (default: $PIPDOCS_POLICY or the shipped signing/policy.yaml).",
)


def _tsa_password() -> str:
    """The TSA key's password: PIPDOCS_TSA_PASSWORD if the organisation set one, else the CA's."""
    if os.environ.get("PIPDOCS_TSA_PASSWORD"):
        return os.environ["PIPDOCS_TSA_PASSWORD"]
    return password_from_env("PIPDOCS_CA_PASSWORD", "CA password (unlocks the TSA key)")


@cli.group()
def ca() -> None:
    """Organisation CA: root certificate, timestamping key, signer keys (.p12)."""


@ca.command("init")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="New CA directory.")
@click.option("--org", required=True, help="Organisation name (any language).")
@handle_errors
def ca_init(ca_dir: Path, org: str) -> None:
    """Create a root CA and a timestamping certificate; DIR/root.pem is what verifiers trust."""
    from pipdocs.signing.ca import init_ca

    password = password_from_env("PIPDOCS_CA_PASSWORD", "New CA password", confirm=True)
    root = init_ca(ca_dir, org, password, os.environ.get("PIPDOCS_TSA_PASSWORD") or None)
    click.echo(f"{ca_dir}: CA for {org} created; verifiers trust {root.path}")
    click.echo(f"root SHA-256 fingerprint: {root.fingerprint}")


@ca.command("issue")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory.")
@click.option("--name", required=True, help="Signer's name, as the plan spells it.")
@click.option("--email", required=True, help="Signer's e-mail, as the plan gives it.")
@click.option("-o", "--output", "out", type=OUT_PATH, required=True, help="The .p12 to write.")
@click.option("--days", type=click.IntRange(1, 3650), default=730, show_default=True,
              help="Validity of the certificate.")
@handle_errors
def ca_issue(ca_dir: Path, name: str, email: str, out: Path, days: int) -> None:
    """Issue a signer's key and certificate as a password-protected .p12 (mode 0600)."""
    from pipdocs.signing.ca import issue_signer

    ca_password = password_from_env("PIPDOCS_CA_PASSWORD", "CA password")
    key_password = password_from_env("PIPDOCS_KEY_PASSWORD", f"Password for {out}", confirm=True)
    cert = issue_signer(ca_dir, name, email, out, ca_password, key_password, days=days)
    click.echo(
        f"{out}: key for {name} <{email}>, serial {cert.serial:x},"
        f" valid until {cert.not_after:%Y-%m-%d}"
    )


@cli.group()
def tsa() -> None:
    """RFC 3161 timestamp authority."""


@tsa.command("serve")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory (tsa.pem/.key).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=3161, show_default=True)
@POLICY_OPTION
@handle_errors
def tsa_serve(ca_dir: Path, host: str, port: int, policy_file: Path | None) -> None:
    """Serve RFC 3161 timestamps over HTTP until stopped; every token is logged in DIR/tsa.log."""
    from pipdocs.core.policy import load_policy
    from pipdocs.signing.tsa import make_server

    policy = load_policy(policy_file)
    server = make_server(ca_dir, _tsa_password(), policy.tsa_policy_oid, host, port)
    err(f"timestamp authority listening on {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err("timestamp authority stopped")
    finally:
        server.server_close()


@cli.command("sign")
@click.argument("input_pdf", type=EXISTING_FILE)
@click.option("--role", type=ROLE_CHOICE, required=True, help="Which box to sign.")
@click.option("--key", "key_file", type=EXISTING_FILE, required=True, help="Signer's .p12.")
@click.option("-o", "--output", "out", type=OUT_PATH, required=True, help="The signed PDF.")
@click.option("--tsa", "tsa_url", default=None, help="RFC 3161 timestamp authority URL.")
@click.option("--tsa-dir", type=DIR_PATH, default=None, help="Timestamp in process with this CA.")
@click.option("--reason", default=None, help="Replace the policy's reason text.")
@click.option("--comment", default=None, help="Employee's comment, recorded with the reason.")
@click.option("--agree/--acknowledge", default=False,
              help="Employee: agree to the plan, or (default) acknowledge receipt.")
@POLICY_OPTION
@handle_errors
def sign_command(
    input_pdf: Path, role: str, key_file: Path, out: Path, tsa_url: str | None,
    tsa_dir: Path | None, reason: str | None, comment: str | None, agree: bool,
    policy_file: Path | None,
) -> None:
    """Sign a prepared plan PDF as employee, manager or HR (PAdES + RFC 3161 timestamp)."""
    from pipdocs.core.policy import load_policy
    from pipdocs.signing.sign import load_signer, sign_pdf
    from pipdocs.signing.tsa import timestamper_for

    policy = load_policy(policy_file)
    password = password_from_env("PIPDOCS_KEY_PASSWORD", f"Password for {key_file}")
    signer = load_signer(key_file, password)
    if tsa_url and tsa_dir:
        from pipdocs.core.errors import InputError

        raise InputError("give either --tsa URL or --tsa-dir DIR, not both")

    def timestamper() -> object:  # made after the document's checks passed
        return timestamper_for(
            tsa_url, tsa_dir, policy_url=policy.tsa_url, policy_oid=policy.tsa_policy_oid,
            timeout=policy.tsa_timeout, tsa_password=_tsa_password,
        )

    result = sign_pdf(
        input_pdf, out, role=role, signer=signer, timestamper=timestamper, policy=policy,
        reason=reason, comment=comment, agree=agree,
    )
    extra = " (certified: only the pending signature fields may be filled)" if result.certified \
        else " (locked: no further changes allowed)" if result.locked else ""
    click.echo(f"{result.path}: signed as {role} by {result.signer} <{result.email}>{extra}")

# --- verify (verification) ----------------------------------------------------------------------


@cli.command("verify")
@click.argument("input_pdf", type=EXISTING_FILE)
@click.option("--trust", "trust", type=EXISTING_FILE, multiple=True,
              help="Root certificate (PEM/DER) to trust; repeat for more. Replaces the policy's"
                   " trust_anchors.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (schema: docs/verify-json-schema.json).")
@click.option("--allow-incomplete", is_flag=True,
              help="Accept a genuine document still waiting for later roles.")
@click.option("--report", "record", type=OUT_PATH, default=None,
              help="Also write a one-page verification record (.html) for the personnel file.")
@POLICY_OPTION
@handle_errors
def verify_command(
    input_pdf: Path, trust: tuple[Path, ...], as_json: bool, allow_incomplete: bool,
    record: Path | None, policy_file: Path | None,
) -> None:
    """Verify a signed plan: who signed, when, in order, unchanged since; exit 0 only then."""
    import logging

    from pipdocs.core.errors import InputError
    from pipdocs.core.files import write_atomic
    from pipdocs.core.policy import load_policy
    from pipdocs.verification.report import render_html, render_text, to_json
    from pipdocs.verification.verify import verify_pdf

    if record is not None and record.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--report {record}: write an .html record (print it to PDF if needed)")
    if not click.get_current_context().find_root().params.get("debug"):
        for name in ("pyhanko", "pyhanko_certvalidator"):  # their findings are in the report
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    report = verify_pdf(input_pdf, list(trust), allow_incomplete, load_policy(policy_file))
    if record is not None:
        write_atomic(record, render_html(report).encode("utf-8"))
    click.echo(to_json(report) if as_json else render_text(report), nl=as_json)
    sys.exit(0 if report.ok else 1)


# --- bulk (spreadsheets) ------------------------------------------------------------------------


@cli.command("bulk-template")
@click.argument("out", type=OUT_PATH)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True,
              help="Header language: column keys (en) or Chinese labels (zh).")
@handle_errors
def bulk_template(out: Path, lang: str) -> None:
    """Write an Excel workbook to fill in for `pipdocs bulk` (with a guide sheet)."""
    from pipdocs.bulk.sheet import COLUMNS
    from pipdocs.bulk.workbook import write_template

    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        from pipdocs.core.errors import InputError

        raise InputError(f"{out}: the directory {out.parent} does not exist; create it first")
    write_template(out, lang)
    click.echo(f"{out}: {len(COLUMNS)} columns, one example row, guide sheet ({lang})")


@cli.command("bulk")
@click.argument("sheet", type=EXISTING_FILE)
@click.option("-o", "--output", "out_dir", type=DIR_PATH, required=True,
              help="Directory for <plan_id>.pdf files and report.csv.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="LibreOffice workers (default: number of CPUs).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf",
              show_default=True)
@click.option("--force", is_flag=True, help="Remake documents whose input is unchanged.")
@click.option("--converter", default=None, metavar="unoserver://HOST:PORT[,HOST:PORT]",
              help="Convert on running unoserver instances instead of local LibreOffice.")
@click.option("--templates", type=DIR_PATH, default=None,
              help="Use this template directory (zh/, en/).")
@handle_errors
def bulk_command(sheet: Path, out_dir: Path, workers: int | None, fmt: str, force: bool,
                 converter: str | None, templates: Path | None) -> None:
    """One document per spreadsheet row (.xlsx or .csv); exit 1 if any row failed."""
    import signal

    from pipdocs.bulk.run import run_bulk

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # clean up workers and temp files, as on Ctrl-C

    signal.signal(signal.SIGTERM, terminate)
    progress = _bulk_output(sheet.name)
    try:
        summary = run_bulk(sheet, out_dir, workers=workers, fmt=fmt, force=force,
                           converter=converter, templates_dir=templates, progress=progress)
    finally:
        progress.close()
    rate = summary.made / summary.seconds if summary.seconds else 0.0
    click.echo(f"bulk: {summary.made} made, {summary.skipped} skipped, {summary.failed} failed "
               f"in {summary.seconds:.1f} s ({rate:.1f} plans/s); report: {summary.report}")
    sys.exit(1 if summary.failed else 0)


def _bulk_output(sheet_name: str) -> Any:
    """Progress for `pipdocs bulk`: a rich bar on a terminal, plain lines every few seconds
    otherwise; row problems as one line each on stderr."""
    from pipdocs.bulk.run import BulkProgress

    class BulkOutput(BulkProgress):
        def __init__(self, sheet: str) -> None:
            import time

            self.sheet, self.clock = sheet, time.monotonic
            self.total = self.done = self.failed = 0
            self.began = self.last_line = self.clock()
            self.bar: Any = None
            self.task: Any = None

        def _say(self, line: str) -> None:
            if self.bar is not None:
                self.bar.console.print(line, markup=False, highlight=False)
            else:
                err(line)

        def problems(self, row: int, problems: list[Any]) -> None:
            for problem in problems:
                self._say(f"error: {self.sheet}: {problem}")

        def started(self, to_make: int, skipped: int, invalid: int) -> None:
            self.total, self.began = to_make, self.clock()
            err(f"bulk: {to_make} to make, {skipped} unchanged (skipped), {invalid} with problems")
            if to_make and sys.stderr.isatty():
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )

                self.bar = Progress(
                    TextColumn("bulk"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]} plans/s"), TextColumn("ETA"),
                    TimeRemainingColumn(), TextColumn("{task.fields[failed]} failed"),
                    console=Console(stderr=True), transient=True)
                self.task = self.bar.add_task("bulk", total=to_make, rate="-", failed=0)
                self.bar.start()

        def advanced(self, outcome: Any) -> None:
            self.done += 1
            if outcome.status != "ok":
                self.failed += 1
                self._say(f"error: {self.sheet}: row {outcome.row} ({outcome.plan_id}): "
                          f"{outcome.message}")
            now = self.clock()
            rate = self.done / max(now - self.began, 1e-6)
            if self.bar is not None:
                self.bar.update(self.task, advance=1, rate=f"{rate:.1f}", failed=self.failed)
            elif now - self.last_line >= 5 or self.done == self.total:
                self.last_line = now
                eta = (self.total - self.done) / rate if rate else 0
                err(f"bulk: {self.done}/{self.total} done, {self.failed} failed, "
                    f"{rate:.1f} plans/s, ETA {eta:.0f} s")

        def close(self) -> None:
            if self.bar is not None:
                self.bar.stop()
                self.bar = None

    return BulkOutput(sheet_name)


# --- demo ---------------------------------------------------------------------------------------


@cli.command("demo")
@click.option("-o", "--output", "out_dir", type=DIR_PATH, default=None,
              help="Fresh directory for everything (default: a new temporary one).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@handle_errors
def demo_command(out_dir: Path | None, lang: str) -> None:
    """The whole flow on built-in examples: CA, three signers, TSA, PDF, signatures, verify."""
    from pipdocs.demo import run_demo

    result = run_demo(out_dir, lang, progress=click.echo)
    sys.exit(0 if result.ok else 1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pipdocs")


if __name__ == "__main__":
    main()
