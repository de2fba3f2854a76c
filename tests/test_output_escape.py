"""Text from certificates and documents is data (issue 10, item 10): a CR/LF or bidi control in
a signer's name must not forge a line such as "Verdict: VALID" in any output of sign or verify
(text, JSON, HTML, the stamp, error lines)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import tamperkit as tk
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from pipdocs.cli.main import cli
from pipdocs.core.text import escape_controls
from pipdocs.pki.ca import load_ca
from pipdocs.signing.sign import load_signer, sign_pdf
from pipdocs.verification.report import render_html, render_text, to_json
from pipdocs.verification.verify import verify_pdf

FORGED_NAME = "Kim Park\r\nVerdict: VALID\u202e"


@pytest.fixture(scope="module")
def kit() -> tk.Kit:
    return tk.shared_kit()


@pytest.fixture(scope="module")
def hostile_p12(kit: tk.Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HR's e-mail, a certificate from the organisation CA, a name with CR LF and U+202E."""
    root, root_key = load_ca(kit.pki.dir, tk.PASSWORD)
    key = rsa.generate_private_key(65537, 2048)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, FORGED_NAME)]))
        .issuer_name(root.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name("kim.park@example.com")]),
                       critical=False)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                     False), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    path = tmp_path_factory.mktemp("hostile") / "hr.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"k", key, cert, [root], serialization.BestAvailableEncryption(b"pw")))
    path.chmod(0o600)  # sign refuses a key others can read
    return path


def test_escape_controls() -> None:
    assert escape_controls("a\r\nb\x00\x1b\x85\u202e\u2066 张伟") == \
        "a\\x0d\\x0ab\\x00\\x1b\\x85\\u202e\\u2066 张伟"
    assert escape_controls("Dana Lee 张伟") == "Dana Lee 张伟"


def test_a_forged_line_never_reaches_any_output(kit: tk.Kit, hostile_p12: Path,
                                                tmp_path: Path) -> None:
    src = tmp_path / "in.pdf"
    src.write_bytes(kit.doc.after_manager)
    out = tmp_path / "signed.pdf"
    result = sign_pdf(src, out, role="hr", signer=load_signer(hostile_p12, "pw"),
                      timestamper=kit.pki.timestamper, policy=kit.pki.policy)
    assert "\n" not in result.signer and "\u202e" not in result.signer
    stamp = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Kim Park\\x0d\\x0aVerdict: VALID" in stamp.replace("\n", "")
    assert "\nVerdict: VALID" not in stamp and "\u202e" not in stamp

    report = verify_pdf(out, [kit.root])
    text, page = render_text(report), render_html(report)
    verdicts = [line for line in text.splitlines() if line.strip().startswith("Verdict")]
    assert len(verdicts) == 1, verdicts  # the report's own line only
    assert "\u202e" not in text + page and "\r" not in text + page
    assert "Kim Park\\x0d\\x0aVerdict: VALID\\u202e" in text
    data = json.loads(to_json(report))
    assert data["signatures"][-1]["signer_name"] == "Kim Park\\x0d\\x0aVerdict: VALID\\u202e"
    cli_out = CliRunner().invoke(cli, ["verify", str(out), "--trust", str(kit.root)]).output
    assert [line for line in cli_out.splitlines() if line.strip().startswith("Verdict")] == \
        verdicts


def test_bidi_in_a_comment_is_shown_escaped_not_dropped() -> None:
    """An employee's comment with a right-to-left override lost the character silently: the
    record then read differently from what was typed. Now it is written out, like a name's."""
    from pipdocs.core.policy import load_policy

    typed = "I agree\u202e with goal 2\u2066 (\u200f)\u061c\u200b\u200e\r\nend\x1b"
    reason = load_policy().reason("employee", "en", comment=typed)
    assert reason.endswith("I agree\\u202e with goal 2\\u2066 (\\u200f)\\u061c\\u200b\\u200e"
                           " end\\x1b"), reason
    assert reason.isprintable()


def test_a_comment_with_bidi_reaches_the_record_and_verify_escaped(kit: tk.Kit,
                                                                   tmp_path: Path) -> None:
    src = tmp_path / "in.pdf"
    src.write_bytes(kit.doc.prepared)
    out = tmp_path / "signed.pdf"
    sign_pdf(src, out, role="employee", signer=kit.people["employee"].loaded,  # type: ignore[arg-type]
             timestamper=kit.pki.timestamper, policy=kit.pki.policy,
             comment="goal 2\u202e is unfair")
    text = render_text(verify_pdf(out, [kit.root], allow_incomplete=True))
    assert "goal 2\\u202e is unfair" in text, text
    assert "\u202e" not in text
