"""What the CA issued: ``issued.log`` (one JSON line per certificate, which the OCSP responder
answers for) and the summary ``ca init`` / ``ca issue`` return. Every path that issues a
certificate (ca, renewal, the browser's short-lived certificates) records it here."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from pipdocs.core.identity import cert_email

ISSUED_LOG = "issued.log"


@dataclass(frozen=True)
class IssuedCert:
    """What ``ca init`` / ``ca issue`` produced: where, whose, serial and validity."""

    path: Path
    subject: str
    email: str | None
    serial: int
    not_before: datetime
    not_after: datetime
    fingerprint: str = ""  # SHA-256 of the certificate, to compare out of band


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate as people compare it out of band (AA:BB:…)."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def log_issued(ca_dir: Path, cert: x509.Certificate, kind: str) -> None:
    """One JSON line per certificate; a single O_APPEND write so concurrent issuers don't mix."""
    record: dict[str, Any] = {
        "issued": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "kind": kind,
        "serial": format(cert.serial_number, "x"),
        "subject": cert.subject.rfc4514_string(),
        "email": cert_email(cert),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(ca_dir / ISSUED_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
