"""The organisation's seal: a certification signature applied when a document is prepared.

Why: plan.json names the signers, so a forger who rewrites a whole prepared PDF consistently
(page and plan.json both naming Mallory) produces a document every other check accepts. The seal
is made with a key only the organisation holds (``seal.p12`` in the CA directory, issued by the
organisation CA with the pipdocs seal purpose in its extended key usage, which no person's key
carries), so such a rewrite lacks it; ``seal: required`` in the policy makes ``sign`` and
``verify`` insist on it.

The seal certifies the document (DocMDP P=2: only the signature fields may be filled later), so
the first role's signature becomes an approval signature. It carries no timestamp: its time is
proven by the timestamps of the signatures that follow it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError

from pipdocs.core.errors import CredentialError, SigningRefused
from pipdocs.core.identity import is_seal_certificate
from pipdocs.core.names import SEAL_FIELD
from pipdocs.pki.seal import SEAL_P12
from pipdocs.signing.sign import LoadedSigner, load_signer


@lru_cache(maxsize=4)
def _loaded(p12: str, password: str) -> LoadedSigner:
    """The seal key, decrypted once per process (bulk seals hundreds of documents)."""
    path = Path(p12)
    if not path.is_file():
        raise CredentialError(f"{path} does not exist: issue the seal key with"
                              " 'pipdocs ca issue-seal --dir CA_DIR'")
    loaded = load_signer(path, password)
    der = loaded.signer.signing_cert.dump() if loaded.signer.signing_cert else b""
    if not der or not is_seal_certificate(x509.load_der_x509_certificate(der)):
        raise CredentialError(f"{path}: not a seal key (its certificate lacks the pipdocs seal"
                              " purpose); issue one with 'pipdocs ca issue-seal'")
    return loaded


def load_seal(ca_dir: Path, password: str) -> LoadedSigner:
    """The organisation's seal key (pyHanko signer, decrypted once per process), for sealing
    more than prepared PDFs: the signing service seals its audit trail with it."""
    return _loaded(str(Path(ca_dir) / SEAL_P12), password)


@dataclass(frozen=True)
class Sealer:
    """Seals prepared PDFs with the key in ``ca_dir/seal.p12`` (picklable: bulk hands it to
    its preparing processes, each of which decrypts the key once)."""

    ca_dir: str
    password: str

    def __repr__(self) -> str:  # never show the password
        return f"Sealer({self.ca_dir!r})"

    def check(self) -> Sealer:
        """Open the key now, so a wrong password fails before any document is made."""
        _loaded(str(Path(self.ca_dir) / SEAL_P12), self.password)
        return self

    def __call__(self, pdf: bytes) -> bytes:
        return seal_pdf(pdf, _loaded(str(Path(self.ca_dir) / SEAL_P12), self.password))


def seal_pdf(pdf: bytes, loaded: LoadedSigner) -> bytes:
    """Certify ``pdf`` (a freshly prepared document) in a new invisible field ``sig_seal``."""
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD, md_algorithm="sha256", certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS, subfilter=fields.SigSeedSubFilter.PADES,
        reason="Prepared by the organisation (pipdocs seal)", name=loaded.name,
    )
    out = io.BytesIO()
    try:
        signers.PdfSigner(meta, loaded.signer, new_field_spec=fields.SigFieldSpec(SEAL_FIELD))\
            .sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), output=out)
    except (SigningError, PdfError) as exc:
        raise SigningRefused(f"the seal could not be applied ({exc})") from exc
    return out.getvalue()
