"""Evidence that holds years later: revocation (CRL/OCSP), PAdES B-LT/B-LTA, archive refresh.

One organisation CA served over HTTP on loopback (its certificates name that server's /crl and
/ocsp), whose first timestamping certificate lives 400 days, so "after the first TSA
certificate has expired" is a validation time 500 days from now (pyHanko's validation time,
no clock games).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from helpers import free_port
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from pipdocs.cli.main import cli
from pipdocs.core.errors import RevocationUnavailable, SigningRefused
from pipdocs.core.plan import ROLES, Plan, load_plan
from pipdocs.core.policy import load_policy
from pipdocs.demo import example_plan
from pipdocs.pki.ca import init_ca, issue_signer, load_ca
from pipdocs.pki.renewal import renew_tsa
from pipdocs.pki.revocation import revoke
from pipdocs.pki.server import CAServer, make_ca_server
from pipdocs.pki.tsa import CheckedHTTPTimeStamper
from pipdocs.signing.sign import load_signer, sign_pdf
from pipdocs.verification.ltv import signature_token, token_time
from pipdocs.verification.verify import verify_pdf

POLICY = load_policy()
ENV = {"PIPDOCS_CA_PASSWORD": "ca-secret", "PIPDOCS_KEY_PASSWORD": "key-secret"}
LATER = timedelta(days=500)  # past the first TSA certificate (400 days)


@dataclass
class World:
    root: Path
    ca: Path
    server: CAServer
    plan: Plan
    keys: dict[str, Path] = field(default_factory=dict)
    records: dict[str, Path] = field(default_factory=dict)

    @property
    def anchor(self) -> Path:
        return self.ca / "root.pem"

    def sign_all(self, name: str, keys: dict[str, Path] | None = None) -> Path:
        prev = self.root / "prepared.pdf"
        for number, role in enumerate(ROLES, 1):
            out = self.root / f"{name}-{number}.pdf"
            signer = load_signer((keys or self.keys)[role], "key-secret")
            sign_pdf(prev, out, role=role, signer=signer, policy=POLICY,
                     timestamper=CheckedHTTPTimeStamper(self.server.url))
            prev = out
        return prev

    def copy(self, src: Path, name: str) -> Path:
        dst = self.root / f"{name}.pdf"
        shutil.copyfile(src, dst)
        return dst


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory,
          prepared: dict[str, tuple[Plan, Path]]) -> Iterator[World]:
    root = tmp_path_factory.mktemp("ltv")
    ca = root / "ca"
    port = free_port()
    init_ca(ca, "Archive Org 档案", "ca-secret", public_url=f"http://127.0.0.1:{port}/")
    renew_tsa(ca, "ca-secret", days=400)  # a short-lived first TSA certificate
    server = make_ca_server(ca, "ca-secret", POLICY.tsa_policy_oid, "127.0.0.1", port, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    plan, pdf = prepared["en"]
    w = World(root, ca, server, plan)
    shutil.copyfile(pdf, root / "prepared.pdf")
    w.records["zh-prepared"] = prepared["zh"][1]
    for role in ROLES:
        w.keys[role] = root / f"{role}.p12"
        person = plan.person(role)
        issue_signer(ca, person.name, person.email, w.keys[role], "ca-secret", "key-secret")
    w.records["signed"] = w.sign_all("a")
    yield w
    server.shutdown()
    server.server_close()


def cli_run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    return result.exit_code, result.output


# --- what every signature now carries ----------------------------------------------------------


def test_certificates_name_the_crl_and_ocsp_of_the_ca_server(world: World) -> None:
    for path in (world.ca / "tsa.pem",):
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        assert cdp[0].full_name[0].value == world.server.url + "crl"  # type: ignore[index]
        assert aia[0].access_location.value == world.server.url + "ocsp"


def test_record_is_b_lta_and_pyhanko_accepts_it_with_revocation_required(world: World) -> None:
    import asyncio

    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    from pipdocs.verification.collect import load_trust_anchors

    required = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build([c for _, c in
                                                    load_trust_anchors([world.anchor])]),
            revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(required, required)))))
    with world.records["signed"].open("rb") as handle:
        reader = PdfFileReader(handle)
        assert [s.field_name for s in reader.embedded_timestamp_signatures] == ["archive_ts_1"]
        for sig in reader.embedded_regular_signatures:
            result = asyncio.run(ades_lta_validation(sig, spec))
            assert result.ades_subindic.name == "OK", (sig.field_name, result.ades_subindic)
    report = verify_pdf(world.records["signed"], [world.anchor], policy=POLICY)
    assert report.ok and report.long_term and report.long_term.level == "B-LTA"
    assert {r.status for r in report.long_term.revocation} == {"good"}
    assert {r.role for r in report.long_term.revocation} == {"signer", "timestamp"}
    assert "revocation checking is soft-fail" not in report.revocation


@pytest.mark.skipif(not (shutil.which("pdfsig") and shutil.which("certutil")),
                    reason="poppler-utils and libnss3-tools are needed")
def test_pdfsig_trusts_every_signature_checking_ocsp_online(world: World) -> None:
    nss = world.root / "nss"
    nss.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True)
    subprocess.run(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(world.anchor),
                    "-d", f"sql:{nss}"], check=True)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(world.records["signed"])],
                         capture_output=True, text=True).stdout
    assert out.count("Signature is Valid") == 3 and out.count("Certificate is Trusted") == 3, out


# --- stripping the evidence is noticed ------------------------------------------------------------


def test_a_removed_archive_timestamp_is_noticed(world: World, tmp_path: Path) -> None:
    data = world.records["signed"].read_bytes()
    with BytesIO(data) as handle:
        reader = PdfFileReader(handle)
        hr = next(s for s in reader.embedded_regular_signatures if s.field_name == "sig_hr")
        end = hr.byte_range[2] + hr.byte_range[3]
    cut = data[:end]
    cut += b"" if cut.endswith(b"\n") else b"\n"
    path = tmp_path / "no-archive-ts.pdf"
    path.write_bytes(cut)
    report = verify_pdf(path, [world.anchor], policy=POLICY)
    assert not report.ok and "lta_missing" in {p.code for p in report.problems}


def test_a_stripped_dss_is_noticed(world: World, tmp_path: Path) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(world.records["signed"].read_bytes()))
    del writer.root["/DSS"]
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    path = tmp_path / "no-dss.pdf"
    path.write_bytes(out.getvalue())
    report = verify_pdf(path, [world.anchor], policy=POLICY)
    codes = {p.code for p in report.problems}
    assert not report.ok and "revocation_data_missing" in codes, codes
    assert report.long_term and not report.long_term.dss


# --- revocation ---------------------------------------------------------------------------------


def test_a_revoked_key_cannot_sign(world: World, tmp_path: Path) -> None:
    person = world.plan.person("employee")
    key = tmp_path / "revoked.p12"
    issue_signer(world.ca, person.name, person.email, key, "ca-secret", "key-secret")
    serial = x509.load_der_x509_certificate(
        load_signer(key, "key-secret").signer.signing_cert.dump()).serial_number
    code, out = cli_run("ca", "revoke", "--dir", world.ca, "--serial", format(serial, "x"),
                        "--reason", "key_compromise")
    assert code == 0 and "revoked serial" in out, out
    with pytest.raises(SigningRefused, match="revoked on .*key compromise"):
        sign_pdf(world.root / "prepared.pdf", tmp_path / "x.pdf", role="employee",
                 signer=load_signer(key, "key-secret"), policy=POLICY,
                 timestamper=CheckedHTTPTimeStamper(world.server.url))
    assert not (tmp_path / "x.pdf").exists()
    code, out = cli_run("sign", world.root / "prepared.pdf", "--role", "employee", "--key", key,
                        "--tsa", world.server.url, "-o", tmp_path / "y.pdf")
    assert code == 1 and "revoked" in out and len(out.strip().splitlines()) == 1, out
    crl = x509.load_der_x509_crl((world.ca / "crl.der").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(serial) is not None


def test_unreachable_revocation_data_refuses_to_sign(world: World, tmp_path: Path) -> None:
    other = tmp_path / "other-ca"
    init_ca(other, "Archive Org 档案", "ca-secret", public_url=f"http://127.0.0.1:{free_port()}/")
    person = world.plan.person("employee")
    issue_signer(other, person.name, person.email, tmp_path / "k.p12", "ca-secret", "key-secret")
    with pytest.raises(RevocationUnavailable, match="no revocation data .*Dana Lee"):
        sign_pdf(world.root / "prepared.pdf", tmp_path / "x.pdf", role="employee",
                 signer=load_signer(tmp_path / "k.p12", "key-secret"), policy=POLICY,
                 timestamper=CheckedHTTPTimeStamper(world.server.url))
    assert not (tmp_path / "x.pdf").exists()


def _separate_keys(world: World, tag: str) -> dict[str, Path]:
    keys = {}
    for role in ROLES:
        person = world.plan.person(role)
        keys[role] = world.root / f"{tag}-{role}.p12"
        issue_signer(world.ca, person.name, person.email, keys[role], "ca-secret", "key-secret")
    return keys


def _serial(key: Path) -> int:
    der = load_signer(key, "key-secret").signer.signing_cert.dump()
    return x509.load_der_x509_certificate(der).serial_number


def revoked_after_record(world: World) -> Path:
    """A record whose manager's key was revoked (a second) after the manager signed, then
    refreshed so the record holds the revocation (made once)."""
    if "after" in world.records:
        return world.records["after"]
    keys = _separate_keys(world, "after")
    record = world.copy(world.sign_all("after", keys), "after")
    with BytesIO(record.read_bytes()) as handle:
        manager = next(s for s in PdfFileReader(handle).embedded_regular_signatures
                       if s.field_name == "sig_manager")
        token = signature_token(manager)
        assert token is not None
        signed_at = token_time(token)  # the TSA's time (whole seconds)
    root, key = load_ca(world.ca, "ca-secret")
    # a second after the manager signed: revoked after, whole seconds apart. That moment may
    # still be ahead of the clock (the TSA's times are whole seconds, and HR may sign within
    # the same second), and a revocation in the future is, rightly, not yet in any answer: the
    # refresh would then embed 'good'. So it waits until the moment has passed.
    revoked_at = signed_at + timedelta(seconds=1)
    while datetime.now(timezone.utc) <= revoked_at:
        time.sleep(0.05)
    revoke(world.ca, root, key, serial=_serial(keys["manager"]), reason="affiliation_changed",
           when=revoked_at)
    code, out = cli_run("archive", "refresh", record, "--tsa", world.server.url,
                        "--trust", world.anchor)
    assert code == 0 and "refreshed (archive_ts_2" in out, out
    world.records["after"] = record
    return record


def test_revoked_after_signing_still_valid_and_reported(world: World) -> None:
    record = revoked_after_record(world)
    report = verify_pdf(record, [world.anchor], policy=POLICY)
    assert report.ok, ([p.message for p in report.problems], report.long_term)
    warning = next(w for w in report.warnings if w.code == "revoked_after_signing")
    assert warning.field == "sig_manager" and "left or changed position" in warning.message
    manager = [r for r in report.long_term.revocation  # type: ignore[union-attr]
               if r.field == "sig_manager" and r.role == "signer"]
    assert manager[0].status == "revoked_after" and manager[0].reason == "affiliation_changed"


def test_revoked_before_its_timestamp_fails(world: World) -> None:
    keys = _separate_keys(world, "before")
    record = world.copy(world.sign_all("before", keys), "before")
    with BytesIO(record.read_bytes()) as handle:
        hr = next(s for s in PdfFileReader(handle).embedded_regular_signatures
                  if s.field_name == "sig_hr")
        signed_at = hr.self_reported_timestamp or datetime.now(timezone.utc)
    root, key = load_ca(world.ca, "ca-secret")
    # the key was compromised (and so revoked) an hour before HR "signed" with it
    revoke(world.ca, root, key, serial=_serial(keys["hr"]), reason="key_compromise",
           when=signed_at - timedelta(hours=1))
    # the refresh keeps the fresh answer as evidence, and says the record stopped verifying
    code, out = cli_run("archive", "refresh", record, "--tsa", world.server.url,
                        "--trust", world.anchor)
    assert code == 1, out
    assert "refreshed (archive_ts_2" in out and f"{record} no longer verifies: sig_hr" in out
    assert "Kim Park was revoked on" in out and "(the key was compromised)" in out, out
    report = verify_pdf(record, [world.anchor], policy=POLICY)
    problem = next(p for p in report.problems if p.code == "revoked_before_signing")
    assert not report.ok and problem.field == "sig_hr"
    assert "the key was compromised" in problem.message
    code, out = cli_run("verify", record, "--trust", world.anchor)
    assert code == 1 and "revoked on" in out


# --- the organisation's seal ----------------------------------------------------------------------


def test_the_seal_is_revocable_and_checked_like_a_signer(world: World) -> None:
    """The seal's certificate names the CA's /crl and /ocsp; signing a sealed document embeds
    the seal's OCSP answer; a seal revoked before the first signature fails verify."""
    from cryptography.x509.oid import AuthorityInformationAccessOID

    from pipdocs.pki.seal import SEAL_P12, issue_seal
    from pipdocs.signing.seal import Sealer

    issue_seal(world.ca, "ca-secret")
    seal_cert = x509.load_der_x509_certificate(
        load_signer(world.ca / SEAL_P12, "ca-secret").signer.signing_cert.dump())
    url = world.server.url.rstrip("/") + "/"
    cdp = seal_cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    aia = seal_cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [n.value for p in cdp for n in p.full_name or []] == [url + "crl"]
    assert [d.access_location.value for d in aia
            if d.access_method == AuthorityInformationAccessOID.OCSP] == [url + "ocsp"]
    prev = world.root / "sealed-0.pdf"
    prev.write_bytes(Sealer(str(world.ca), "ca-secret")((world.root / "prepared.pdf").read_bytes()))
    keys = _separate_keys(world, "seal")
    for number, role in enumerate(ROLES, 1):
        out = world.root / f"sealed-{number}.pdf"
        sign_pdf(prev, out, role=role, signer=load_signer(keys[role], "key-secret"),
                 policy=POLICY, timestamper=CheckedHTTPTimeStamper(world.server.url))
        prev = out
    report = verify_pdf(prev, [world.anchor], policy=POLICY)
    assert report.ok, [p.message for p in report.problems]
    seal = [r for r in report.long_term.revocation if r.role == "seal"]  # type: ignore[union-attr]
    assert [(r.field, r.status, r.source) for r in seal] == [("sig_seal", "good", "OCSP")]
    with BytesIO(prev.read_bytes()) as handle:
        first = next(s for s in PdfFileReader(handle).embedded_regular_signatures
                     if s.field_name == "sig_employee")
        token = signature_token(first)
        assert token is not None
        signed_at = token_time(token)
    root, key = load_ca(world.ca, "ca-secret")
    revoke(world.ca, root, key, serial=seal_cert.serial_number, reason="key_compromise",
           when=signed_at - timedelta(hours=1))
    with pytest.raises(SigningRefused):  # a revoked seal: nothing more is signed under it
        sign_pdf(world.root / "sealed-0.pdf", world.root / "sealed-x.pdf", role="employee",
                 signer=load_signer(keys["employee"], "key-secret"), policy=POLICY,
                 timestamper=CheckedHTTPTimeStamper(world.server.url))
    code, out = cli_run("archive", "refresh", prev, "--tsa", world.server.url,
                        "--trust", world.anchor)
    assert code == 1 and f"{prev} no longer verifies: sig_seal" in out, out
    report = verify_pdf(prev, [world.anchor], policy=POLICY)
    problem = next(p for p in report.problems if p.code == "revoked_before_signing")
    assert not report.ok and problem.field == "sig_seal", report.problems
    # the revoked seal retired: the tests below are of a CA without a seal (where the CA has
    # one, verify requires it over a completed record's audit trail)
    (world.ca / SEAL_P12).unlink()


# --- the signing service's sealed audit trail ---------------------------------------------------


def _audit_sealed(world: World, name: str, record: Path | None = None) -> Path:
    """The signed record as `pipdocs serve` completes it: audit.json (a hash chain whose last
    'signed' event names the record's SHA-256) under a document timestamp."""
    import hashlib
    import json

    from pipdocs.core.auditchain import AUDIT_ATTACHMENT, AUDIT_FORMAT, GENESIS, event_hash
    from pipdocs.signing.browser import attach_and_timestamp

    signed = (record or world.records["signed"]).read_bytes()
    events, previous = [], GENESIS
    for kind, detail in (("created", {}), ("signed", {"sha256": hashlib.sha256(signed)
                                                       .hexdigest()})):
        event = {"envelope": "e1", "at": "2026-12-01T10:00:00+00:00", "kind": kind,
                 "actor": "hr@example.com", "ip": "127.0.0.1", "user_agent": "test",
                 "detail": detail, "prev_hash": previous}
        event["hash"] = previous = event_hash(event)
        events.append(event)
    chain = json.dumps({"format": AUDIT_FORMAT, "envelope": "e1", "events": events}).encode()
    out = world.root / f"{name}.pdf"
    out.write_bytes(attach_and_timestamp(signed, AUDIT_ATTACHMENT, chain, "audit trail",
                                         CheckedHTTPTimeStamper(world.server.url)))
    return out


def test_an_audit_sealed_record_survives_an_archive_refresh(world: World, tmp_path: Path) -> None:
    """verify accepts the audit seal followed by a refresh, and nothing else after it."""
    from pyhanko.pdf_utils import generic

    record = _audit_sealed(world, "audited")
    report = verify_pdf(record, [world.anchor], policy=POLICY)
    assert report.ok and "audit_sealed" in {w.code for w in report.warnings}
    code, out = cli_run("archive", "refresh", record, "--tsa", world.server.url,
                        "--trust", world.anchor)
    assert code == 0, out
    report = verify_pdf(record, [world.anchor], policy=POLICY)
    assert report.ok, [p.message for p in report.problems]
    assert "audit_sealed" in {w.code for w in report.warnings}
    stamps = report.long_term.document_timestamps  # type: ignore[union-attr]
    assert [(s.field, s.valid) for s in stamps] == [("archive_ts_1", True), ("archive_ts_2", True)]
    writer = IncrementalPdfFileWriter(BytesIO(record.read_bytes()))
    writer.root["/Lang"] = generic.TextStringObject("fr")  # any other change after the refresh
    writer.update_root()
    changed = tmp_path / "changed.pdf"
    with changed.open("wb") as handle:
        writer.write(handle)
    assert not verify_pdf(changed, [world.anchor], policy=POLICY).ok


def _browser_signed(world: World) -> Path:
    """The example plan signed by all three with the signing service's short-lived (24 h)
    certificates, as `pipdocs serve` signs in the browser."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12

    from pipdocs.pki.shortlived import issue_for_public_key

    root, root_key = load_ca(world.ca, "ca-secret")
    prev = world.root / "prepared.pdf"
    for number, role in enumerate(ROLES, 1):
        key = ec.generate_private_key(ec.SECP256R1())
        person = world.plan.person(role)
        cert = issue_for_public_key(world.ca, root, root_key, person.name, person.email,
                                    key.public_key().public_bytes(
                                        serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo))
        p12 = world.root / f"browser-{role}.p12"
        p12.write_bytes(pkcs12.serialize_key_and_certificates(
            b"browser", key, cert, [root], serialization.BestAvailableEncryption(b"key-secret")))
        p12.chmod(0o600)
        out = world.root / f"browser-{number}.pdf"
        sign_pdf(prev, out, role=role, signer=load_signer(p12, "key-secret"), policy=POLICY,
                 timestamper=CheckedHTTPTimeStamper(world.server.url))
        prev = out
    return prev


def test_a_stripped_audit_trail_warns_and_fails_when_required(world: World) -> None:
    """A record signed in the browser without its audit revision: a warning, and a failure
    under the policy's `audit: required`; with the trail it passes that policy, and a record
    signed with key files needs none."""
    required = POLICY.model_copy(update={"audit": "required"})
    stripped = _browser_signed(world)
    report = verify_pdf(stripped, [world.anchor], policy=POLICY)
    assert report.ok and "audit_missing" in {w.code for w in report.warnings}
    report = verify_pdf(stripped, [world.anchor], policy=required)
    assert not report.ok and [p.code for p in report.problems] == ["audit_missing"]
    assert "audit trail" in report.problems[0].message
    audited = _audit_sealed(world, "browser-audited", stripped)
    report = verify_pdf(audited, [world.anchor], policy=required)
    assert report.ok and "audit_sealed" in {w.code for w in report.warnings}
    report = verify_pdf(world.records["signed"], [world.anchor], policy=required)
    assert report.ok and "audit_missing" not in {w.code for w in report.warnings}


# --- keeping records alive ----------------------------------------------------------------------


def test_a_refreshed_record_outlives_the_first_tsa_certificate(world: World) -> None:
    never = world.records["signed"]
    refreshed = world.copy(never, "refreshed")
    code, out = cli_run("ca", "renew-tsa", "--dir", world.ca)
    assert code == 0 and "new timestamping certificate" in out, out
    assert list((world.ca / "retired").glob("tsa-*.pem"))
    code, out = cli_run("archive", "refresh", refreshed, "--tsa-dir", world.ca,
                        "--trust", world.anchor)
    assert code == 0, out
    later = datetime.now(timezone.utc) + LATER
    old = verify_pdf(never, [world.anchor], policy=POLICY, validation_time=later)
    assert not old.ok and "evidence_expired" in {p.code for p in old.problems}
    new = verify_pdf(refreshed, [world.anchor], policy=POLICY, validation_time=later)
    assert new.ok, new.problems
    assert new.long_term and len(new.long_term.document_timestamps) == 2
    assert new.long_term.verifiable_until and new.long_term.verifiable_until > later
    soon = verify_pdf(never, [world.anchor], policy=POLICY,
                      validation_time=datetime.now(timezone.utc) + timedelta(days=100))
    assert soon.ok and [w.code for w in soon.warnings] == ["refresh_due"]
    code, out = cli_run("verify", never, "--trust", world.anchor, "--validation-time",
                        f"{later:%Y-%m-%d}")
    assert code == 1 and "refreshed (pipdocs archive refresh) before then" in out
    code, out = cli_run("archive", "status", world.root, "--trust", world.anchor, "--json")
    rows = {row["file"]: row for row in __import__("json").loads(out)}
    assert rows[str(refreshed)]["state"] == "ok" and rows[str(never)]["state"] == "ok"
    until, by = (datetime.fromisoformat(rows[str(never)][k])
                 for k in ("verifiable_until", "refresh_by"))
    assert until - by == timedelta(days=POLICY.refresh_margin_days)  # 400-day TSA: by day 35
    assert rows[str(world.root / "prepared.pdf")]["state"] == "invalid" and code == 1


# --- the evidence record (verify --report X.pdf) ------------------------------------------------

ALLOWED_LATIN = {"SHA", "UTC", "PAdES", "LTA", "OCSP", "CRL", "PIP", "pdf", "pipdocs"}


def _zh_record(world: World) -> Path:
    plan = load_plan(example_plan("zh"))
    prev = world.records["zh-prepared"]
    for number, role in enumerate(ROLES, 1):
        person = plan.person(role)
        key = world.root / f"zh-{role}.p12"
        issue_signer(world.ca, person.name, person.email, key, "ca-secret", "key-secret")
        out = world.root / f"zh-{number}.pdf"
        sign_pdf(prev, out, role=role, signer=load_signer(key, "key-secret"), policy=POLICY,
                 timestamper=CheckedHTTPTimeStamper(world.server.url),
                 comment="同意，但目标二需复核" if role == "employee" else None)
        prev = out
    return world.copy(prev, "员工赵磊-签署完成")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice converts the record")
def test_evidence_record_in_chinese(world: World, records_ca: Path, tmp_path: Path,
                                    pdf_text: Any) -> None:  # records_ca: tests/conftest.py
    import hashlib
    import re

    signed = _zh_record(world)
    record = tmp_path / "record.pdf"
    code, out = cli_run("verify", signed, "--trust", world.anchor, "--report", record,
                        "--tsa", world.server.url, "--seal", records_ca)
    assert code == 0 and record.exists(), out
    text = pdf_text(record)
    flat = re.sub(r"\s+", "", text)
    for expected in ("杭州云途网络科技有限公司", "赵磊", "E1187", "支付平台研发部", "PIP-2026-0103",
                     "2026-10-08至2027-01-05", "员工赵磊-签署完成.pdf",
                     hashlib.sha256(signed.read_bytes()).hexdigest(), "孙浩", "吴静",
                     "直接上级", "人力资源", "员工意见：同意，但目标二需复核", "北京时间",
                     "有效。员工、直接上级和人力资源均已按规定顺序签署", "附录：技术细节",
                     "本记录已由档案机构加盖组织印章"):
        assert expected in flat, expected
    assert str(world.root) not in flat and "/tmp" not in flat  # a name, never a local path
    # every time in Beijing time with UTC in brackets, eight hours apart
    pairs = re.findall(r"(\d{4}-\d\d-\d\d\d\d:\d\d):\d\d（UTC(\d{4}-\d\d-\d\d\d\d:\d\d):\d\d）",
                       flat)
    assert len(pairs) >= 4
    for local, utc in pairs:
        fmt = "%Y-%m-%d%H:%M"
        assert datetime.strptime(local, fmt) - datetime.strptime(utc, fmt) == timedelta(hours=8)
    hexes = re.findall(r"[0-9a-f]{16,}", flat)  # digests, serials, fingerprints (split lines)
    spaced = re.sub(r"[\w.]+@[\w.]+\.com", "", " ".join(text.split()))  # e-mails are data
    emails = [load_plan(example_plan("zh")).person(r).email for r in ROLES]
    english = {w for w in re.findall(r"[A-Za-z]{3,}", spaced)  # e-mails wrap inside cells
               if not any(w in h for h in hexes + emails)} - ALLOWED_LATIN
    assert not english, english  # no "Timestamp Authority", "Root CA", library text
    assert "未加盖组织印章" not in flat
    code, out = cli_run("verify", record, "--trust", world.anchor, "--trust",
                        records_ca / "root.pem")
    assert code == 0 and "验证记录有效：已加盖组织印章" in out, out
    assert "员工赵磊-签署完成.pdf" in out and "由档案机构的组织印章封存" in out, out
    data = bytearray(record.read_bytes())
    at = data.index(b"/Contents") + 2000
    data[at] ^= 0x01
    (tmp_path / "changed.pdf").write_bytes(bytes(data))
    code, out = cli_run("verify", tmp_path / "changed.pdf", "--trust", world.anchor)
    assert code in (1, 2) and "有效" not in out.splitlines()[2]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice converts the record")
def test_evidence_record_in_english_reports_a_later_revocation(
    world: World, records_ca: Path, tmp_path: Path, pdf_text: Any
) -> None:
    import re

    signed = revoked_after_record(world)  # the manager's key was revoked after signing
    record = tmp_path / "record.pdf"
    code, out = cli_run("verify", signed, "--trust", world.anchor, "--report", record,
                        "--tsa-dir", world.ca, "--seal", records_ca)
    assert code == 0, out
    flat = " ".join(pdf_text(record).split())
    for expected in ("Example Payments Ltd", "Dana Lee", "E1024", "Payments", "PIP-2026-0042",
                     f"{world.plan.period.start} to {world.plan.period.end} (90 days)",
                     "after.pdf", "Sam Ortiz", "Kim Park",
                     "Manager: Sam Ortiz's certificate was revoked on",
                     "(the holder left or changed position), after they signed; the signature"
                     " stays valid.", "Valid. The employee, manager and HR have all signed"):
        assert expected in flat, expected
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", flat)
    assert "Reference(" not in flat and "idnum" not in flat and str(world.root) not in flat
    assert "sealed by 档案机构's organisation seal" in flat
    code, out = cli_run("verify", record, "--trust", world.anchor, "--trust",
                        records_ca / "root.pem")
    assert code == 0 and "VALID verification record: sealed by the organisation's seal" in out
    code, out = cli_run("verify", record, "--trust", world.anchor)  # the seal's CA not trusted
    assert code == 1 and "evidence_seal" in out and "Verdict: VALID" not in out, out
