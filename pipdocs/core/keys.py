"""Which signing certificates and keys pipdocs accepts, asked the same way by ``sign`` (before it
signs) and ``verify``, so that sign never makes a signature verify must reject.

- The certificate must carry a key-usage extension allowing ``digitalSignature`` or
  ``nonRepudiation`` (pyHanko's validation requires one; without it verification would otherwise
  report a misleading "does not chain to a trust anchor").
- RSA keys need at least 2048 bits (pyHanko's algorithm policy rejects smaller ones).
- RSA or ECDSA only: Ed25519/Ed448 signatures are not accepted by poppler's ``pdfsig`` (the
  viewer-side check an arbitrator runs) and pyHanko's PAdES signer fails on them.
"""

from __future__ import annotations

from typing import Any

MIN_RSA_BITS = 2048
SIGNING_USAGES = {"digital_signature", "non_repudiation"}


def key_problem(cert: Any) -> tuple[str, str, str] | None:
    """(code, English, Chinese) when ``cert`` (cryptography or asn1crypto certificate, or DER)
    cannot make a pipdocs signature; None when it can."""
    from pipdocs.core.identity import asn1_certificate

    parsed = asn1_certificate(cert)
    usage = parsed.key_usage_value
    allowed = set(usage.native) & SIGNING_USAGES if usage is not None else set()
    if not allowed:
        what = "no key-usage extension" if usage is None else \
            "key usage " + ", ".join(sorted(usage.native))
        return ("key_usage",
                f"the certificate is not for signing documents ({what}; digitalSignature or"
                " nonRepudiation is required)",
                f"该证书不能用于签署文件（{'没有密钥用途扩展' if usage is None else what}；"
                "需要 digitalSignature 或 nonRepudiation）")
    algorithm = parsed.public_key.algorithm
    if algorithm == "rsa" and parsed.public_key.bit_size < MIN_RSA_BITS:
        bits = parsed.public_key.bit_size
        return ("weak_key", f"its RSA key has {bits} bits; at least {MIN_RSA_BITS} are required",
                f"其 RSA 密钥只有 {bits} 位，至少需要 {MIN_RSA_BITS} 位")
    if algorithm not in ("rsa", "ec"):
        return ("weak_key", f"its {algorithm} key is not supported; use an RSA (2048 bits or"
                " more) or ECDSA key",
                f"不支持 {algorithm} 密钥，请使用 RSA（2048 位以上）或 ECDSA 密钥")
    return None
