"""`pipdocs verify`: the verdict, as text, JSON, an HTML record or a timestamped PDF record."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from pipdocs.cli.app import DIR_PATH, EXISTING_FILE, POLICY_OPTION, OutputFile, cli


@cli.command("verify")
@click.argument("input_pdf", type=EXISTING_FILE)
@click.option("--trust", "trust", type=EXISTING_FILE, multiple=True,
              help="Root certificate (PEM/DER) to trust; repeat for more. Replaces the policy's"
                   " trust_anchors.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (schema: docs/verify-json-schema.json).")
@click.option("--allow-incomplete", is_flag=True,
              help="Accept a genuine document still waiting for later roles.")
@click.option("--report", "record", type=OutputFile(".pdf", ".html", ".htm"), default=None,
              help="Also write the verification record: .pdf (in the document's language,"
                   " timestamped, for the file or an arbitrator) or .html.")
@click.option("--tsa", "tsa_url", default=None,
              help="Timestamp authority that seals a .pdf record (default: the policy's).")
@click.option("--tsa-dir", type=DIR_PATH, default=None,
              help="Seal a .pdf record in process with this CA's timestamping key.")
@click.option("--validation-time", "validation_time", type=click.DateTime(
    ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]), default=None,
    help="Judge the record as of this time (UTC), e.g. 2031-06-30; default: now.")
@POLICY_OPTION
def verify_command(
    input_pdf: Path, trust: tuple[Path, ...], as_json: bool, allow_incomplete: bool,
    record: Path | None, tsa_url: str | None, tsa_dir: Path | None,
    validation_time: datetime | None, policy_file: Path | None,
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
    policy = load_policy(policy_file)
    stamper = None
    if record is not None and record.suffix.lower() == ".pdf":
        from pipdocs.cli.signing import tsa_password
        from pipdocs.pki.tsa import timestamper_for

        stamper = timestamper_for(tsa_url, tsa_dir, policy_url=policy.tsa_url,
                                  policy_oid=policy.tsa_policy_oid, timeout=policy.tsa_timeout,
                                  tsa_password=tsa_password)  # before the work: fail fast
    report = verify_pdf(input_pdf, list(trust), allow_incomplete, policy,
                        validation_time=validation_time)
    if stamper is not None and record is not None:
        from pipdocs.archive.evidence import write_evidence_pdf

        write_evidence_pdf(report, input_pdf, record, timestamper=stamper, policy=policy)
    elif record is not None:
        write_atomic(record, render_html(report).encode("utf-8"))
    click.echo(to_json(report) if as_json else render_text(report), nl=as_json)
    sys.exit(0 if report.ok else 1)
