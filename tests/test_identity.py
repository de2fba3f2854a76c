"""One answer to "is this an e-mail address", "same person?" and "whose certificate?"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from helpers import CA_PASSWORD, KEY_PASSWORD

from pipdocs.core.identity import cert_email, cert_identity, cert_matches, is_email, same_email
from pipdocs.core.plan import plan_from_data


def _cert(email: str | None, *, in_subject: bool = False) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, "吴静")]
    if email and in_subject:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    name = x509.Name(attrs)
    now = datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(1)
               .not_valid_before(now).not_valid_after(now + timedelta(days=1)))
    if email and not in_subject:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return builder.sign(key, hashes.SHA256())


def test_one_certificate_reader_for_both_libraries_and_der() -> None:
    from asn1crypto import x509 as asn1_x509

    cert = _cert("Wu.Jing@Example.com")
    der = cert.public_bytes(Encoding.DER)
    for form in (cert, asn1_x509.Certificate.load(der), der):
        assert cert_identity(form) == ("吴静", ["Wu.Jing@Example.com"])
    assert cert_email(_cert("e@example.com", in_subject=True)) == "e@example.com"
    assert cert_email(_cert(None)) is None


def test_comparison_is_casefold_everywhere() -> None:
    # lower() keeps ß, casefold() makes it ss: one rule for sign, its checks and verify.
    assert same_email("STRASSE@example.com", "straße@example.com")
    assert cert_matches(_cert("Wu.Jing@Example.COM"), "wu.jing@example.com")
    assert not same_email("", "")
    assert not cert_matches(_cert("a@example.com"), "b@example.com")


def test_ca_issue_accepts_every_address_the_plan_accepts(tmp_path: Path,
                                                         ca_dir: Path) -> None:
    """A punycode domain (.中国 = .xn--fiqs8s) passed the plan but `ca issue` refused it."""
    address = "wu.jing@example.xn--fiqs8s"
    assert is_email(address)
    data = {"employee": {"email": address}}
    with pytest.raises(Exception) as caught:  # other fields are missing, not the e-mail
        plan_from_data(data)
    assert "employee.email" not in str(getattr(caught.value, "problems", ""))
    from pipdocs.cli.main import cli

    out = tmp_path / "wu.p12"
    result = CliRunner().invoke(cli, ["ca", "issue", "--dir", str(ca_dir), "--name", "吴静",
                                      "--email", address, "-o", str(out)],
                                env={"PIPDOCS_CA_PASSWORD": CA_PASSWORD,
                                     "PIPDOCS_KEY_PASSWORD": KEY_PASSWORD})
    assert result.exit_code == 0, result.output
    assert address in result.output and out.stat().st_size > 1000


@pytest.mark.parametrize("address", ["no-at.example.com", "a@b", "a b@example.com",
                                     "a@example.c"])
def test_not_an_email(address: str) -> None:
    assert not is_email(address)


def test_a_plus_tag_reaches_the_same_mailbox() -> None:
    from pipdocs.core.identity import mailbox

    assert mailbox(" Zhao.Lei+mgr@X.com ") == mailbox("zhao.lei@x.com") == "zhao.lei@x.com"
    assert mailbox("a+b+c@x.com") == "a@x.com"
    assert mailbox("zhao.lei@x.com") != mailbox("zhao.lei@y.com")
    assert not same_email("zhao.lei+mgr@x.com", "zhao.lei@x.com")  # identity stays exact


@pytest.mark.parametrize("language,words", [
    ("en", "manager.email: Zhao.Lei+mgr@{domain} reaches the same mailbox as the employee's"),
    ("zh", "manager.email: Zhao.Lei+mgr@{domain} 与员工的邮箱"),
])
def test_two_roles_may_not_share_a_mailbox_through_a_plus_tag(
        tmp_path: Path, language: str, words: str) -> None:
    """The manager of Zhao Lei's plan given as zhao.lei+mgr@...: one person would receive and
    sign as two. Refused at validation, naming the field, in the plan's language."""
    import json

    import yaml

    from pipdocs.cli.main import cli
    from pipdocs.core.errors import PlanInvalid

    root = Path(__file__).resolve().parent.parent
    data = yaml.safe_load((root / "examples" / f"sales-{language}.yaml").read_text("utf-8"))
    domain = data["employee"]["email"].split("@")[1]
    data["employee"]["email"] = f"zhao.lei@{domain}"
    data["manager"]["email"] = f"Zhao.Lei+mgr@{domain}"
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert [p.path for p in caught.value.problems] == ["manager.email"]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(plan_file)], env={"LANG": "C.UTF-8"})
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words.format(domain=domain) in lines[0], lines
