"""``archive refresh``: fresh validation data and a new archive timestamp on a signed record.

A record's evidence lasts as long as its last timestamp's certificate. Before that expires, a
refresh adds the current CRL/OCSP answers for every certificate in the record (signers, TSAs,
the new TSA) and a document timestamp over all of it (PAdES B-LTA, ETSI EN 319 142-1 5.6):
the new timestamp proves that the older evidence existed while it was still valid. A record
that no longer verifies is not refreshed: sealing it would only hide the problem. A record that
stops verifying *because of* the fresh status (a key revoked before it signed, which only now
shows) keeps it as evidence and is reported: the refresh then fails (exit 1), naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from pipdocs.core.errors import InputError, SigningRefused
from pipdocs.core.files import not_regular, read_input, write_atomic
from pipdocs.core.policy import Policy
from pipdocs.document.pdfread import open_pdf
from pipdocs.signing.revinfo import tsa_certificates

ARCHIVE_FIELD = "archive_ts_{n}"


@dataclass(frozen=True)
class Refreshed:
    path: Path
    field: str
    tsa: str
    tsa_not_after: datetime
    problem: str | None = None  # why it stopped verifying with the fresh status, if it did


def pdf_files(paths: Sequence[Path]) -> list[Path]:
    """Every PDF named, or found (recursively) in a directory named; InputError for neither."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.pdf") if p.is_file()))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise not_regular(path, "PDF")  # a pipe or a device would hang or never end
        else:
            raise InputError(f"{path}: no such file or directory")
    return found


#: Problems a refresh exists to cure: a signer's status issued after its signature is what
#: the refresh fetches (a record signed while OCSP was down, or before pipdocs fetched it).
CURED_BY_REFRESH = frozenset({"revocation_not_established"})


def refresh_pdf(path: Path, *, timestamper: Any, policy: Policy, trust: Sequence[Path],
                out: Path | None = None) -> Refreshed:
    """Verify, then add fresh validation data and an archive timestamp (atomically, in place
    unless ``out``), then verify again. SigningRefused when the record does not verify now
    (but for what the refresh cures); ``Refreshed.problem`` names why a record that verified
    before stops verifying with the current status (a key since revoked, before it signed)."""

    from pipdocs.signing.freshness import archive_with_status
    from pipdocs.verification.verify import verify_pdf

    report = verify_pdf(path, list(trust), False, policy)
    blocking = [p for p in report.problems if p.code not in CURED_BY_REFRESH]
    if not report.ok and (blocking or not report.problems):
        first = blocking[0].message if blocking else report.verdict
        raise SigningRefused(f"{path}: not refreshed, the record does not verify ({first})")
    data = read_input(path, "PDF")
    taken = {emb.field_name for emb in open_pdf(data, path).embedded_signatures}
    n = 1
    while ARCHIVE_FIELD.format(n=n) in taken:
        n += 1
    name = ARCHIVE_FIELD.format(n=n)
    anchors = [x509.load_der_x509_certificate(a.dump()) for a in _anchors(trust, policy)]
    done = archive_with_status(data, timestamper=timestamper, field_name=name,
                               timeout=policy.tsa_timeout, anchors=anchors)
    write_atomic(out or path, done.data)
    after = verify_pdf(out or path, list(trust), False, policy)
    problem = None if after.ok else (after.problems[0].message if after.problems
                                     else after.verdict)
    from pipdocs.verification.ltv import common_name_of

    tsa = next(c for c in tsa_certificates(timestamper) if c.issuer != c.subject)
    return Refreshed(out or path, name, common_name_of(tsa), tsa.not_valid_after_utc, problem)


def _anchors(trust: Sequence[Path], policy: Policy) -> list[Any]:
    from pipdocs.verification.collect import load_trust_anchors

    return [cert for _, cert in load_trust_anchors(list(trust) or policy.trust_anchor_paths())]
