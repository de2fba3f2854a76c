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

from pipdocs.core.i18n import N_, tr_in

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
        message = N_("the certificate is not for signing documents ({what}; digitalSignature or"
                     " nonRepudiation is required)")
        if usage is None:
            missing = N_("no key-usage extension")
            return ("key_usage", message.format(what=missing),
                    tr_in("zh", message).format(what=tr_in("zh", missing)))
        return ("key_usage", *_both(message, what="key usage " + ", ".join(sorted(usage.native))))
    algorithm = parsed.public_key.algorithm
    if algorithm == "rsa" and parsed.public_key.bit_size < MIN_RSA_BITS:
        return ("weak_key", *_both(N_("its RSA key has {bits} bits; at least {minimum} are"
                                      " required"),
                                   bits=str(parsed.public_key.bit_size), minimum=str(MIN_RSA_BITS)))
    if algorithm not in ("rsa", "ec"):
        return ("weak_key", *_both(N_("its {algorithm} key is not supported; use an RSA (2048"
                                      " bits or more) or ECDSA key"), algorithm=algorithm))
    return None


def _both(message: str, **values: str) -> tuple[str, str]:
    """``message`` in English and in Chinese, values filled in (the verifier reports both)."""
    return message.format(**values), tr_in("zh", message).format(**values)
