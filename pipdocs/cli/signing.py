"""Signing commands: the organisation CA, the timestamp server, sign."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipdocs.cli.app import (
    DIR_PATH,
    EXISTING_FILE,
    OUT_PATH,
    POLICY_OPTION,
    ROLE_CHOICE,
    cli,
    err,
    password_from_env,
)
from pipdocs.core.i18n import plan_language, tr

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import TimeStamper


def tsa_password() -> str:
    """The TSA key's password: PIPDOCS_TSA_PASSWORD if the organisation set one, else the CA's."""
    if os.environ.get("PIPDOCS_TSA_PASSWORD"):
        return os.environ["PIPDOCS_TSA_PASSWORD"]
    return password_from_env("PIPDOCS_CA_PASSWORD", "CA password (unlocks the TSA key)")


@cli.group()
def ca() -> None:
    """Organisation CA: root certificate, timestamping key, signer keys (.p12)."""


@ca.command("init")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="New CA directory.")
@click.option("--org", required=True,
              help="Organisation name (any language, at most 64 characters).")
@click.option("--public-url", default="http://127.0.0.1:3161/", show_default=True,
              help="Where 'ca serve' is reached: certificates name URL/crl and URL/ocsp.")
def ca_init(ca_dir: Path, org: str, public_url: str) -> None:
    """Create a root CA and a timestamping certificate; DIR/root.pem is what verifiers trust.

    The CA password (PIPDOCS_CA_PASSWORD) needs at least 8 characters, not only spaces,
    with at least 5 different characters.
    """
    from pipdocs.pki.ca import init_ca

    password = password_from_env("PIPDOCS_CA_PASSWORD", "New CA password", confirm=True)
    root = init_ca(ca_dir, org, password, os.environ.get("PIPDOCS_TSA_PASSWORD") or None,
                   public_url=public_url)
    click.echo(f"{ca_dir}: CA for {org} created; verifiers trust {root.path}")
    click.echo(f"revocation: {public_url.rstrip('/')}/crl and /ocsp (run 'pipdocs ca serve')")
    click.echo(f"root SHA-256 fingerprint: {root.fingerprint}")


@ca.command("issue")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory.")
@click.option("--name", required=True, help="Signer's name, as the plan spells it.")
@click.option("--email", required=True, help="Signer's e-mail, as the plan gives it.")
@click.option("-o", "--output", "out", type=OUT_PATH, required=True,
              help="The .p12 to write.")
@click.option("--days", type=click.IntRange(1, 3650), default=730, show_default=True,
              help="Validity of the certificate.")
def ca_issue(ca_dir: Path, name: str, email: str, out: Path, days: int) -> None:
    """Issue a signer's key and certificate as a password-protected .p12 (mode 0600)."""
    from pipdocs.pki.ca import issue_signer

    ca_password = password_from_env("PIPDOCS_CA_PASSWORD", "CA password")
    key_password = password_from_env("PIPDOCS_KEY_PASSWORD", f"Password for {out}", confirm=True)
    cert = issue_signer(ca_dir, name, email, out, ca_password, key_password, days=days)
    click.echo(
        f"{out}: key for {name} <{email}>, serial {cert.serial:x},"
        f" valid until {cert.not_after:%Y-%m-%d}"
    )


@ca.command("issue-seal")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory.")
def ca_issue_seal(ca_dir: Path) -> None:
    """Issue the organisation's seal key (CA_DIR/seal.p12, 0600), used by pdf/bulk --seal."""
    import os

    from pipdocs.pki.seal import SEAL_PASSWORD_ENV, issue_seal

    ca_password = password_from_env("PIPDOCS_CA_PASSWORD", "CA password")
    seal_password = os.environ.get(SEAL_PASSWORD_ENV) or None
    issued = issue_seal(ca_dir, ca_password, seal_password)
    click.echo(f"{issued.path}: seal key for {issued.subject}, valid until"
               f" {issued.not_after:%Y-%m-%d}; seal documents with 'pipdocs pdf --seal {ca_dir}'")


@cli.group()
def tsa() -> None:
    """RFC 3161 timestamp authority."""


@ca.command("serve")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory (tsa.pem/.key).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=3161, show_default=True)
@POLICY_OPTION
def ca_serve(ca_dir: Path, host: str, port: int, policy_file: Path | None) -> None:
    """Serve RFC 3161 timestamps (POST /), the CRL (GET /crl) and OCSP (/ocsp) until stopped."""
    from pipdocs.core.policy import load_policy
    from pipdocs.pki.server import make_ca_server

    policy = load_policy(policy_file)
    server = make_ca_server(ca_dir, tsa_password(), policy.tsa_policy_oid, host, port)
    err(f"timestamp authority, CRL and OCSP listening on {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err("timestamp authority stopped")
    finally:
        server.server_close()


tsa.add_command(ca_serve, "serve")  # 'tsa serve' is the same server (older name)


@cli.command("sign")
@click.argument("input_pdf", type=EXISTING_FILE)
@click.option("--role", type=ROLE_CHOICE, required=True, help="Which box to sign.")
@click.option("--key", "key_file", type=EXISTING_FILE, required=True, help="Signer's .p12.")
@click.option("-o", "--output", "out", type=OUT_PATH, required=True, help="The signed PDF.")
@click.option("--tsa", "tsa_url", default=None, help="RFC 3161 timestamp authority URL.")
@click.option("--tsa-dir", type=DIR_PATH, default=None, help="Timestamp in process with this CA.")
@click.option("--reason", default=None, help="Replace the policy's reason text.")
@click.option("--comment", default=None,
              help="Employee's comment (at most 500 characters), recorded with the reason.")
@click.option("--agree/--acknowledge", default=False,
              help="Employee: agree to the plan, or (default) acknowledge receipt.")
@click.option("--disagree", is_flag=True, default=False,
              help="Employee: acknowledge receipt but disagree (add the reasons with --comment).")
@POLICY_OPTION
def sign_command(
    input_pdf: Path, role: str, key_file: Path, out: Path, tsa_url: str | None,
    tsa_dir: Path | None, reason: str | None, comment: str | None, agree: bool, disagree: bool,
    policy_file: Path | None,
) -> None:
    """Sign a prepared plan PDF as employee, manager or HR (PAdES + RFC 3161 timestamp)."""
    from pipdocs.core.policy import load_policy
    from pipdocs.pki.tsa import timestamper_for
    from pipdocs.signing.sign import load_signer, sign_pdf

    if tsa_url and tsa_dir:  # before any prompt: a usage mistake must not cost a password
        raise click.UsageError("give either --tsa URL or --tsa-dir DIR, not both")
    policy = load_policy(policy_file)
    # A comment too long, or --agree with --disagree, is refused before any password is asked.
    policy.reason("employee", "en", agree=agree, disagree=disagree, comment=comment)
    password = password_from_env("PIPDOCS_KEY_PASSWORD", f"Password for {key_file}")
    signer = load_signer(key_file, password)

    def timestamper() -> TimeStamper:  # made after the document's checks passed
        return timestamper_for(
            tsa_url, tsa_dir, policy_url=policy.tsa_url, policy_oid=policy.tsa_policy_oid,
            timeout=policy.tsa_timeout, tsa_password=tsa_password,
        )

    result = sign_pdf(
        input_pdf, out, role=role, signer=signer, timestamper=timestamper, policy=policy,
        reason=reason, comment=comment, agree=agree, disagree=disagree,
    )
    with plan_language(result.language):  # the document's language, as its stamp
        extra = tr(" (certified: only the pending signature fields may be filled)") \
            if result.certified else tr(" (locked: no further changes allowed)") \
            if result.locked else ""
        label = policy.role_label(role, "zh") if result.language == "zh" else role
        click.echo(tr("{path}: signed as {role} by {signer} <{email}>{extra}").format(
            path=result.path, role=label, signer=result.signer, email=result.email, extra=extra))
        if result.pending_revocation:  # a CRL from before the signature, OCSP not answering
            err(tr("warning: {path}: revocation not yet established for {names}: no status"
                   " issued after the signature could be fetched, so verify will not accept it"
                   " until 'pipdocs archive refresh' adds one").format(
                path=result.path, names=", ".join(result.pending_revocation)))
