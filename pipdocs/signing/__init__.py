"""Signing: PAdES signatures on a prepared PDF (``sign``), whether a document may be signed now
(``admission``), the visible stamp, revocation data for signing, the organisation's seal and
signing with a key held in the signer's browser. The CA and the TSA are in :mod:`pipdocs.pki`.

Imports document and the layers below it; never verification (the rules both apply are in
:mod:`pipdocs.document.rulebook`).
"""
