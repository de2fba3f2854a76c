"""The organisation's PKI: its CA, certificate issuance (signers, seal, TSA, short-lived),
revocation (CRL, OCSP), renewal and its RFC 3161 timestamp server and client.

Depends on ``core`` only: signing a PDF (``signing``) and checking one (``verification``) sit
above it and use it.
"""
