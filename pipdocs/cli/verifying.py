"""`pipdocs verify`: the verdict, as text, JSON, an HTML record or a timestamped PDF record."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pipdocs.cli.app import DIR_PATH, EXISTING_FILE, POLICY_OPTION, OutputFile, cli, err, sealer
from pipdocs.core.i18n import tr

RECORD_SEAL_OPTION = click.option(
    "--seal", "seal_dir", type=DIR_PATH, default=None, metavar="CA_DIR",
    help="Seal a .pdf record with the organisation's seal (CA_DIR/seal.p12; default: the"
         " --tsa-dir CA's, when it holds one), so it proves who made it; a record without it"
         " proves only when it was made. Password from $PIPDOCS_SEAL_PASSWORD, else"
         " $PIPDOCS_CA_PASSWORD.")


def record_seal(seal_dir: Path | None, tsa_dir: Path | None, policy: Any, record: Path) -> Any:
    """The organisation's seal key for a .pdf record (``--seal``, else the ``--tsa-dir`` CA's
    seal.p12), opened before the work; None, with a warning, when there is none."""
    from pipdocs.pki.seal import SEAL_P12
    from pipdocs.signing.seal import load_seal

    if seal_dir is None and tsa_dir is not None and (tsa_dir / SEAL_P12).exists():
        seal_dir = tsa_dir
    found = sealer(seal_dir, policy)
    if found is None:
        err(tr("warning: {record} will not be sealed by the organisation's seal, only"
               " timestamped: it proves when it was made, not who made it (pass --seal"
               " CA_DIR)").format(record=record))
        return None
    return load_seal(Path(found.ca_dir), found.password)


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
              help="Timestamp a .pdf record in process with this CA's timestamping key.")
@RECORD_SEAL_OPTION
@click.option("--validation-time", "validation_time", type=click.DateTime(
    ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]), default=None,
    help="Judge the record as of this time (UTC), e.g. 2031-06-30; default: now.")
@POLICY_OPTION
def verify_command(
    input_pdf: Path, trust: tuple[Path, ...], as_json: bool, allow_incomplete: bool,
    record: Path | None, tsa_url: str | None, tsa_dir: Path | None, seal_dir: Path | None,
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
    stamper = organisation_seal = None
    if record is not None and record.suffix.lower() == ".pdf":
        from pipdocs.cli.signing import tsa_password
        from pipdocs.pki.tsa import timestamper_for

        stamper = timestamper_for(tsa_url, tsa_dir, policy_url=policy.tsa_url,
                                  policy_oid=policy.tsa_policy_oid, timeout=policy.tsa_timeout,
                                  tsa_password=tsa_password)  # before the work: fail fast
        organisation_seal = record_seal(seal_dir, tsa_dir, policy, record)
    report = verify_pdf(input_pdf, list(trust), allow_incomplete, policy,
                        validation_time=validation_time)
    if stamper is not None and record is not None:
        from pipdocs.archive.evidence import write_evidence_pdf

        write_evidence_pdf(report, input_pdf, record, timestamper=stamper, policy=policy,
                           organisation_seal=organisation_seal)
    elif record is not None:
        write_atomic(record, render_html(report).encode("utf-8"))
    click.echo(to_json(report) if as_json else render_text(report), nl=as_json)
    sys.exit(0 if report.ok else 1)
