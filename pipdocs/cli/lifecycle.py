"""The documents after the plan: checkin, revise, evaluate, refusal; and `case verify|status`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from pipdocs.cli.app import DIR_PATH, EXISTING_FILE, OUT_PATH, POLICY_OPTION, cli, err
from pipdocs.cli.verifying import RECORD_SEAL_OPTION, record_seal
from pipdocs.core.i18n import tr

TRUST_OPTION = click.option(
    "--trust", "trust", type=EXISTING_FILE, multiple=True,
    help="Root certificate (PEM/DER) the parent must chain to; repeat for more. Replaces the"
         " policy's trust_anchors.")
CASE_OPTION = click.option(
    "--case", "case_dir", type=DIR_PATH, default=None,
    help="The case folder: refuse a version a revision replaced; find an extension or an"
         " earlier training step (default: the folder of the PDF it follows, when it holds"
         " at most 500 PDFs).")
TEMPLATES_OPTION = click.option(
    "--templates", type=DIR_PATH, default=None, help="Use this template directory (zh/, en/).")


def _options(trust: tuple[Path, ...], policy_file: Path | None, templates: Path | None,
             case_dir: Path | None, parent: Path) -> Any:
    """The shared options; without --case the parent's own folder is the case (a check-in
    made from a plan that a revision beside it replaced is refused), unless it is too large
    to be one case."""
    from pipdocs.core.policy import load_policy
    from pipdocs.lifecycle.facts import MAX_CASE_FILES
    from pipdocs.lifecycle.make import Options

    if case_dir is None:
        folder = parent.resolve().parent
        pdfs = sum(1 for p in folder.iterdir() if p.suffix.lower() == ".pdf")
        case_dir = folder if pdfs <= MAX_CASE_FILES else None
    return Options(trust=list(trust), policy=load_policy(policy_file), templates_dir=templates,
                   case_dir=case_dir)


def _begin(out: Path, parent: Path) -> None:
    """What every command does first: a .pdf output, quiet libraries, and messages in the
    language of the plan the parent PDF carries (unless --lang says otherwise)."""
    from pipdocs.core.errors import InputError, PipdocsError
    from pipdocs.core.i18n import follow_plan
    from pipdocs.lifecycle.records import read_document

    _quiet_libraries()
    try:
        language = read_document(parent).plan.language
    except PipdocsError:
        language = None  # the command reports the parent's problem itself
    follow_plan(language)
    click.get_current_context().find_root().call_on_close(lambda: follow_plan(None))
    if out.suffix.lower() != ".pdf":
        raise InputError(tr("{file}: this command writes a PDF; name it .pdf").format(file=out))


def _report(made: Any) -> None:
    from pipdocs.lifecycle.words import kind_word, role_words

    for warning in made.warnings:
        err(tr("warning: {message}").format(message=warning))
    record = made.record
    click.echo(tr("{file}: {kind} of {plan_id} version {version}, ready to sign by {order}"
                  " (follows {parent}…)").format(
        file=made.path, kind=kind_word(record.kind), plan_id=record.plan_id,
        version=record.plan_version, order=role_words(record.order, " → "),
        parent=record.parent_sha256[:16]))


def _quiet_libraries() -> None:
    import logging

    if not click.get_current_context().find_root().params.get("debug"):
        for name in ("pyhanko", "pyhanko_certvalidator"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _common(func: Any) -> Any:
    for option in (TEMPLATES_OPTION, POLICY_OPTION, CASE_OPTION, TRUST_OPTION):
        func = option(func)
    return click.option("-o", "--output", "out", type=OUT_PATH, required=True,
                        help="The prepared PDF to write.")(func)


def _input_command(name: str, parent: str, source: str, maker: Callable[[], Any],
                   summary: str) -> Any:
    """``pipdocs NAME PARENT SOURCE -o OUT``: a lifecycle document made from the PDF it follows
    and an input file. ``maker`` returns the library function when the command runs, so
    ``pipdocs --help`` imports none of the lifecycle code."""

    def command(out: Path, trust: tuple[Path, ...], case_dir: Path | None,
                policy_file: Path | None, templates: Path | None, **files: Path) -> None:
        _begin(out, files[parent])
        _report(maker()(files[parent], files[source], out,
                        _options(trust, policy_file, templates, case_dir, files[parent])))

    command = _common(command)
    command = click.argument(source, type=EXISTING_FILE)(command)
    command = click.argument(parent, type=EXISTING_FILE)(command)
    return cli.command(name, help=summary)(command)


def _checkin_maker() -> Any:
    from pipdocs.lifecycle.checkin import make_checkin

    return make_checkin


def _evaluation_maker() -> Any:
    from pipdocs.lifecycle.evaluation import make_evaluation

    return make_evaluation


def _refusal_maker() -> Any:
    from pipdocs.lifecycle.refusal import make_refusal

    return make_refusal


checkin_command = _input_command(
    "checkin", "signed_plan", "checkin_file", _checkin_maker,
    "Check-in record (回顾面谈记录) for a signed plan: manager, then employee, sign it.")
evaluate_command = _input_command(
    "evaluate", "signed_plan", "evaluation_file", _evaluation_maker,
    "Final evaluation (最终评估) of a signed plan: manager, HR, then the employee sign it.")
refusal_command = _input_command(
    "refusal", "document", "refusal_file", _refusal_maker,
    "Refusal record (拒签记录) for a document the employee would not sign: manager, then HR.")


@cli.command("revise")
@click.argument("signed_plan", type=EXISTING_FILE)
@click.argument("new_plan", type=EXISTING_FILE)
@click.option("--reason", required=True, help="Why the plan changes (printed on the revision).")
@click.option("--date", "when", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of the revision (YYYY-MM-DD; default: today).")
@_common
def revise_command(signed_plan: Path, new_plan: Path, reason: str, when: Any, out: Path,
                   trust: tuple[Path, ...], case_dir: Path | None, policy_file: Path | None,
                   templates: Path | None) -> None:
    """Revision (计划变更): version n+1 of a signed plan, signed again by all three."""
    from pipdocs.lifecycle.revise import make_revision

    _begin(out, signed_plan)
    day: date | None = when.date() if when else None
    _report(make_revision(signed_plan, new_plan, reason, out,
                          _options(trust, policy_file, templates, case_dir, signed_plan), day))


__all__ = ["checkin_command", "evaluate_command", "refusal_command", "revise_command"]


@cli.group("case")
def case_group() -> None:
    """A whole PIP case: plan, revisions, check-ins, refusals, the final evaluation."""


@case_group.command("verify")
@click.argument("paths", type=click.Path(path_type=Path, exists=False), nargs=-1, required=True)
@TRUST_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--report", "record", type=OUT_PATH, default=None,
              help="Also write the case's record: .pdf (in the case's language, timestamped,"
                   " for an arbitrator; pipdocs verify checks it) or .html (with the timeline).")
@click.option("--tsa", "tsa_url", default=None,
              help="Timestamp authority that seals a .pdf record (default: the policy's).")
@click.option("--tsa-dir", type=DIR_PATH, default=None,
              help="Timestamp a .pdf record in process with this CA's timestamping key.")
@RECORD_SEAL_OPTION
@POLICY_OPTION
def case_verify(paths: tuple[Path, ...], trust: tuple[Path, ...], as_json: bool,
                record: Path | None, tsa_url: str | None, tsa_dir: Path | None,
                seal_dir: Path | None, policy_file: Path | None) -> None:
    """Verify every document, then the chain; exit 0 only when the whole case holds."""
    import sys

    from pipdocs.core.errors import InputError
    from pipdocs.core.files import write_atomic
    from pipdocs.core.policy import load_policy
    from pipdocs.lifecycle.case import verify_case
    from pipdocs.lifecycle.casereport import render_html, render_text

    suffix = record.suffix.lower() if record is not None else ""
    if record is not None and suffix not in (".html", ".htm", ".pdf"):
        raise InputError(tr("--report {file}: name the record .pdf (timestamped) or"
                            " .html").format(file=record))
    _quiet_libraries()
    policy = load_policy(policy_file)
    stamper = organisation_seal = None
    if suffix == ".pdf" and record is not None:
        from pipdocs.cli.signing import tsa_password
        from pipdocs.pki.tsa import timestamper_for

        stamper = timestamper_for(tsa_url, tsa_dir, policy_url=policy.tsa_url,
                                  policy_oid=policy.tsa_policy_oid, timeout=policy.tsa_timeout,
                                  tsa_password=tsa_password)  # before the work: fail fast
        organisation_seal = record_seal(seal_dir, tsa_dir, policy, record)
    report = verify_case(list(paths), list(trust), policy)
    if record is not None and stamper is not None:
        from pipdocs.lifecycle.caseevidence import write_case_evidence_pdf

        write_case_evidence_pdf(report, record, timestamper=stamper, policy=policy,
                                organisation_seal=organisation_seal)
    elif record is not None:
        write_atomic(record, render_html(report).encode("utf-8"))
    click.echo(report.model_dump_json(indent=1) if as_json else render_text(report))
    sys.exit(0 if report.ok else 1)


@case_group.command("status")
@click.argument("folders", type=DIR_PATH, nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per case.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Judge as of this day (YYYY-MM-DD; default: today).")
def case_status_command(folders: tuple[Path, ...], as_json: bool, today: Any) -> None:
    """Where each case stands: next checkpoint, overdue check-ins, evaluation due."""
    import json

    from pipdocs.core.i18n import plan_language
    from pipdocs.lifecycle.status import case_folders, case_status, render_status

    day: date = today.date() if today else date.today()
    rows = [case_status(folder, day) for folder in case_folders(list(folders))]
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False,
                              indent=1))
    else:
        with plan_language(next((r.language for r in rows if r.language), None)):
            click.echo(render_status(rows, day))
