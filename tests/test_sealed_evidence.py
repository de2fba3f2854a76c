"""Verification records (``verify --report X.pdf``) are sealed by the organisation's seal.

A document timestamp proves when a record was made, not who made it: anyone can have pipdocs
build a record that says "valid" about a file that fails, and have the organisation's TSA (it
answers anyone) timestamp it. So only a record sealed by the organisation's seal (a seal key of
a trusted CA, ``ca issue-seal``) attests a verdict; a record that is only timestamped says so
itself, and ``verify`` reports it as not authenticated (exit 1).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import free_port

from pipdocs.archive.evidence import write_evidence_pdf
from pipdocs.cli.main import cli
from pipdocs.core.plan import ROLES, Plan
from pipdocs.core.policy import load_policy
from pipdocs.pki.ca import init_ca, issue_signer
from pipdocs.pki.seal import SEAL_P12, issue_seal
from pipdocs.pki.server import make_ca_server
from pipdocs.pki.tsa import local_timestamper
from pipdocs.signing.seal import load_seal
from pipdocs.signing.sign import load_signer, sign_pdf
from pipdocs.verification.verify import verify_pdf

POLICY = load_policy()
ENV = {"PIPDOCS_CA_PASSWORD": "ca-secret", "PIPDOCS_KEY_PASSWORD": "key-secret"}
pytestmark = pytest.mark.skipif(not shutil.which("soffice"),
                                reason="LibreOffice converts the record")


@dataclass
class World:
    root: Path
    ca: Path
    signed: Path  # a complete, valid record
    failing: Path  # a file verify fails (the prepared plan, signed by no one)
    keys: dict[str, Path]

    @property
    def anchor(self) -> Path:
        return self.ca / "root.pem"

    def stamper(self) -> object:
        return local_timestamper(self.ca, "ca-secret", POLICY.tsa_policy_oid)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory,
          prepared: dict[str, tuple[Plan, Path]]) -> World:
    root = tmp_path_factory.mktemp("sealed-evidence")
    ca = root / "ca"
    init_ca(ca, "Sealing Org", "ca-secret")
    issue_seal(ca, "ca-secret")
    plan, prev = prepared["en"]
    failing = root / "prepared.pdf"
    shutil.copyfile(prev, failing)
    keys = {}
    w = World(root, ca, root / "signed.pdf", failing, keys)
    for number, role in enumerate(ROLES, 1):
        person = plan.person(role)
        keys[role] = root / f"{role}.p12"
        issue_signer(ca, person.name, person.email, keys[role], "ca-secret", "key-secret")
        out = root / f"signed-{number}.pdf"
        sign_pdf(prev, out, role=role, signer=load_signer(keys[role], "key-secret"),
                 policy=POLICY, timestamper=w.stamper())
        prev = out
    shutil.copyfile(prev, w.signed)
    return w


def cli_run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    return result.exit_code, result.output


def _forged(world: World, out: Path, organisation_seal: object = None) -> Path:
    """What anyone can make with pipdocs' own code: the failing file's report, rewritten to say
    'valid', written as a record and timestamped by the organisation's TSA."""
    report = verify_pdf(world.failing, [world.anchor], policy=POLICY)
    assert not report.ok
    claim = report.model_copy(update={"verdict": "valid", "ok": True, "problems": []})
    return write_evidence_pdf(claim, world.failing, out, timestamper=world.stamper(),
                              policy=POLICY, organisation_seal=organisation_seal)


def test_a_record_sealed_by_the_organisation_attests_its_verdict(
        world: World, tmp_path: Path, pdf_text: Callable[..., str]) -> None:
    record = tmp_path / "record.pdf"
    code, out = cli_run("verify", world.signed, "--trust", world.anchor, "--report", record,
                        "--tsa-dir", world.ca)  # the CA holds seal.p12: the record is sealed
    assert code == 0 and "will not be sealed" not in out, out
    flat = " ".join(pdf_text(record).split())
    assert "This record is sealed by Sealing Org's organisation seal" in flat
    assert "not sealed" not in flat
    code, out = cli_run("verify", record, "--trust", world.anchor)
    assert code == 0, out
    assert "VALID verification record: sealed by the organisation's seal" in out
    assert "sealed by Sealing Org's organisation seal" in out
    code, out = cli_run("verify", record, "--trust", world.anchor, "--json")
    data = json.loads(out)
    assert data["verdict"] == "valid" and data["ok"] is True and data["problems"] == []
    assert [(w["code"], w["params"]["sealed_by"]) for w in data["warnings"]] == \
        [("evidence_sealed", "Sealing Org")]
    assert data["attested"]["verdict"] == "valid"


def test_a_timestamped_only_record_says_it_proves_only_when_it_was_made(
        world: World, tmp_path: Path, pdf_text: Callable[..., str]) -> None:
    record = tmp_path / "record.pdf"
    plain = tmp_path / "ca-without-seal"
    shutil.copytree(world.ca, plain)
    (plain / SEAL_P12).unlink()
    code, out = cli_run("verify", world.signed, "--trust", world.anchor, "--report", record,
                        "--tsa-dir", plain)
    assert code == 0 and "will not be sealed by the organisation's seal" in out, out
    flat = " ".join(pdf_text(record).split())
    assert flat.count("Note: this record is not sealed by an organisation seal, only"
                      " timestamped by a timestamp service. It proves when the record was made,"
                      " not who made it or that the verdict in it is true.") == 2  # top, end
    code, out = cli_run("verify", record, "--trust", world.anchor)
    assert code == 1 and "Verdict: VALID" not in out, out
    assert "NOT AUTHENTICATED: this verification record is only timestamped" in out
    code, out = cli_run("verify", record, "--trust", world.anchor, "--json")
    data = json.loads(out)
    assert data["verdict"] == "untrusted" and data["ok"] is False
    assert [p["code"] for p in data["problems"]] == ["evidence_not_sealed"]


def test_a_forged_record_is_never_an_authenticated_verdict(world: World, tmp_path: Path) -> None:
    """The forger has pipdocs and the TSA, not the organisation's seal key: timestamped only,
    sealed with a person's key, or with the seal of a CA of their own, the record fails."""
    stamped = _forged(world, tmp_path / "stamped.pdf")
    report = verify_pdf(stamped, [world.anchor], policy=POLICY)
    assert report.record == "evidence" and report.attested is not None
    assert report.attested.verdict == "valid"  # what it claims ...
    assert not report.ok and report.verdict == "untrusted"  # ... vouched for by no one
    assert [p.code for p in report.problems] == ["evidence_not_sealed"]
    person = load_signer(world.keys["hr"], "key-secret")
    by_person = _forged(world, tmp_path / "person.pdf", person)
    report = verify_pdf(by_person, [world.anchor], policy=POLICY)
    problem = next(p for p in report.problems if p.code == "evidence_seal_invalid")
    assert report.verdict == "invalid" and "not a seal key" in problem.message
    own, port = tmp_path / "forger-ca", free_port()  # the forger's CA, with its own server
    init_ca(own, "Sealing Org", "ca-secret", public_url=f"http://127.0.0.1:{port}/")
    issue_seal(own, "ca-secret")
    server = make_ca_server(own, "ca-secret", POLICY.tsa_policy_oid, "127.0.0.1", port,
                            quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        by_other = _forged(world, tmp_path / "other.pdf", load_seal(own, "ca-secret"))
    finally:
        server.shutdown()
        server.server_close()
    report = verify_pdf(by_other, [world.anchor], policy=POLICY)
    problem = next(p for p in report.problems if p.code == "evidence_seal_invalid")
    assert report.verdict == "invalid" and "not trusted" in problem.message
    for record in (stamped, by_person, by_other):
        code, out = cli_run("verify", record, "--trust", world.anchor)
        assert code == 1 and "Verdict: VALID" not in out, out
