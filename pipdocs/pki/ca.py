"""A small organisation CA: a root, a timestamping certificate, and signer keys as .p12 files.

Private keys never touch the disk unencrypted and are written 0600 (atomically: temp file in the
same directory, then rename). The root certificate (``root.pem``) is what verifiers trust.
Layout of a CA directory::

    root.pem   root certificate (public)         root.key  its key, encrypted (0600)
    tsa.pem    timestamping certificate (public) tsa.key   its key, encrypted (0600)
    issued.log one JSON object per issued certificate: serial, kind, subject, e-mail, validity
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from pipdocs.core.errors import CAError, CredentialError, InputError
from pipdocs.core.files import check_output, check_private, disk_full, write_atomic
from pipdocs.core.identity import EMAIL_HINT, cert_name, is_email
from pipdocs.core.text import line_problem
from pipdocs.pki.issued import ISSUED_LOG, IssuedCert, fingerprint, log_issued
from pipdocs.pki.revocation import (
    DEFAULT_PUBLIC_URL,
    issue_responder,
    normalise_url,
    publish_crl,
    revocation_extensions,
    write_config,
)
from pipdocs.pki.tsacert import make_tsa_cert

ROOT_CERT, ROOT_KEY = "root.pem", "root.key"
TSA_CERT, TSA_KEY = "tsa.pem", "tsa.key"
CA_FILES = (ROOT_CERT, ROOT_KEY, TSA_CERT, TSA_KEY)
ROOT_YEARS, TSA_YEARS, SIGNER_DAYS = 15, 10, 730
BACKDATE = timedelta(minutes=5)  # tolerate small clock differences between machines
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)
NAME_MAX = 64  # ub-common-name and ub-organization-name (RFC 5280): longer is cut by others
PASSWORD_MIN, PASSWORD_DISTINCT = 8, 5
PASSWORD_RULE = (f"at least {PASSWORD_MIN} characters, not only spaces, with at least"
                 f" {PASSWORD_DISTINCT} different characters")


def _encrypt(key: rsa.RSAPrivateKey, password: str) -> bytes:
    if not password:
        raise CredentialError("an empty password cannot protect a private key: set a password")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak to protect a CA key (None: strong enough).

    The rule is PASSWORD_RULE (stated in the docs and in ``ca init --help``). A CA key signs
    every signer's certificate; "a" or three spaces would fall to the first guess.
    """
    if len(password) < PASSWORD_MIN or not password.strip():
        return f"is too short: use {PASSWORD_RULE}"
    if len(set(password)) < PASSWORD_DISTINCT:
        return f"repeats too few characters: use {PASSWORD_RULE}"
    return None


def checked_line(value: str, option: str) -> str:
    """``value`` stripped, or InputError naming ``option`` when it holds a control or bidi
    character (a CR LF in a certificate name forges output lines)."""
    problem = line_problem(value)
    if problem:
        raise InputError(f"{option}: {problem}")
    return value.strip()


def _not_a_ca(path: Path) -> str:
    return f"{path}: not found; is {path.parent} a CA made by 'pipdocs ca init'?"


def _load_key(path: Path, password: str, env: str) -> rsa.RSAPrivateKey:
    check_private(path, "CA key")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CAError(_not_a_ca(path)) from exc
    try:
        key = serialization.load_pem_private_key(data, password.encode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise CredentialError(f"{path}: wrong password; set {env} to the CA's password") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CAError(f"{path}: not an RSA key; recreate the CA with 'pipdocs ca init'")
    return key


def _load_cert(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError as exc:
        raise CAError(_not_a_ca(path)) from exc
    except ValueError as exc:
        raise CAError(f"{path}: not a PEM certificate; the CA directory is damaged") from exc


# --- certificates ---------------------------------------------------------------------------------


def _name(common_name: str, org: str | None, role: str = "") -> x509.Name:
    """O=org, CN=common name; never cut (a cut root and TSA name could come out equal):
    when "org role" is too long for a CN, the CN is the role alone and O names the org."""
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)] if org else []
    if role:
        full = f"{common_name} {role}"
        common_name = full if len(full) <= NAME_MAX else role
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _org_of(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(attrs[0].value) if attrs else None


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: Any, start: datetime, end: datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(**flags: bool) -> x509.KeyUsage:
    names = (
        "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
        "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
    )
    return x509.KeyUsage(**{n: flags.get(n, False) for n in names})


def init_ca(
    ca_dir: Path, org: str, ca_password: str, tsa_password: str | None = None,
    *, public_url: str | None = DEFAULT_PUBLIC_URL,
) -> IssuedCert:
    """Create a root CA and a timestamping certificate in ``ca_dir``; refuse to overwrite one.

    The TSA key is encrypted with ``tsa_password`` (default: the CA password), so a timestamp
    server can run without the root key's password when the organisation chooses so.
    ``public_url`` is where ``ca serve`` will be reached: every certificate issued from now on
    names URL/crl and URL/ocsp; the OCSP responder key is made alongside the TSA's.
    """
    public_url = normalise_url(public_url) if public_url else None
    org = _checked_init(org, ca_password, tsa_password)
    existing = [f for f in CA_FILES if (ca_dir / f).exists()]
    if existing:
        raise CAError(
            f"{ca_dir} already holds a CA ({existing[0]}); choose another --dir (a CA is never"
            " overwritten)"
        )
    now = datetime.now(timezone.utc) - BACKDATE
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = _name(org, org, "Root CA")
    root_end = now + timedelta(days=365 * ROOT_YEARS)
    root = (
        _builder(root_name, root_name, root_key.public_key(), now, root_end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    tsa_key, tsa = make_tsa_cert(org, root, root_key, now, public_url)
    pem = serialization.Encoding.PEM
    files = [
        (ROOT_KEY, _encrypt(root_key, ca_password), 0o600),
        (TSA_KEY, _encrypt(tsa_key, tsa_password or ca_password), 0o600),
        (TSA_CERT, tsa.public_bytes(pem), 0o644),
        (ROOT_CERT, root.public_bytes(pem), 0o644),
    ]
    _write_ca(ca_dir, files, [(root, "root"), (tsa, "tsa")])
    write_config(ca_dir, public_url)
    responder = issue_responder(ca_dir, root, root_key, tsa_password or ca_password, root_end)
    log_issued(ca_dir, responder, "ocsp")
    publish_crl(ca_dir, root, root_key)
    return IssuedCert(
        ca_dir / ROOT_CERT, root.subject.rfc4514_string(), None, root.serial_number,
        root.not_valid_before_utc, root.not_valid_after_utc, fingerprint(root),
    )


def _checked_init(org: str, ca_password: str, tsa_password: str | None) -> str:
    """The organisation name to use; InputError or CredentialError before any key is made."""
    org = checked_line(org, "--org")
    if not org:
        raise InputError("--org is empty: give the organisation's name")
    if len(org) > NAME_MAX:
        raise InputError(f"--org is longer than {NAME_MAX} characters, the limit of a"
                         " certificate's organisation name; use a shorter form of the name")
    for password, env in ((ca_password, "PIPDOCS_CA_PASSWORD"),
                          (tsa_password, "PIPDOCS_TSA_PASSWORD")):
        weak = password_problem(password) if password is not None else None
        if weak:
            raise CredentialError(f"{env} {weak}")
    return org


def _write_ca(ca_dir: Path, files: list[tuple[str, bytes, int]],
              logged: list[tuple[x509.Certificate, str]]) -> None:
    """Write the CA's files into a private ``ca_dir``: all of them, or none and no directory
    this call created (a full disk, a race with another ``ca init``)."""
    made = _private_dir(ca_dir)
    written: list[Path] = []
    try:
        for name, data, mode in files:
            write_atomic(ca_dir / name, data, mode, exclusive=True)
            written.append(ca_dir / name)
        for cert, kind in logged:
            log_issued(ca_dir, cert, kind)
    except BaseException as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if made:
            (ca_dir / ISSUED_LOG).unlink(missing_ok=True)
        for directory in made:  # deepest first; only what this call created, if still empty
            with contextlib.suppress(OSError):
                directory.rmdir()
        if isinstance(exc, FileExistsError):
            raise CAError(f"{ca_dir} already holds a CA; choose another --dir") from exc
        if isinstance(exc, OSError):
            raise disk_full(exc, ca_dir / ISSUED_LOG) from exc
        raise


def _private_dir(ca_dir: Path) -> list[Path]:
    """Create ``ca_dir`` (0700) or make an existing one 0700; the directories created,
    deepest first, so a failure can remove them again."""
    missing = [p for p in (ca_dir, *ca_dir.parents) if not p.exists()]
    try:
        ca_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(ca_dir, 0o700)  # an existing directory too: the umask must not decide
    except OSError as exc:
        for directory in missing:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise CAError(f"{ca_dir}: cannot create or protect the CA directory"
                      f" ({exc.strerror or exc}); choose another --dir") from exc
    return missing


def load_ca(ca_dir: Path, ca_password: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The root certificate and its decrypted key."""
    cert = _load_cert(ca_dir / ROOT_CERT)
    key = _load_key(ca_dir / ROOT_KEY, ca_password, "PIPDOCS_CA_PASSWORD")
    return cert, key


def load_tsa(
    ca_dir: Path, password: str
) -> tuple[x509.Certificate, rsa.RSAPrivateKey, x509.Certificate]:
    """The timestamping certificate, its key, and the root that issued it."""
    cert = _load_cert(ca_dir / TSA_CERT)
    key = _load_key(ca_dir / TSA_KEY, password, "PIPDOCS_TSA_PASSWORD or PIPDOCS_CA_PASSWORD")
    root = _load_cert(ca_dir / ROOT_CERT)
    return cert, key, root


def _checked_signer(name: str, email: str, key_password: str, days: int) -> tuple[str, str]:
    """The signer's name and e-mail as the certificate will hold them; InputError or
    CredentialError, naming the option, before the CA key is opened."""
    name, email = checked_line(name, "--name"), checked_line(email, "--email")
    if not name:
        raise InputError("--name is empty: give the signer's name as the plan spells it")
    if len(name) > NAME_MAX:
        raise InputError("--name is longer than 64 characters, the limit of a certificate name")
    if not is_email(email):
        raise InputError(f"--email '{email}' is not an e-mail address ({EMAIL_HINT})")
    if not key_password:
        raise CredentialError("PIPDOCS_KEY_PASSWORD is empty: a signer's key needs a password")
    if days < 1:
        raise InputError("--days must be at least 1")
    return name, email


def issue_signer(
    ca_dir: Path,
    name: str,
    email: str,
    out_p12: Path,
    ca_password: str,
    key_password: str,
    *,
    days: int = SIGNER_DAYS,
    not_before: datetime | None = None,
) -> IssuedCert:
    """Issue a signing certificate (name in CN, e-mail in the SAN) as a password-protected .p12.

    The .p12 holds the key, the certificate and the root, is written 0600, and its serial is
    logged in ``issued.log``.
    """
    name, email = _checked_signer(name, email, key_password, days)
    check_output(out_p12)
    if out_p12.exists():
        raise CAError(f"{out_p12} already exists; keys are never overwritten; choose another -o")
    root, root_key = load_ca(ca_dir, ca_password)
    start = (not_before or datetime.now(timezone.utc)) - BACKDATE
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = signer_certificate(root, root_key, name, email, key.public_key(), start,
                              start + BACKDATE + timedelta(days=days),
                              extra=revocation_extensions(ca_dir))
    p12 = pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=[root],
        encryption_algorithm=serialization.BestAvailableEncryption(key_password.encode("utf-8")),
    )
    try:
        write_atomic(out_p12, p12, 0o600, exclusive=True)
    except FileExistsError as exc:
        raise CAError(f"{out_p12} already exists; choose another -o") from exc
    log_issued(ca_dir, cert, "signer")
    return IssuedCert(
        out_p12, cert.subject.rfc4514_string(), email, cert.serial_number,
        cert.not_valid_before_utc, cert.not_valid_after_utc, fingerprint(cert),
    )


def signer_certificate(
    root: x509.Certificate, root_key: rsa.RSAPrivateKey, name: str, email: str,
    public_key: Any, start: datetime, end: datetime, extra: Sequence[Any] = (),
) -> x509.Certificate:
    """A signing certificate for ``public_key`` (name in CN, e-mail in the SAN), by the root;
    ``extra``: non-critical extensions such as the CA's CRL and OCSP addresses."""
    builder = (
        _builder(_name(name, _org_of(root)), root.subject, public_key, start, end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
    )
    for extension in extra:  # URL/crl and URL/ocsp (ca init)
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(root_key, hashes.SHA256())


def cert_common_name(cert: x509.Certificate) -> str:
    """The signer's name for messages: the CN, else the whole subject."""
    return cert_name(cert) or cert.subject.rfc4514_string()
