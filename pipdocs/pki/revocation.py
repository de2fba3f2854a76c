"""Revocation for the organisation CA: where its services live, the revocation list, the CRL.

A stolen or misused signer key must be revocable, and every verifier years later must be able to
tell whether it was revoked before or after a signature. The CA directory gains::

    ca.json     where the CA's services are reached (public_url) - written by ``ca init``
    revoked.log one JSON line per revocation: serial, time, reason (append-only)
    crl.der     the current CRL, signed by the root; rewritten by ``ca revoke`` and ``ca crl``
    ocsp.pem    the OCSP responder's certificate (id-kp-OCSPSigning, ocsp-nocheck)
    ocsp.key    its key, encrypted like the TSA key: the server answers without the root key

Every certificate issued by a CA with a ``public_url`` carries ``URL/crl`` as its CRL
distribution point and ``URL/ocsp`` as its OCSP address (see :func:`revocation_extensions`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import AuthorityInformationAccessOID

from pipdocs.core.errors import CAError, InputError
from pipdocs.core.files import write_atomic

CONFIG, REVOKED_LOG, CRL_FILE = "ca.json", "revoked.log", "crl.der"
OCSP_CERT, OCSP_KEY = "ocsp.pem", "ocsp.key"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:3161/"
CRL_DAYS = 30  # a CRL is good for a month: run 'pipdocs ca crl' (or any revoke) before then
REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "privilege_withdrawn": x509.ReasonFlags.privilege_withdrawn,
    "ca_compromise": x509.ReasonFlags.ca_compromise,
}


@dataclass(frozen=True)
class Revocation:
    """One entry of ``revoked.log``."""

    serial: int
    when: datetime
    reason: str


def normalise_url(url: str) -> str:
    """``http(s)://host[:port]/path/`` with a trailing slash; InputError for anything else."""
    url = url.strip()
    if not url.startswith(("http://", "https://")) or len(url.split("/", 3)[2]) == 0:
        raise InputError(f"--public-url '{url}' is not an http:// or https:// URL")
    return url if url.endswith("/") else url + "/"


def write_config(ca_dir: Path, public_url: str | None) -> None:
    """Record where the CA's services are reached (``ca init --public-url``)."""
    config: dict[str, Any] = {"public_url": normalise_url(public_url) if public_url else None}
    write_atomic(ca_dir / CONFIG, (json.dumps(config, indent=2) + "\n").encode(), 0o644)


def public_url(ca_dir: Path) -> str | None:
    """The recorded service URL, or None for a CA made before revocation existed."""
    try:
        config = json.loads((ca_dir / CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CAError(f"{ca_dir / CONFIG}: unreadable ({exc}); restore it from a backup") from exc
    url = config.get("public_url")
    return str(url) if url else None


def revocation_extensions(ca_dir: Path) -> list[x509.ExtensionType]:
    """CRL distribution point and OCSP address for a certificate the CA issues now."""
    return extensions_for(public_url(ca_dir))


def extensions_for(url: str | None) -> list[x509.ExtensionType]:
    """URL/crl as CRL distribution point, URL/ocsp as OCSP address (none without a URL)."""
    if not url:
        return []
    crl = x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(url + "crl")], relative_name=None,
        reasons=None, crl_issuer=None)])
    aia = x509.AuthorityInformationAccess([x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(url + "ocsp"))])
    return [crl, aia]


def read_revocations(ca_dir: Path) -> dict[int, Revocation]:
    """Every revoked serial (the first revocation of a serial counts)."""
    found: dict[int, Revocation] = {}
    try:
        lines = (ca_dir / REVOKED_LOG).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return found
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            item = Revocation(int(entry["serial"], 16), datetime.fromisoformat(entry["revoked"]),
                              str(entry["reason"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise CAError(f"{ca_dir / REVOKED_LOG} line {number}: damaged ({exc})") from exc
        found.setdefault(item.serial, item)
    return found


def issued_serials(ca_dir: Path) -> dict[int, dict[str, Any]]:
    """serial -> issued.log record, for every certificate this CA issued."""
    records: dict[int, dict[str, Any]] = {}
    try:
        lines = (ca_dir / "issued.log").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise CAError(f"{ca_dir}: no issued.log; is it a CA made by 'pipdocs ca init'?") from exc
    for line in lines:
        if line.strip():
            record = json.loads(line)
            records[int(record["serial"], 16)] = record
    return records


def revoke(
    ca_dir: Path, root: x509.Certificate, key: Any, *, serial: int | None = None,
    email: str | None = None,
    reason: str = "unspecified", when: datetime | None = None,
) -> list[Revocation]:
    """Revoke one certificate (by serial) or every signer certificate of an e-mail, then
    publish a new CRL. ``when`` (default now) is the revocation time the CRL and OCSP state.
    ``root`` and ``key`` are the CA's (``ca.load_ca``): nothing is written without them."""
    if reason not in REASONS:
        raise InputError(f"--reason '{reason}' is not one of {', '.join(REASONS)}")
    if (serial is None) == (email is None):
        raise InputError("give either --serial N or --email E")
    issued = issued_serials(ca_dir)
    done = read_revocations(ca_dir)
    if serial is not None:
        if serial not in issued:
            raise InputError(f"serial {serial:x} was not issued by the CA in {ca_dir}")
        targets = [serial]
    else:
        wanted = (email or "").strip().casefold()
        targets = [s for s, r in issued.items()
                   if r.get("kind") == "signer" and (r.get("email") or "").casefold() == wanted]
        if not targets:
            raise InputError(f"no signer certificate for {email} in {ca_dir}/issued.log")
    if root.serial_number in targets:
        raise InputError("the root certificate cannot revoke itself; make a new CA instead")
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    new = [Revocation(s, moment, reason) for s in targets if s not in done]
    if not new:
        raise InputError("already revoked: " + ", ".join(f"{s:x}" for s in targets))
    lines = "".join(json.dumps({"serial": format(r.serial, "x"), "revoked": r.when.isoformat(),
                                "reason": r.reason}) + "\n" for r in new)
    fd = os.open(ca_dir / REVOKED_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, lines.encode("utf-8"))
    finally:
        os.close(fd)
    publish_crl(ca_dir, root, key)
    return new


def build_crl(
    ca_dir: Path, root: x509.Certificate, key: Any, now: datetime | None = None
) -> bytes:
    """A DER CRL of every revocation, signed by the root (cryptography's CRL builder)."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now)
        .next_update(now + timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                       critical=False)
    )
    for item in read_revocations(ca_dir).values():
        entry = (
            x509.RevokedCertificateBuilder().serial_number(item.serial)
            .revocation_date(item.when)
            .add_extension(x509.CRLReason(REASONS[item.reason]), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


def publish_crl(ca_dir: Path, root: x509.Certificate, key: Any) -> Path:
    """Write a fresh ``crl.der`` (what the server hands out at URL/crl)."""
    write_atomic(ca_dir / CRL_FILE, build_crl(ca_dir, root, key), 0o644)
    return ca_dir / CRL_FILE


def issue_responder(
    ca_dir: Path, root: x509.Certificate, root_key: Any, password: str, end: datetime,
) -> x509.Certificate:
    """The delegated OCSP responder (``ocsp.pem``/``ocsp.key``): signs OCSP answers so the
    server never needs the root key. It carries ocsp-nocheck (RFC 6960 4.2.2.2.1)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    org = root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    name = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(org[0].value))] if org else []
    name.append(x509.NameAttribute(NameOID.COMMON_NAME, "OCSP Responder"))
    start = datetime.now(timezone.utc) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name(name)).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(min(end, root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                     False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=True)
        .add_extension(x509.OCSPNoCheck(), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("utf-8")))
    write_atomic(ca_dir / OCSP_KEY, encrypted, 0o600)
    write_atomic(ca_dir / OCSP_CERT, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert
