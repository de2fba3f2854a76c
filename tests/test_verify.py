"""pipdocs verify on genuine documents: the reports (text zh/en, JSON, HTML record), exit codes,
trust anchors, incomplete documents, failing closed, and agreement with poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tamperkit as tk
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import pipdocs.verification.checks as verify_checks
import pipdocs.verification.signatures as verify_signatures
import pipdocs.verification.verify as verify_module
from pipdocs.cli.main import cli
from pipdocs.core.plan import SIGNATURE_FIELDS
from pipdocs.verification.collect import signer_identity
from pipdocs.verification.report import VerificationReport, verify_json_schema
from pipdocs.verification.verify import verify_pdf

ROOT = Path(__file__).resolve().parent.parent
EMP, MGR, HR = (SIGNATURE_FIELDS[r] for r in ("employee", "manager", "hr"))


@pytest.fixture(scope="session")
def en() -> tk.Kit:
    return tk.shared_kit("engineering-en.yaml")


@pytest.fixture(scope="session")
def zh() -> tk.Kit:
    return tk.shared_kit("engineering-zh.yaml")


def write(tmp_path: Path, pdf: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["verify", *map(str, args)])


# --- the command and its reports -----------------------------------------------------------------


def test_genuine_english_document_text_report(en: tk.Kit, tmp_path: Path) -> None:
    result = run(write(tmp_path, en.doc.signed), "--trust", en.root)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "VALID" in out and "Traceback" not in out
    people = (("Dana Lee", "dana.lee@example.com"), ("Sam Ortiz", "sam.ortiz@example.com"),
              ("Kim Park", "kim.park@example.com"))
    for name, email in people:
        assert f"{name} <{email}>" in out
    assert out.count("[OK]") == 3
    assert "certification" in out and "PAdES B-LTA" in out
    assert "Example Payments Ltd Root CA" in out or "Root" in out


def test_chinese_document_report_is_in_chinese(zh: tk.Kit, tmp_path: Path) -> None:
    result = run(write(tmp_path, zh.doc.signed), "--trust", zh.root)
    assert result.exit_code == 0, result.output
    assert "结论：有效" in result.output
    assert "签名人" in result.output and "时间戳机构" in result.output
    plan_names = [zh.people[r].name for r in SIGNATURE_FIELDS]
    assert all(name in result.output for name in plan_names)


def test_json_matches_the_documented_schema(en: tk.Kit, tmp_path: Path) -> None:
    result = run(write(tmp_path, en.doc.signed), "--trust", en.root, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    report = VerificationReport.model_validate(data)
    assert report.ok and report.verdict == "valid" and data["schema_version"] == 1
    assert [s["role"] for s in data["signatures"]] == ["employee", "manager", "hr"]
    first, last = data["signatures"][0], data["signatures"][-1]
    assert first["kind"] == "certification" and first["changed_fields"] == [MGR, HR]
    # after HR only the archive timestamp (PAdES B-LTA): validation data, no content
    assert last["coverage"] == "entire_revision" and last["modification_level"] == "lta_updates"
    assert data["long_term"]["level"] == "B-LTA" and data["long_term"]["verifiable_until"]
    assert all(s["timestamp"]["trusted"] and s["plan_match"]["email_matches"]
               for s in data["signatures"])
    assert data["sha256"] == __import__("hashlib").sha256(en.doc.signed).hexdigest()
    documented = json.loads((ROOT / "docs" / "verify-json-schema.json").read_text("utf-8"))
    assert documented == json.loads(json.dumps(verify_json_schema())), (
        "docs/verify-json-schema.json is stale: regenerate it from pipdocs.verification.report")


def test_json_reports_failures_with_codes(en: tk.Kit, tmp_path: Path) -> None:
    stripped = en.doc.after_manager
    result = run(write(tmp_path, stripped), "--trust", en.root, "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["verdict"] == "incomplete" and not data["ok"]
    assert data["pending_roles"] == ["hr"]
    assert [p["code"] for p in data["problems"]] == ["missing_role"]


def test_report_record_is_written(zh: tk.Kit, tmp_path: Path) -> None:
    record = tmp_path / "record.html"
    result = run(write(tmp_path, zh.doc.signed), "--trust", zh.root, "--report", record)
    assert result.exit_code == 0
    page = record.read_text("utf-8")
    assert "签名验证记录" in page and "有效" in page
    assert __import__("hashlib").sha256(zh.doc.signed).hexdigest() in page
    for role in SIGNATURE_FIELDS:
        assert zh.people[role].name in page
    assert page.count("<tr><td>") >= 3 and "Root" in page  # signers and the trust anchor
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", page)


def test_report_record_is_pdf_or_html(en: tk.Kit, tmp_path: Path) -> None:
    record = tmp_path / "record.txt"
    result = run(write(tmp_path, en.doc.signed), "--trust", en.root, "--report", record)
    assert result.exit_code == 2 and ".pdf" in result.output and not record.exists()


def test_pdf_record_without_a_timestamp_authority_is_exit_2(en: tk.Kit, tmp_path: Path) -> None:
    record = tmp_path / "record.pdf"  # the record is sealed by the TSA: none given, none made
    result = run(write(tmp_path, en.doc.signed), "--trust", en.root, "--report", record)
    assert result.exit_code == 2 and "no timestamp authority" in result.output
    assert not record.exists() and len(result.output.strip().splitlines()) == 1


def test_no_trust_anchor_is_untrusted_exit_1(en: tk.Kit, tmp_path: Path) -> None:
    result = run(write(tmp_path, en.doc.signed))
    assert result.exit_code == 1 and "UNTRUSTED" in result.output


def test_policy_trust_anchors_are_used_without_trust(en: tk.Kit, tmp_path: Path) -> None:
    policy = (ROOT / "signing" / "policy.yaml").read_text("utf-8")
    policy = re.sub(r"(?m)^trust_anchors:.*$", f"trust_anchors: [{en.root}]", policy)
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(policy, "utf-8")
    result = run(write(tmp_path, en.doc.signed), "--policy", policy_file)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "content", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAA\n"]
)
def test_unusable_trust_anchor_is_exit_2(en: tk.Kit, tmp_path: Path, content: bytes) -> None:
    anchor = write(tmp_path, content, "root.pem")
    result = run(write(tmp_path, en.doc.signed), "--trust", anchor)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n%%EOF\n", b"\x00" * 100])
def test_unreadable_file_is_exit_2_one_line(tmp_path: Path, en: tk.Kit, data: bytes) -> None:
    result = run(write(tmp_path, data), "--trust", en.root)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run(tmp_path / "absent.pdf")
    assert result.exit_code == 2 and "not found" in result.output


# --- incomplete documents ------------------------------------------------------------------------


def test_employee_only_passes_with_allow_incomplete(en: tk.Kit, tmp_path: Path) -> None:
    path = write(tmp_path, en.doc.after_employee)
    assert run(path, "--trust", en.root).exit_code == 1
    result = run(path, "--trust", en.root, "--allow-incomplete")
    assert result.exit_code == 0 and "INCOMPLETE" in result.output


def test_skipping_the_manager_fails_even_if_incomplete_allowed(en: tk.Kit, tmp_path: Path) -> None:
    pdf = en.sign(en.doc.after_employee, HR, "hr")
    report = verify_pdf(write(tmp_path, pdf), [en.root], allow_incomplete=True)
    assert not report.ok and "order" in {p.code for p in report.problems}


# --- identity ------------------------------------------------------------------------------------


def test_same_email_other_name_passes_with_a_note(en: tk.Kit, tmp_path: Path) -> None:
    hr = en.people["hr"]
    alias = en.pki.person("K. Park (HR)", hr.email)
    report = verify_pdf(write(tmp_path, en.sign(en.doc.after_manager, HR, alias)), [en.root])
    assert report.ok, report.problems
    assert [w.code for w in report.warnings] == ["name_mismatch"]
    assert report.signatures[-1].plan_match and not report.signatures[-1].plan_match.name_matches


def test_email_falls_back_to_the_subject() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dana Lee"),
                      x509.NameAttribute(NameOID.EMAIL_ADDRESS, "dana.lee@example.com")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    from asn1crypto import x509 as asn1_x509

    der = cert.public_bytes(serialization.Encoding.DER)
    name_and_emails = signer_identity(asn1_x509.Certificate.load(der))
    assert name_and_emails == ("Dana Lee", ["dana.lee@example.com"])


def test_certificate_expired_since_signing_still_verifies(tmp_path: Path) -> None:
    """Checked at its trusted timestamp: the employee signed 70 days ago with a certificate that
    expired 40 days ago. A timestamp before the TSA certificate existed would not count."""
    from pipdocs.core.plan import load_plan

    plan = load_plan(tk.EXAMPLES / "engineering-en.yaml")
    pki = tk.KitPki.create("Old Org", start=tk.NOW - dt.timedelta(days=200))
    people = {r: pki.person(plan.person(r).name, plan.person(r).email) for r in SIGNATURE_FIELDS}
    emp = plan.person("employee")
    old = pki.person(emp.name, emp.email, not_before=tk.NOW - dt.timedelta(days=100),
                     not_after=tk.NOW - dt.timedelta(days=40))
    back_then = pki.timestamper()
    back_then.fixed_dt = tk.NOW - dt.timedelta(days=70)
    pdf = tk.sign(tk.prepared_pdf(plan), EMP, old, back_then, certify=True)
    pdf = tk.sign(tk.sign(pdf, MGR, people["manager"], pki.timestamper()), HR, people["hr"],
                  pki.timestamper())
    root = pki.write_root(tmp_path / "root.pem")
    report = verify_pdf(write(tmp_path, pdf), [root])
    assert report.ok, report.problems
    assert report.signatures[0].trusted and report.signatures[0].timestamp

    before_tsa = pki.timestamper()
    before_tsa.fixed_dt = tk.NOW - dt.timedelta(days=300)  # before the TSA certificate
    forged = tk.sign(tk.prepared_pdf(plan), EMP, people["employee"], before_tsa, certify=True)
    report = verify_pdf(write(tmp_path, forged, "forged.pdf"), [root], allow_incomplete=True)
    assert not report.ok
    assert {"timestamp_invalid"} <= {p.code for p in report.problems}


# --- failing closed ------------------------------------------------------------------------------


def test_an_exception_inside_validation_is_a_failure(
    en: tk.Kit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("validator exploded")

    monkeypatch.setattr(verify_signatures, "async_validate_pdf_signature", broken)
    path = write(tmp_path, en.doc.signed)
    report = verify_pdf(path, [en.root])
    assert not report.ok and report.verdict == "invalid"
    assert {p.code for p in report.problems} >= {"validation_error"}
    result = run(path, "--trust", en.root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "validator exploded" in result.output


def test_an_exception_in_the_document_checks_is_a_failure(
    en: tk.Kit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(run: object) -> None:
        raise KeyError("/Perms")

    monkeypatch.setattr(verify_checks, "check_certification", broken)
    monkeypatch.setattr(verify_module, "STEPS", [
        (name, broken if step.__name__ == "check_certification" else step)
        for name, step in verify_module.STEPS])
    report = verify_pdf(write(tmp_path, en.doc.signed), [en.root])
    assert not report.ok and "validation_error" in {p.code for p in report.problems}


# --- poppler's pdfsig agrees on genuine documents ------------------------------------------------


def pdfsig(path: Path, root: Path, nss: Path) -> list[dict[str, str | bool]]:
    """Per filled signature field: its name, whether the bytes verify, whether the certificate is
    trusted, whether it covers the whole file (Debian's pdfsig exits 0 even for broken ones)."""
    if not (nss / "cert9.db").exists():
        nss.mkdir(exist_ok=True)
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "pipdocs-root", "-t", "CT,C,C",
                        "-i", str(root)], check=True)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True,
                         text=True, check=False).stdout
    blocks = re.split(r"(?m)^Signature #\d+:\s*$", out)[1:]
    return [{
        "field": m.group(1) if (m := re.search(r"Signature Field Name: (\S+)", b)) else "",
        "valid": "Signature Validation: Signature is Valid." in b,
        "trusted": "Certificate Validation: Certificate is Trusted." in b,
        "total": "Total document signed" in b,
    } for b in blocks if "is not signed" not in b and "Field Name: archive_ts" not in b]


@pytest.mark.skipif(not (shutil.which("pdfsig") and shutil.which("certutil")),
                    reason="poppler-utils and libnss3-tools are needed")
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("stage", ["after_employee", "after_manager", "signed"])
def test_pdfsig_agrees_on_genuine_documents(
    request: pytest.FixtureRequest, tmp_path: Path, lang: str, stage: str
) -> None:
    kit: tk.Kit = request.getfixturevalue(lang)
    path = write(tmp_path, getattr(kit.doc, stage))
    report = verify_pdf(path, [kit.root], allow_incomplete=True)
    theirs = pdfsig(path, kit.root, kit.work / "nss")
    assert report.ok and report.signatures
    assert [s["field"] for s in theirs] == [s.field for s in report.signatures]
    for ours, poppler in zip(report.signatures, theirs, strict=True):
        assert poppler["valid"] and poppler["trusted"] and ours.ok
        assert poppler["total"] == (ours.coverage == "entire_file")


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils is needed")
def test_pdfsig_also_rejects_a_changed_byte(en: tk.Kit, tmp_path: Path) -> None:
    from test_tamper import byte_in_signed_range

    path = write(tmp_path, byte_in_signed_range(en))
    theirs = pdfsig(path, en.root, en.work / "nss")
    assert theirs and not any(s["valid"] for s in theirs)
    assert not verify_pdf(path, [en.root]).ok


def test_an_unexpected_failure_clears_its_own_check_so_the_json_agrees(
    en: tk.Kit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9, bug 1: the JSON must never say every check holds beside an 'invalid' verdict."""

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("/Perms")

    monkeypatch.setattr(verify_checks, "read_certification_data", broken)
    path = write(tmp_path, en.doc.signed)
    report = verify_pdf(path, [en.root])
    assert report.verdict == "invalid" and "validation_error" in {p.code for p in report.problems}
    assert report.checks.certified_first is False
    data = json.loads(run(path, "--trust", en.root, "--json").output)
    assert data["verdict"] == "invalid" and not all(data["checks"].values())
