"""Revocation commands: ``ca revoke``, ``ca crl``, ``ca renew-tsa``."""

from __future__ import annotations

from pathlib import Path

import click

from pipdocs.cli.app import DIR_PATH, OUT_PATH, password_from_env
from pipdocs.cli.signing import ca

REASON_NAMES = ["unspecified", "key_compromise", "affiliation_changed", "superseded",
                "cessation_of_operation", "privilege_withdrawn", "ca_compromise"]


@ca.command("revoke")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory.")
@click.option("--serial", default=None, help="Serial number (hex, as 'ca issue' printed it).")
@click.option("--email", default=None, help="Revoke every signer certificate of this e-mail.")
@click.option("--reason", type=click.Choice(REASON_NAMES), required=True)
def ca_revoke(ca_dir: Path, serial: str | None, email: str | None, reason: str) -> None:
    """Revoke a certificate and publish a new CRL; OCSP answers 'revoked' at once."""
    from pipdocs.core.errors import InputError
    from pipdocs.pki.ca import load_ca
    from pipdocs.pki.revocation import revoke

    number = None
    if serial is not None:
        try:
            number = int(serial.replace(":", ""), 16)
        except ValueError as exc:
            raise InputError(f"--serial '{serial}' is not a hexadecimal serial number") from exc
    root, key = load_ca(ca_dir, password_from_env("PIPDOCS_CA_PASSWORD", "CA password"))
    for item in revoke(ca_dir, root, key, serial=number, email=email, reason=reason):
        click.echo(f"revoked serial {item.serial:x} on {item.when:%Y-%m-%d %H:%M:%S} UTC"
                   f" ({item.reason})")


@ca.command("crl")
@click.option("--dir", "ca_dir", type=DIR_PATH, required=True, help="CA directory.")
@click.option("-o", "--output", "out", type=OUT_PATH, default=None,
              help="Also write the CRL (DER) here.")
def ca_crl(ca_dir: Path, out: Path | None) -> None:
    """Publish a fresh CRL (DIR/crl.der, served at URL/crl); run it at least monthly."""
    from pipdocs.core.files import check_output, write_atomic
    from pipdocs.pki.ca import load_ca
    from pipdocs.pki.revocation import publish_crl

    if out is not None:
        check_output(out)
    root, key = load_ca(ca_dir, password_from_env("PIPDOCS_CA_PASSWORD", "CA password"))
    path = publish_crl(ca_dir, root, key)
    if out is not None:
        write_atomic(out, path.read_bytes(), 0o644)
    click.echo(f"{out or path}: CRL published")
