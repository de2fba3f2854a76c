"""Ordered, identity-bound, timestamped PAdES signatures: pdfsig and pyHanko accept them, and
every refusal leaves no output file."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm

from pipdocs.cli.main import cli
from pipdocs.core.errors import CredentialError, InputError, SigningRefused
from pipdocs.core.plan import ROLES, Plan
from pipdocs.core.policy import load_policy
from pipdocs.document.templates import find_template
from pipdocs.pki.ca import issue_signer
from pipdocs.pki.tsa import CheckedHTTPTimeStamper, TSAServer
from pipdocs.signing.sign import load_signer, sign_pdf

POLICY = load_policy()
ENV = {"PIPDOCS_CA_PASSWORD": "ca-secret", "PIPDOCS_KEY_PASSWORD": "key-secret"}


@dataclass
class World:
    root: Path
    ca: Path
    server: TSAServer
    nss: Path
    plans: dict[str, Plan] = field(default_factory=dict)
    prepared: dict[str, Path] = field(default_factory=dict)
    keys: dict[tuple[str, str], Path] = field(default_factory=dict)
    chains: dict[str, list[Path]] = field(default_factory=dict)

    def stamper(self) -> CheckedHTTPTimeStamper:
        return CheckedHTTPTimeStamper(self.server.url)

    def sign(self, src: Path, out: Path, lang: str, role: str, key_role: str | None = None,
             **kwargs: object) -> object:
        signer = load_signer(self.keys[(lang, key_role or role)], "key-secret")
        return sign_pdf(src, out, role=role, signer=signer, timestamper=self.stamper(),
                        policy=POLICY, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, ca_dir: Path, tsa: TSAServer,
          prepared: dict[str, tuple[Plan, Path]]) -> Iterator[World]:
    root = tmp_path_factory.mktemp("sign")
    ca = ca_dir
    nss = root / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True)
    subprocess.run(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(ca / "root.pem"),
                    "-d", f"sql:{nss}"], check=True)
    w = World(root, ca, tsa, nss)
    for lang in ("en", "zh"):
        w.plans[lang], w.prepared[lang] = prepared[lang]
        for role in ROLES:
            person = w.plans[lang].person(role)
            w.keys[(lang, role)] = root / f"{lang}-{role}.p12"
            issue_signer(ca, person.name, person.email, w.keys[(lang, role)], "ca-secret",
                         "key-secret")
    yield w


def chain(world: World, lang: str) -> list[Path]:
    """prepared, employee-signed, manager-signed, hr-signed (made once per language)."""
    if lang not in world.chains:
        paths = [world.prepared[lang]]
        for number, role in enumerate(ROLES, 1):
            out = world.root / f"{lang}-{number}-{role}.pdf"
            comment = "同意，但目标二需复核" if role == "employee" and lang == "zh" else None
            world.sign(paths[-1], out, lang, role, comment=comment)
            paths.append(out)
        world.chains[lang] = paths
    return world.chains[lang]


def pdfsig(world: World, path: Path) -> str:
    result = subprocess.run(["pdfsig", "-nssdir", f"sql:{world.nss}", str(path)],
                            capture_output=True, text=True)
    return result.stdout + result.stderr  # Debian's pdfsig exits 0 even when invalid: read it


# --- happy paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_signatures_valid_and_trusted_for_pdfsig(world: World, lang: str) -> None:
    final = chain(world, lang)[-1]
    report = pdfsig(world, final)
    assert report.count("Signature is Valid") == 3, report
    assert report.count("Certificate is Trusted") == 3, report
    assert report.count("ETSI.CAdES.detached") == 3
    assert "Total document signed" in report


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pyhanko_sees_timestamps_certification_and_final_lock(world: World, lang: str) -> None:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    root = load_cert_from_pemder(str(world.ca / "root.pem"))
    with chain(world, lang)[-1].open("rb") as handle:
        reader = PdfFileReader(handle)
        sigs = reader.embedded_regular_signatures
        assert [s.field_name for s in sigs] == ["sig_employee", "sig_manager", "sig_hr"]
        assert [s.field_name for s in reader.embedded_timestamp_signatures] == ["archive_ts_1"]
        dss = DocumentSecurityStore.read_dss(reader)
        for embedded in sigs:  # offline, revocation data required: what the DSS holds suffices
            ctx = dss.as_validation_context(
                {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "require"})
            status = validate_pdf_signature(embedded, ctx, ctx)
            assert status.bottom_line, status.pretty_print_details()
            assert status.timestamp_validity is not None and status.timestamp_validity.trusted
            assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert sigs[0].docmdp_level == MDPPerm.FILL_FORMS  # employee certifies: fill-in only
        assert "/DocMDP" in str(sigs[0].sig_object["/Reference"])
        assert sigs[2].docmdp_level == MDPPerm.NO_CHANGES  # HR locks everything
        reason = str(sigs[0].sig_object["/Reason"])
        if lang == "zh":
            assert reason.startswith("员工已知悉本绩效改进计划")  # the document's word: 知悉
            assert "员工意见：同意，但目标二需复核" in reason


def test_stamp_text_in_the_document_language_is_extractable(world: World) -> None:
    text = subprocess.run(["pdftotext", str(chain(world, "zh")[-1]), "-"],
                          capture_output=True, text=True, check=True).stdout
    plan = world.plans["zh"]
    for role, label in (("employee", "员工"), ("manager", "直接上级"), ("hr", "人力资源")):
        assert f"签署人：{plan.person(role).name}" in text
        assert f"角色：{label}" in text
    assert "事由：直接上级批准本绩效改进计划" in text
    assert re.search(r"时间：\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", text)
    fonts = subprocess.run(["pdffonts", str(chain(world, "zh")[-1])], capture_output=True,
                           text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line]
    stamps = [line for line in cjk if "Identity-H" in line]  # the page's own fonts are Type 1
    assert len(stamps) == 3 and all(" yes yes yes " in line for line in cjk)
    en = subprocess.run(["pdftotext", str(chain(world, "en")[-1]), "-"],
                        capture_output=True, text=True, check=True).stdout
    assert "Signed by: Kim Park" in en and "Role: Human Resources" in en


def test_input_is_never_modified(world: World) -> None:
    paths = chain(world, "en")
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths[:-1]]
    out = world.root / "again.pdf"
    world.sign(paths[0], out, "en", "employee")
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths[:-1]] == digests
    assert out.read_bytes().startswith(paths[0].read_bytes())  # an incremental update
    with pytest.raises(InputError, match="must differ"):
        world.sign(out, out, "en", "manager")


def test_cli_sign_in_order(world: World, tmp_path: Path) -> None:
    runner, prev = CliRunner(), world.prepared["en"]
    for number, role in enumerate(ROLES, 1):
        out = tmp_path / f"{number}.pdf"
        args = ["sign", str(prev), "--role", role, "--key", str(world.keys[("en", role)]),
                "--tsa", world.server.url, "-o", str(out)]
        if role == "employee":
            args += ["--agree", "--comment", "Fair goals"]
        result = runner.invoke(cli, args, env=ENV)
        assert result.exit_code == 0, result.output
        assert f"signed as {role}" in result.output
        prev = out
    # a Chinese document: the result line is in its language, with the role as on its stamp
    out = tmp_path / "zh.pdf"
    result = runner.invoke(cli, ["sign", str(world.prepared["zh"]), "--role", "employee", "--key",
                                 str(world.keys[("zh", "employee")]), "--tsa", world.server.url,
                                 "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "已作为员工签署（认证签名" in result.output and "signed as" not in result.output
    report = pdfsig(world, prev)
    assert report.count("Signature is Valid") == 3 and report.count("Certificate is Trusted") == 3
    text = subprocess.run(["pdftotext", str(prev), "-"], capture_output=True, text=True).stdout
    assert "Employee agrees" in text and "Fair goals" in text


def test_local_timestamper_with_tsa_dir(world: World, tmp_path: Path) -> None:
    out = tmp_path / "local.pdf"
    result = CliRunner().invoke(
        cli, ["sign", str(world.prepared["en"]), "--role", "employee", "--key",
              str(world.keys[("en", "employee")]), "--tsa-dir", str(world.ca), "-o", str(out)],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    assert pdfsig(world, out).count("Signature is Valid") == 1


def test_p12_from_another_ca_is_accepted(world: World, tmp_path: Path) -> None:
    person = world.plans["en"].person("employee")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, person.name)])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(person.email)]), False)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                     False), critical=True)
        .sign(key, hashes.SHA256())
    )
    p12 = tmp_path / "other.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"other", key, cert, None, serialization.BestAvailableEncryption(b"other-pw")))
    p12.chmod(0o600)  # sign refuses a key others can read
    out = tmp_path / "other-signed.pdf"
    sign_pdf(world.prepared["en"], out, role="employee", signer=load_signer(p12, "other-pw"),
             timestamper=world.stamper(), policy=POLICY)
    assert "Signature is Valid" in pdfsig(world, out)
    world.sign(out, tmp_path / "then-manager.pdf", "en", "manager")  # the next role goes on


# --- refusals: exit 1, one line, no file ---------------------------------------------------------


def _refused(world: World, src: Path, role: str, key_role: str, tmp_path: Path, match: str) -> None:
    out = tmp_path / "refused.pdf"
    with pytest.raises(SigningRefused, match=match):
        world.sign(src, out, "en", role, key_role)
    assert not out.exists()
    result = CliRunner().invoke(
        cli, ["sign", str(src), "--role", role, "--key", str(world.keys[("en", key_role)]),
              "--tsa", world.server.url, "-o", str(out)], env=ENV,
    )
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".refused.pdf*"))


def test_refuses_a_role_that_already_signed(world: World, tmp_path: Path) -> None:
    _refused(world, chain(world, "en")[1], "employee", "employee", tmp_path, "already signed")


def test_refuses_when_the_predecessor_has_not_signed(world: World, tmp_path: Path) -> None:
    _refused(world, world.prepared["en"], "manager", "manager", tmp_path, "employee must sign")
    _refused(world, chain(world, "en")[1], "hr", "hr", tmp_path, "manager must sign")


def test_refuses_after_a_later_role_signed(world: World, tmp_path: Path) -> None:
    _refused(world, chain(world, "en")[3], "manager", "manager", tmp_path, "already signed")


def test_refuses_a_key_that_is_not_the_plans_person(world: World, tmp_path: Path) -> None:
    _refused(world, world.prepared["en"], "employee", "manager", tmp_path,
             "plan's employee is Dana Lee <dana.lee@example.com>")


def test_refuses_when_an_earlier_signature_no_longer_verifies(
    world: World, tmp_path: Path
) -> None:
    data = bytearray(chain(world, "en")[1].read_bytes())
    at = data.index(b"Performance Improvement Plan")
    data[at] = ord("X")  # one byte inside the employee's signed range
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(bytes(data))
    _refused(world, broken, "manager", "manager", tmp_path,
             r"sig_employee: the signed bytes or the signature do not check out .*\[integrity\]")


def test_refuses_when_the_document_changed_after_a_signature(
    world: World, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = chain(world, "en")[1]
    writer = IncrementalPdfFileWriter(BytesIO(signed.read_bytes()))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    void = b"BT /F1 30 Tf 72 700 Td (VOID) Tj ET"
    overlay = writer.add_object(generic.StreamObject(stream_data=void))
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), overlay])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(out.getvalue())  # a new content stream after the employee signed
    _refused(world, tampered, "manager", "manager", tmp_path,
             r"changed after the last signature .*\[changed_after_last\]")


def test_refuses_a_signature_from_outside_the_plan(world: World, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    outsider = tmp_path / "outsider.p12"
    issue_signer(world.ca, "Mallory", "mallory@example.com", outsider, "ca-secret", "key-secret")
    writer = IncrementalPdfFileWriter(BytesIO(chain(world, "en")[1].read_bytes()))
    meta = signers.PdfSignatureMetadata(field_name="sig_extra",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=load_signer(outsider, "key-secret").signer,
                           timestamper=world.stamper(),
                           new_field_spec=fields.SigFieldSpec("sig_extra", box=(10, 10, 60, 40)))
    extra = tmp_path / "extra.pdf"
    extra.write_bytes(out.getvalue())
    _refused(world, extra, "manager", "manager", tmp_path,
             r"sig_extra: a signature in a field the plan does not have .*"
             r"\[unexpected_signature\]")


# --- credentials and timestamps: exit 2, no file --------------------------------------------------


def test_wrong_password_is_exit_2_and_no_file(world: World, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    with pytest.raises(CredentialError, match="wrong password"):
        load_signer(world.keys[("en", "employee")], "nope")
    result = CliRunner().invoke(
        cli, ["sign", str(world.prepared["en"]), "--role", "employee", "--key",
              str(world.keys[("en", "employee")]), "--tsa", world.server.url, "-o", str(out)],
        env={**ENV, "PIPDOCS_KEY_PASSWORD": "nope"},
    )
    assert result.exit_code == 2 and "wrong password" in result.output
    assert not out.exists()


def test_unreachable_tsa_is_exit_2_and_no_file(world: World, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli, ["sign", str(world.prepared["en"]), "--role", "employee", "--key",
              str(world.keys[("en", "employee")]), "--tsa", f"http://127.0.0.1:{port}/",
              "-o", str(out)], env=ENV,
    )
    assert result.exit_code == 2, result.output
    assert "no timestamp" in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.iterdir())


def test_no_tsa_at_all_is_refused_before_signing(world: World, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli, ["sign", str(world.prepared["en"]), "--role", "employee", "--key",
              str(world.keys[("en", "employee")]), "-o", str(out)], env=ENV,
    )
    assert result.exit_code == 2 and "no timestamp authority" in result.output
    assert not out.exists()


def test_expired_signer_certificate_is_refused(world: World, tmp_path: Path) -> None:
    person = world.plans["en"].person("employee")
    old = tmp_path / "old.p12"
    issue_signer(world.ca, person.name, person.email, old, "ca-secret", "key-secret",
                 not_before=datetime.now(timezone.utc) - timedelta(days=800), days=730)
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli, ["sign", str(world.prepared["en"]), "--role", "employee", "--key", str(old),
              "--tsa", world.server.url, "-o", str(out)], env=ENV,
    )
    assert result.exit_code == 2 and "expired on" in result.output
    assert not out.exists()


def test_a_pdf_without_plan_or_fields_is_unusable_input(world: World, tmp_path: Path) -> None:
    bare = tmp_path / "bare.pdf"
    bare.write_bytes(b"%PDF-1.7\n" + b"garbage" * 10)
    with pytest.raises(InputError):
        world.sign(bare, tmp_path / "o.pdf", "en", "employee")
    assert not (tmp_path / "o.pdf").exists()


def test_a_pdf_prepared_without_the_hr_lock_is_still_locked_by_hr(
    world: World, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    reader = PdfFileReader(BytesIO(world.prepared["en"].read_bytes()))
    writer = copy_into_new_writer(reader)
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field_dict = field_ref.get_object()
        if "/Lock" in field_dict:
            del field_dict["/Lock"]
    buffer = BytesIO()
    writer.write(buffer)
    unlocked = tmp_path / "unlocked.pdf"
    unlocked.write_bytes(buffer.getvalue())
    assert b"/Lock" not in unlocked.read_bytes()
    prev = unlocked
    for number, role in enumerate(ROLES, 1):
        out = tmp_path / f"{number}.pdf"
        world.sign(prev, out, "en", role)
        prev = out
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = load_cert_from_pemder(str(world.ca / "root.pem"))
    with prev.open("rb") as handle:
        sigs = PdfFileReader(handle).embedded_regular_signatures
        assert sigs[2].docmdp_level == MDPPerm.NO_CHANGES
        for embedded in sigs:  # adding the lock in HR's revision is an allowed change
            ctx = ValidationContext(trust_roots=[root], allow_fetching=False)
            assert validate_pdf_signature(embedded, ctx).bottom_line
    assert pdfsig(world, prev).count("Signature is Valid") == 3
    _refused(world, prev, "hr", "hr", tmp_path, "already signed")


def _bypass_sign(world: World, src: bytes, field_name: str, key_role: str,
                 lang: str = "en") -> bytes:
    """Sign with pyHanko directly, skipping every pipdocs check (to build bad documents)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer(world.keys[(lang, key_role)], "key-secret").signer
    meta = signers.PdfSignatureMetadata(field_name=field_name,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(src)), meta, signer=signer,
                           timestamper=world.stamper(), existing_fields_only=True)
    return out.getvalue()


def test_refuses_a_document_signed_out_of_order(world: World, tmp_path: Path) -> None:
    data = _bypass_sign(world, world.prepared["en"].read_bytes(), "sig_manager", "manager")
    data = _bypass_sign(world, data, "sig_employee", "employee")
    swapped = tmp_path / "swapped.pdf"
    swapped.write_bytes(data)
    _refused(world, swapped, "hr", "hr", tmp_path,
             r"sig_manager: signed out of order \(expected employee here\).*\[order\]")


def test_refuses_an_earlier_signature_by_the_wrong_person(world: World, tmp_path: Path) -> None:
    data = _bypass_sign(world, world.prepared["en"].read_bytes(), "sig_employee", "hr")
    wrong = tmp_path / "wrong.pdf"
    wrong.write_bytes(data)
    _refused(world, wrong, "manager", "manager", tmp_path,
             r"sig_employee: signed by Kim Park <kim.park@example.com>, not by the plan's"
             r" employee.*\[wrong_signer\]")


def test_a_long_comment_is_recorded_whole_and_the_stamp_cut(world: World, tmp_path: Path) -> None:
    """A 400-character comment used to shrink the stamp to unreadable 2-point text."""
    comment = "我不同意第二个目标，因为数据口径不一致。\n" * 20
    out = tmp_path / "long.pdf"
    world.sign(world.prepared["zh"], out, "zh", "employee", comment=comment)
    with out.open("rb") as handle:
        reason = str(PdfFileReader(handle).embedded_signatures[0].sig_object["/Reason"])
    assert reason.endswith(" ".join(comment.split())) and "\n" not in reason
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "签署人：" in text and "…" in text
    assert text.count("因为数据口径不一致") < 20  # not all of it: the stamp was cut ...
    assert "（意见全文见电子签名记录）" in text  # ... and says so on every printed copy


def test_cli_disagree_with_a_comment(world: World, tmp_path: Path) -> None:
    """'I acknowledge receipt but disagree', in the words the document tells the employee."""
    out = tmp_path / "disagree.pdf"
    args = ["sign", str(world.prepared["zh"]), "--role", "employee", "--key",
            str(world.keys[("zh", "employee")]), "--tsa", world.server.url, "-o", str(out),
            "--disagree", "--comment", "目标二的数据口径与部门统计不一致"]
    result = CliRunner().invoke(cli, args, env=ENV)
    assert result.exit_code == 0, result.output
    with out.open("rb") as handle:
        reason = str(PdfFileReader(handle).embedded_signatures[0].sig_object["/Reason"])
    assert reason == ("员工已知悉本绩效改进计划，但不同意其内容；"
                      "员工意见：目标二的数据口径与部门统计不一致")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    statement = "\n".join(p.text for p in docx.Document(find_template("zh", "sales")).paragraphs)
    assert "“知悉本计划但不同意其内容”" in statement  # the choice the document offers
    assert "目标二的数据口径与部门统计不一致" in "".join(text.split())  # whole, on the stamp
    assert "意见全文见" not in text


@pytest.mark.parametrize("extra,message", [
    (["--comment", "不同意。" * 2500], "10000 characters; at most 500"),
    (["--agree", "--disagree"], "--agree and --disagree exclude each other"),
])
def test_cli_refuses_a_bad_statement_before_signing(world: World, tmp_path: Path,
                                                   extra: list[str], message: str) -> None:
    out = tmp_path / "refused.pdf"
    args = ["sign", str(world.prepared["zh"]), "--role", "employee", "--key",
            str(world.keys[("zh", "employee")]), "--tsa", world.server.url, "-o", str(out), *extra]
    result = CliRunner().invoke(cli, args, env={**ENV, "LANG": "C.UTF-8", "LANGUAGE": ""})
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()


def test_refusals_name_hr_as_people_say_it(world: World, tmp_path: Path) -> None:
    """'the manager must sign before HR', not '... before the HR'; 'the plan's HR', not 'hr'."""
    _refused(world, chain(world, "en")[1], "hr", "hr", tmp_path,
             r"the manager must sign before HR \(order")
    _refused(world, chain(world, "en")[2], "hr", "manager", tmp_path, "the plan's HR is Kim Park")



@pytest.mark.parametrize("lang,expected", [
    ("en", "sig_manager: signed out of order (expected employee here); do not sign it"),
    ("zh", "sig_manager：签署顺序错误（此处应为员工）；请勿签署"),
])
def test_a_refusal_speaks_the_documents_language_with_the_rule_code(
        world: World, tmp_path: Path, lang: str, expected: str) -> None:
    """sign refuses with verify's rule and sentence (the rule book's), in the plan's language,
    whatever the user's locale; the code ends the one line."""
    data = _bypass_sign(world, world.prepared[lang].read_bytes(), "sig_manager", "manager", lang)
    data = _bypass_sign(world, data, "sig_employee", "employee", lang)
    swapped = tmp_path / "swapped.pdf"
    swapped.write_bytes(data)
    out = tmp_path / "refused.pdf"
    with pytest.raises(SigningRefused) as refused:
        world.sign(swapped, out, lang, "hr")
    assert refused.value.code == "order" and expected in str(refused.value)
    assert str(refused.value).endswith(" [order]")
    result = CliRunner().invoke(
        cli, ["sign", str(swapped), "--role", "hr", "--key", str(world.keys[(lang, "hr")]),
              "--tsa", world.server.url, "-o", str(out)],
        env={**ENV, "LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": ""})
    assert result.exit_code == 1 and expected in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()
    # verify names the same rule with the same sentence
    verdict = CliRunner().invoke(cli, ["verify", str(swapped), "--json"], env=ENV)
    assert '"code": "order"' in verdict.output


@pytest.mark.parametrize("lang,expected", [
    ("en", "the employee must sign before the manager (order: employee, manager, HR) [order]"),
    ("zh", "员工须在直接上级之前签署（签署顺序：员工、直接上级、人力资源） [order]"),
])
def test_a_role_refusal_speaks_the_documents_language(world: World, tmp_path: Path, lang: str,
                                                      expected: str) -> None:
    with pytest.raises(SigningRefused, match=re.escape(expected)):
        world.sign(world.prepared[lang], tmp_path / "x.pdf", lang, "manager")


def test_refuses_a_plan_json_other_than_the_one_signed(world: World, tmp_path: Path) -> None:
    """verify's plan_changed, now sign's too: the plan.json beside the signatures must be the
    one each signed revision holds (here swapped for an easier target after the employee)."""
    import json

    from pyhanko.pdf_utils import embed, generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(chain(world, "en")[1].read_bytes()))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = next(names[i + 1] for i in range(0, len(names), 2) if str(names[i]) == "plan.json")
    plan = json.loads(spec["/EF"]["/F"].data)
    plan["goals"][0]["target"] = "2% or lower"
    forged = json.dumps(plan, ensure_ascii=False).encode("utf-8")
    ref = writer.add_object(embed.EmbeddedFileObject.from_file_data(
        writer, forged, mime_type="application/json"))
    spec["/EF"] = generic.DictionaryObject({generic.pdf_name("/F"): ref,
                                            generic.pdf_name("/UF"): ref})
    writer.update_container(spec)
    out = BytesIO()
    writer.write(out)
    swapped = tmp_path / "swapped-plan.pdf"
    swapped.write_bytes(out.getvalue())
    _refused(world, swapped, "manager", "manager", tmp_path,
             r"plan.json differs from the one signed \(the copy in revision 0, 1 is not the"
             r" current one\).*\[plan_changed\]")
