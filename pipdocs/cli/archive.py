"""Archive commands: keep signed records verifiable for years (refresh, status)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipdocs.cli.app import DIR_PATH, EXISTING_FILE, POLICY_OPTION, cli, err, password_from_env
from pipdocs.cli.signing import ca, tsa_password
from pipdocs.core.i18n import tr

TRUST_OPTION = click.option(
    "--trust", "trust", type=EXISTING_FILE, multiple=True,
    help="Root certificate to trust (default: the policy's trust_anchors).")


@cli.group()
def archive() -> None:
    """Long-term records: fresh validation data and archive timestamps (PAdES B-LTA)."""


@archive.command("refresh")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--tsa", "tsa_url", default=None, help="RFC 3161 timestamp authority URL.")
@click.option("--tsa-dir", type=DIR_PATH, default=None, help="Timestamp in process with this CA.")
@TRUST_OPTION
@POLICY_OPTION
def archive_refresh(paths: tuple[Path, ...], tsa_url: str | None, tsa_dir: Path | None,
                    trust: tuple[Path, ...], policy_file: Path | None) -> None:
    """Add fresh CRL/OCSP data and a new archive timestamp to each record (FILE... or DIR)."""
    from pipdocs.archive.refresh import pdf_files, refresh_pdf
    from pipdocs.core.errors import PipdocsError
    from pipdocs.core.policy import load_policy
    from pipdocs.pki.tsa import timestamper_for

    policy = load_policy(policy_file)
    files = pdf_files(paths)
    if not files:
        raise click.UsageError("no PDF found in the given paths")
    stamper = timestamper_for(tsa_url, tsa_dir, policy_url=policy.tsa_url,
                              policy_oid=policy.tsa_policy_oid, timeout=policy.tsa_timeout,
                              tsa_password=tsa_password)
    failed = 0
    for path in files:
        try:
            done = refresh_pdf(path, timestamper=stamper, policy=policy, trust=list(trust))
        except PipdocsError as exc:  # one bad record never costs the others
            err(f"error: {exc}")
            failed += 1
            continue
        click.echo(tr("{path}: refreshed ({field}, {tsa}, good until {until})").format(
            path=path, field=done.field, tsa=done.tsa, until=f"{done.tsa_not_after:%Y-%m-%d}"))
        if done.problem is not None:  # the fresh status shows what the old one hid
            err(tr("error: {path} no longer verifies: {problem}").format(
                path=path, problem=done.problem))
            failed += 1
    sys.exit(1 if failed else 0)


@archive.command("status")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per record, as a list.")
@TRUST_OPTION
@POLICY_OPTION
def archive_status(paths: tuple[Path, ...], as_json: bool, trust: tuple[Path, ...],
                   policy_file: Path | None) -> None:
    """List records, how long each stays verifiable, and the date to refresh it by."""
    from pipdocs.archive.status import directory_status
    from pipdocs.core.policy import load_policy

    rows = directory_status(paths, load_policy(policy_file), list(trust))
    if as_json:
        click.echo(json.dumps([{
            "file": str(r.path), "state": r.state, "level": r.level,
            "verifiable_until": r.verifiable_until.isoformat() if r.verifiable_until else None,
            "refresh_by": r.refresh_by.isoformat() if r.refresh_by else None, "note": r.note,
        } for r in rows], ensure_ascii=False, indent=2))
    else:
        from pipdocs.archive.status import render_rows

        click.echo(render_rows(rows))
    sys.exit(0 if all(r.state == "ok" for r in rows) else 1)


@ca.command("renew-tsa")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory.")
@click.option("--days", type=click.IntRange(1, 36500), default=3650, show_default=True,
              help="Validity of the new timestamping certificate.")
def ca_renew_tsa(ca_dir: Path, days: int) -> None:
    """Roll the TSA key and certificate over; the old one stays valid for what it stamped."""
    import os

    from pipdocs.pki.renewal import renew_tsa

    ca_password = password_from_env("PIPDOCS_CA_PASSWORD", "CA password")
    cert = renew_tsa(ca_dir, ca_password, os.environ.get("PIPDOCS_TSA_PASSWORD") or None,
                     days=days)
    click.echo(f"{cert.path}: new timestamping certificate, serial {cert.serial:x}, valid until"
               f" {cert.not_after:%Y-%m-%d}; restart 'pipdocs ca serve'")
