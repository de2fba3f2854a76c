"""`pipdocs verify`: the verdict, as text, JSON or an HTML record."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipdocs.cli.app import EXISTING_FILE, POLICY_OPTION, OutputFile, cli


@cli.command("verify")
@click.argument("input_pdf", type=EXISTING_FILE)
@click.option("--trust", "trust", type=EXISTING_FILE, multiple=True,
              help="Root certificate (PEM/DER) to trust; repeat for more. Replaces the policy's"
                   " trust_anchors.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (schema: docs/verify-json-schema.json).")
@click.option("--allow-incomplete", is_flag=True,
              help="Accept a genuine document still waiting for later roles.")
@click.option("--report", "record", type=OutputFile(".html", ".htm"), default=None,
              help="Also write a one-page verification record (.html) for the personnel file.")
@POLICY_OPTION
def verify_command(
    input_pdf: Path, trust: tuple[Path, ...], as_json: bool, allow_incomplete: bool,
    record: Path | None, policy_file: Path | None,
) -> None:
    """Verify a signed plan: who signed, when, in order, unchanged since; exit 0 only then."""
    import logging

    from pipdocs.core.files import write_atomic
    from pipdocs.core.policy import load_policy
    from pipdocs.verification.report import render_html, render_text, to_json
    from pipdocs.verification.verify import verify_pdf

    if not click.get_current_context().find_root().params.get("debug"):
        for name in ("pyhanko", "pyhanko_certvalidator"):  # their findings are in the report
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    report = verify_pdf(input_pdf, list(trust), allow_incomplete, load_policy(policy_file))
    if record is not None:
        write_atomic(record, render_html(report).encode("utf-8"))
    click.echo(to_json(report) if as_json else render_text(report), nl=as_json)
    sys.exit(0 if report.ok else 1)
