"""The organisation's seal: a sealed document signs and verifies (pdfsig agrees); a whole-file
rewrite by someone without the seal key passes only while the policy does not require the seal;
and the company-first order (manager, HR, employee) recorded at prepare time is followed by sign
and verify without being told.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import tamperkit as tk

from pipdocs.core.errors import SigningRefused
from pipdocs.core.names import SEAL_FIELD, SIGNATURE_FIELDS
from pipdocs.core.plan import Plan, plan_from_data
from pipdocs.core.policy import Policy
from pipdocs.document.pipeline import build_pdf
from pipdocs.pki.seal import issue_seal
from pipdocs.signing.seal import Sealer
from pipdocs.signing.sign import sign_pdf
from pipdocs.verification.verify import verify_pdf

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
MALLORY = ("Mallory", "mallory@example.com")


@pytest.fixture(scope="module")
def kit() -> tk.Kit:
    return tk.shared_kit()


@pytest.fixture(scope="module")
def sealer(kit: tk.Kit) -> Sealer:
    if not (kit.pki.dir / "seal.p12").exists():
        issue_seal(kit.pki.dir, tk.PASSWORD)
    return Sealer(str(kit.pki.dir), tk.PASSWORD).check()


def _plan(kit: tk.Kit) -> Plan:
    from pipdocs.core.plan import load_plan

    return load_plan(tk.EXAMPLES / "engineering-en.yaml")


def _policy(kit: tk.Kit, **changes: object) -> Policy:
    return kit.pki.policy.model_copy(update=changes)


def _sign_all(kit: tk.Kit, pdf: Path, order: tuple[str, ...], work: Path,
              people: dict[str, tk.Identity] | None = None,
              policy: Policy | None = None) -> Path:
    """Each role in ``order`` through pipdocs's own sign_pdf (every check it makes)."""
    people = people or kit.people
    for number, role in enumerate(order, 1):
        out = work / f"{number}-{role}.pdf"
        sign_pdf(pdf, out, role=role, signer=people[role].loaded,  # type: ignore[arg-type]
                 timestamper=kit.pki.timestamper, policy=policy or kit.pki.policy)
        pdf = out
    return pdf


def _pdfsig_valid(kit: tk.Kit, pdf: Path, work: Path) -> int:
    nss = work / "nss"
    nss.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True)
    subprocess.run(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(kit.root),
                    "-d", f"sql:{nss}"], check=True)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True,
                          text=True)
    return (done.stdout + done.stderr).count("Signature is Valid")


@pytest.fixture(scope="module")
def sealed(kit: tk.Kit, sealer: Sealer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pipdocs pdf --seal`, then employee, manager, HR with `pipdocs sign`'s checks."""
    work = tmp_path_factory.mktemp("sealed")
    prepared = build_pdf(_plan(kit), work / "prepared.pdf", policy=kit.pki.policy, seal=sealer)
    return _sign_all(kit, prepared, ("employee", "manager", "hr"), work)


def test_a_sealed_document_verifies_and_pdfsig_agrees(kit: tk.Kit, sealed: Path,
                                                      tmp_path: Path) -> None:
    report = verify_pdf(sealed, [kit.root], policy=_policy(kit, seal="required"))
    assert report.ok and report.verdict == "valid", report.problems
    assert [s.field for s in report.signatures] == [SEAL_FIELD, *SIGNATURE_FIELDS.values()]
    seal, employee = report.signatures[0], report.signatures[1]
    assert seal.kind == "certification" and seal.ok and seal.docmdp_permission == 2
    assert employee.kind == "approval" and report.checks.organisation_seal
    assert _pdfsig_valid(kit, sealed, tmp_path) == 4


def _rewritten(kit: tk.Kit, work: Path) -> Path:
    """A whole new document made by someone without the seal key: Mallory is the manager on the
    page and in plan.json alike, and the file has a single revision."""
    data = _plan(kit).model_dump(mode="json")
    data["manager"].update(name=MALLORY[0], email=MALLORY[1])
    return build_pdf(plan_from_data(data), work / "forged.pdf", policy=kit.pki.policy)


def test_whole_file_rewrite_is_caught_only_by_the_required_seal(kit: tk.Kit,
                                                               tmp_path: Path) -> None:
    forged = _rewritten(kit, tmp_path)
    people = dict(kit.people, manager=kit.pki.person(*MALLORY))
    signed = _sign_all(kit, forged, ("employee", "manager", "hr"), tmp_path, people)
    lenient = verify_pdf(signed, [kit.root], policy=_policy(kit, seal="optional"))
    assert lenient.ok, "without the seal requirement a consistent rewrite cannot be told apart"
    strict = verify_pdf(signed, [kit.root], policy=_policy(kit, seal="required"))
    assert not strict.ok and strict.verdict == "invalid"
    assert "seal_missing" in {p.code for p in strict.problems}
    assert strict.checks.organisation_seal is False
    with pytest.raises(SigningRefused, match="seal is missing"):
        sign_pdf(forged, tmp_path / "x.pdf", role="employee",
                 signer=kit.people["employee"].loaded,  # type: ignore[arg-type]
                 timestamper=kit.pki.timestamper, policy=_policy(kit, seal="required"))


def test_a_seal_made_with_a_persons_key_is_not_a_seal(kit: tk.Kit, tmp_path: Path) -> None:
    from pipdocs.signing.seal import seal_pdf

    fake = seal_pdf(kit.doc.prepared, kit.people["hr"].loaded)
    signed = kit.sign(kit.sign(kit.sign(fake, SIGNATURE_FIELDS["employee"], "employee"),
                               SIGNATURE_FIELDS["manager"], "manager"),
                      SIGNATURE_FIELDS["hr"], "hr")
    path = tmp_path / "fake.pdf"
    path.write_bytes(signed)
    report = verify_pdf(path, [kit.root])
    assert not report.ok and "seal_invalid" in {p.code for p in report.problems}


def test_company_first_order_is_recorded_and_followed(kit: tk.Kit, tmp_path: Path) -> None:
    """Issue 9, bug 2: manager -> HR -> employee, prepared with that policy, then signed and
    verified with the shipped policy: the document's recorded order decides."""
    order = ("manager", "hr", "employee")
    prepared = build_pdf(_plan(kit), tmp_path / "prepared.pdf", policy=_policy(kit, order=order))
    from pypdf import PdfReader

    terms = json.loads(PdfReader(prepared).attachments["signing.json"][0])
    assert terms["order"] == list(order)
    with pytest.raises(SigningRefused, match="the manager must sign before the employee"):
        _sign_all(kit, prepared, ("employee",), tmp_path)
    signed = _sign_all(kit, prepared, order, tmp_path)
    report = verify_pdf(signed, [kit.root], policy=kit.pki.policy)
    assert report.ok and report.verdict == "valid", report.problems
    assert [s.role for s in report.signatures] == list(order)
    assert report.signatures[0].kind == "certification"
    assert report.signatures[-1].docmdp_permission == 1  # the last role locks the document


def test_cli_seal_key_is_never_overwritten_and_a_required_seal_is_asked_for(
    kit: tk.Kit, sealer: Sealer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from pipdocs.cli.main import cli

    monkeypatch.setenv("PIPDOCS_CA_PASSWORD", tk.PASSWORD)
    again = CliRunner().invoke(cli, ["ca", "issue-seal", "--dir", str(kit.pki.dir)])
    assert again.exit_code != 0 and "never overwritten" in again.output
    policy = tmp_path / "policy.yaml"
    source = Path(kit.pki.policy.source).read_text("utf-8")
    policy.write_text(source.replace("seal: optional", "seal: required"), "utf-8")
    plan = tk.EXAMPLES / "engineering-en.yaml"
    refused = CliRunner().invoke(cli, ["pdf", str(plan), "-o", str(tmp_path / "x.pdf"),
                                       "--policy", str(policy)])
    assert refused.exit_code == 2 and "requires the organisation's seal" in refused.output
    assert not (tmp_path / "x.pdf").exists()


def test_bulk_seals_every_document(kit: tk.Kit, sealer: Sealer, tmp_path: Path) -> None:
    """bulk hands the sealer to its preparing processes: each output is sealed, and says so."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pypdf import PdfReader

    from pipdocs.bulk.run import run_bulk

    summary = run_bulk(tk.EXAMPLES / "bulk-en.xlsx", tmp_path, workers=1,
                       policy=kit.pki.policy, seal=sealer)
    outputs = sorted(tmp_path.glob("*.pdf"))
    assert summary.made == len(outputs) > 0 and not summary.failed
    for pdf in outputs:
        terms = json.loads(PdfReader(pdf).attachments["signing.json"][0])
        assert terms["sealed"] is True
        with pdf.open("rb") as handle:
            (seal,) = PdfFileReader(handle).embedded_signatures
            assert seal.field_name == SEAL_FIELD
            status = validate_pdf_signature(seal, ValidationContext(trust_roots=[]))
            assert status.intact and status.valid and seal.docmdp_level is not None
