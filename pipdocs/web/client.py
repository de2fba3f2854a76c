"""``pipdocs send``: create an envelope on a running ``pipdocs serve`` from the command line."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pipdocs.core.errors import CredentialError, InputError, PipdocsError
from pipdocs.core.files import read_input


def send_pdf(server: str, token: str, pdf: Path, timeout: float = 120) -> dict[str, Any]:
    """POST the prepared PDF to ``server``/api/envelopes; the envelope's JSON."""
    if not server.startswith(("http://", "https://")):
        raise InputError(f"--server '{server}' is not an http:// or https:// URL")
    data = read_input(pdf, "PDF")
    boundary = secrets.token_hex(16)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\";"
            f" filename=\"{pdf.name.encode('ascii', 'replace').decode()}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        server.rstrip("/") + "/api/envelopes", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        detail = _detail(exc.read())
        if exc.code == 401:
            raise CredentialError(f"{server}: the API token was refused ({detail}); make one"
                                  " with 'pipdocs serve token'") from exc
        raise InputError(f"{pdf}: refused by {server} ({exc.code}: {detail})") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise PipdocsError(f"{server}: cannot be reached ({exc}); is pipdocs serve running?") \
            from exc


def _detail(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("detail"))
    except (ValueError, AttributeError):
        return raw[:200].decode("utf-8", "replace")
