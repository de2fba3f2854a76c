"""Session fixtures shared by the test modules: built once, used everywhere.

- ``ca_dir``: one organisation CA (root, TSA certificate) for the whole session; RSA key
  generation is the slow part of every signing test, so it happens once, not per module.
- ``tsa``: that CA's RFC 3161 server over HTTP on a free loopback port.
- ``prepared``: the example plans (zh, en) as prepared PDFs made by the real pipeline (the page
  must name the plan's people, in Chinese too), ready for the first signature.
- ``pdf_text``: poppler's text of a PDF, to check content rather than that a file exists.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import CA_PASSWORD, ORG, free_port
from helpers import pdf_text as _pdf_text

from pipdocs.core.plan import Plan


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's CA directory (password ``helpers.CA_PASSWORD``, organisation ``ORG``)."""
    from pipdocs.pki.ca import init_ca

    path = tmp_path_factory.mktemp("session-ca") / "ca"
    # the certificates name the server's /crl and /ocsp: the port is chosen before it starts
    init_ca(path, ORG, CA_PASSWORD, public_url=f"http://127.0.0.1:{free_port()}/")
    return path


@pytest.fixture(scope="session")
def tsa(ca_dir: Path) -> Iterator[object]:
    """The session CA's server (``.url``): timestamps, CRL and OCSP on the port its
    certificates name; stopped at the end of the session."""
    from urllib.parse import urlsplit

    from pipdocs.core.policy import load_policy
    from pipdocs.pki.revocation import public_url
    from pipdocs.pki.server import make_ca_server

    port = urlsplit(public_url(ca_dir)).port or 0
    server = make_ca_server(ca_dir, CA_PASSWORD, load_policy().tsa_policy_oid, "127.0.0.1", port,
                            quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="test-tsa", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Plan, Path]]:
    """language -> (the example plan, its prepared PDF ready for the first signature)."""
    from pipdocs.core.plan import load_plan
    from pipdocs.demo import example_plan
    from pipdocs.document.pipeline import build_pdf

    root = tmp_path_factory.mktemp("prepared")
    out: dict[str, tuple[Plan, Path]] = {}
    for lang in ("zh", "en"):
        plan = load_plan(example_plan(lang))
        path = root / f"prepared-{lang}.pdf"
        build_pdf(plan, path)  # the real pipeline: the page names the plan's people, in Chinese too
        out[lang] = (plan, path)
    return out


@pytest.fixture(scope="session")
def pdf_text() -> Callable[..., str]:
    """``pdf_text(path, *options)``: the PDF's text through poppler's pdftotext."""
    return _pdf_text


@pytest.fixture(scope="session")
def records_ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A CA holding the organisation's seal key for verification records (``verify --report
    X.pdf --seal CA``), with its server on the port its certificates name (the seal's status).
    Named in Chinese, so a Chinese record carries no English word; password ``ca-secret``."""
    from pipdocs.core.policy import load_policy
    from pipdocs.pki.ca import init_ca
    from pipdocs.pki.seal import issue_seal
    from pipdocs.pki.server import make_ca_server

    path, port = tmp_path_factory.mktemp("records-ca") / "ca", free_port()
    init_ca(path, "档案机构", "ca-secret", public_url=f"http://127.0.0.1:{port}/")
    issue_seal(path, "ca-secret")
    server = make_ca_server(path, "ca-secret", load_policy().tsa_policy_oid, "127.0.0.1", port,
                            quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="records-ca", daemon=True)
    thread.start()
    yield path
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
