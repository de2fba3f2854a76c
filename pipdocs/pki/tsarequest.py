"""What the organisation's TSA accepts: RFC 3161 requests checked before anything is signed.

Kept apart from the server and the client (tsa.py) so the rules read in one place: v1 only,
a known digest of the right length, our policy or none, no extensions, and a nonce that is a
positive number of at most 32 bytes. A refusal is a proper RFC 3161 rejection saying why.
"""

from __future__ import annotations

from asn1crypto import core, tsp

from pipdocs.core.limits import cut

QUERY_TYPE, REPLY_TYPE = "application/timestamp-query", "application/timestamp-reply"
MAX_REQUEST_BYTES = 16 * 1024  # a TimeStampReq is ~100 bytes; anything this big is not one
MAX_REPLY_BYTES = 1 << 20  # a TimeStampResp with its certificates is a few kilobytes
MAX_NONCE_BYTES = 32  # RFC 3161 clients send 8 (pyHanko, openssl) to 16 bytes
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64, "sha3_256": 32, "sha3_384": 48,
                "sha3_512": 64}



class RequestRejected(Exception):
    """A request the TSA will not stamp; ``fail_info`` is the RFC 3161 PKIFailureInfo bit."""

    def __init__(self, message: str, fail_info: str) -> None:
        super().__init__(message)
        self.fail_info = fail_info


def check_request(req: tsp.TimeStampReq, policy_oid: str) -> None:
    """Raise RequestRejected unless ``req`` is a v1 request we can honestly stamp."""
    try:
        req.native  # noqa: B018 - forces a full parse; lazy asn1crypto would fail later
        version = req["version"].native
        imprint = req["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        digest = imprint["hashed_message"].native
        requested_policy = req["req_policy"].native
        extensions = req["extensions"].native
        nonce = req["nonce"].native
    except Exception as exc:  # noqa: BLE001 - any parse failure is a malformed request
        raise RequestRejected(f"malformed TimeStampReq: {exc}", "bad_data_format") from exc
    if version != "v1":
        raise RequestRejected(f"unsupported request version {version}", "bad_request")
    if algorithm not in DIGEST_SIZES:
        raise RequestRejected(f"hash algorithm {algorithm} is not accepted", "bad_alg")
    if not isinstance(digest, bytes) or len(digest) != DIGEST_SIZES[algorithm]:
        raise RequestRejected(f"message imprint is not a {algorithm} digest", "bad_data_format")
    if requested_policy is not None and requested_policy != policy_oid:
        raise RequestRejected(f"policy {requested_policy} is not offered", "unaccepted_policy")
    if extensions:
        raise RequestRejected("request extensions are not supported", "unaccepted_extension")
    if nonce is not None and not 0 <= nonce < 1 << (8 * MAX_NONCE_BYTES):
        raise RequestRejected(f"the nonce must be a positive number of at most {MAX_NONCE_BYTES}"
                              " bytes", "bad_request")


class RejectionResponse(core.Sequence):
    """TimeStampResp without a token (asn1crypto's TimeStampResp insists on one)."""

    _fields = [("status", tsp.PKIStatusInfo)]


def rejection(message: str, fail_info: str) -> core.Sequence:
    """An RFC 3161 response that says no, and why."""
    status = tsp.PKIStatusInfo(
        {"status": "rejection", "status_string": [cut(message)], "fail_info": {fail_info}}
    )
    return RejectionResponse({"status": status})
