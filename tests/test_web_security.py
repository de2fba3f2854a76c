"""`pipdocs serve` security, over real HTTP without a browser (the page's steps done in Python
with an in-memory P-256 key): tokens, CSRF, cookies, CSP, API authentication, input limits,
double submission, racing signers, key custody and the append-only audit trail."""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from helpers import free_port
from sqlalchemy import select, text
from web_support import CA_PASSWORD, Browserless, Server, prepared_pdf, running

from pipdocs.core.auditchain import chain_problems
from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan
from pipdocs.web.clock import now
from pipdocs.web.delivery import issue_link
from pipdocs.web.models import Envelope, Signer

PLAN = load_plan(example_plan("en"))
EMPLOYEE, MANAGER, HR = (PLAN.person(r) for r in ("employee", "manager", "hr"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(tmp_path_factory.mktemp("web-security")) as srv:
        yield srv


def _new(server: Server) -> tuple[str, str]:
    envelope = server.create(prepared_pdf("en"))
    return str(envelope["id"]), server.link(EMPLOYEE.email)


def test_api_needs_a_valid_token(server: Server) -> None:
    envelope_id, _link = _new(server)
    with httpx.Client(base_url=server.url) as anonymous:
        for method, path in (("POST", "/api/envelopes"), ("GET", f"/api/envelopes/{envelope_id}"),
                             ("GET", f"/api/envelopes/{envelope_id}/document"),
                             ("POST", f"/api/envelopes/{envelope_id}/cancel")):
            assert anonymous.request(method, path).status_code == 401
            assert anonymous.request(method, path, headers={
                "Authorization": "Bearer not-a-token"}).status_code == 401
    with server.api() as api:
        body = api.get(f"/api/envelopes/{envelope_id}").json()
        assert body == {"id": envelope_id, "status": "in_progress", "plan_id": PLAN.plan_id,
                        "kind": "plan",
                        "signers": [{"role": r, "email": PLAN.person(r).email,
                                     "status": "waiting"} for r in ("employee", "manager", "hr")]}
        pdf = api.get(f"/api/envelopes/{envelope_id}/document")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content == prepared_pdf_bytes_of(server, envelope_id)
        assert "/api/envelopes" in api.get("/openapi.json").json()["paths"]


def prepared_pdf_bytes_of(server: Server, envelope_id: str) -> bytes:
    with server.service.sessions() as session:
        return server.service.read_document(session.get(Envelope, envelope_id))


def test_only_prepared_pipdocs_pdfs_are_accepted(server: Server) -> None:
    from pyhanko.pdf_utils.writer import PdfFileWriter

    plain = io.BytesIO()
    PdfFileWriter().write(plain)  # a valid PDF without plan.json or signature fields
    with server.api() as api:
        for name, data, words in (("notes.txt", b"hello", "not a PDF"),
                                  ("other.pdf", plain.getvalue(), "plan.json")):
            response = api.post("/api/envelopes", files={"file": (name, data)})
            assert response.status_code == 422
            assert words in response.json()["detail"]
        big = api.post("/api/envelopes", files={"file": ("big.pdf", b"%PDF-" + b"0" * 23_000_000)})
        assert big.status_code == 413
    step = httpx.post(f"{server.url}/s/whatever/start", content=b"x" * 100_000,
                      headers={"Content-Type": "application/json"})
    assert step.status_code == 413


def test_link_tokens_are_long_hashed_and_expire(server: Server) -> None:
    envelope_id, link = _new(server)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", token)  # >= 128 bits
    database = (server.service.settings.data_dir / "pipdocs.sqlite3").read_bytes()
    wal = server.service.settings.data_dir / "pipdocs.sqlite3-wal"
    assert token.encode() not in database + (wal.read_bytes() if wal.exists() else b"")
    with server.service.sessions.begin() as session:
        signer = session.scalars(select(Signer).where(Signer.envelope_id == envelope_id)).first()
        assert signer.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert signer.token_expires is not None
        signer.token_expires = now() - timedelta(seconds=1)
    page = httpx.get(link)
    assert page.status_code == 410 and 'data-state="expired"' in page.text
    assert 'data-testid="sign"' not in page.text
    assert httpx.get(f"{server.url}/s/{'A' * 32}").status_code == 404


def test_pages_carry_csp_and_cookies_are_httponly_samesite(server: Server) -> None:
    _envelope, link = _new(server)
    page = httpx.get(link)
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # no inline script
    assert not re.search(r"\son[a-z]+=", page.text)  # no inline event handlers
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    login = httpx.get(f"{server.url}/login")
    assert "samesite=strict" in login.headers["set-cookie"].lower()
    assert 'name="csrf"' in login.text


def test_every_step_needs_the_csrf_token_of_its_session(server: Server) -> None:
    _envelope, link = _new(server)
    signer = Browserless(server, link)
    codes = len(server.mails(EMPLOYEE.email, "code"))
    assert httpx.post(f"{link}/code", cookies=signer.http.cookies).status_code == 403
    stranger = httpx.Client()
    stranger.get(link)  # its own session: the first browser's token is worth nothing there
    assert stranger.post(f"{link}/code", headers={"X-CSRF-Token": signer.csrf}).status_code == 403
    assert stranger.post(f"{link}/decline", json={"reason": "x"},
                         headers={"X-CSRF-Token": signer.csrf}).status_code == 403
    assert len(server.mails(EMPLOYEE.email, "code")) == codes
    hr_login = httpx.post(f"{server.url}/login", data={"email": "a@b.c", "password": "x" * 12,
                                                        "csrf": "0" * 64})
    assert hr_login.status_code == 403


def test_codes_are_rate_limited_and_one_time(server: Server) -> None:
    _envelope, link = _new(server)
    signer = Browserless(server, link)
    assert signer.post("code").status_code == 200
    assert signer.post("code").status_code == 429  # too soon after the first
    code = server.code(EMPLOYEE.email)
    message = server.mails(EMPLOYEE.email, "code")[-1]
    body = message.get_body(("plain",)).get_content()
    assert re.findall(r"\d{6}", body) == [code]  # the only 6-digit number
    started = signer.start(code)
    assert started.status_code == 200
    again = Browserless(server, link)  # the same code a second time (a forwarded mail)
    assert again.start(code).status_code == 403


def test_double_submission_signs_once(server: Server) -> None:
    envelope_id, link = _new(server)
    signer = Browserless(server, link)
    assert signer.post("code").status_code == 200
    started = signer.start(server.code(EMPLOYEE.email))
    body = {"signature": signer.signature(started.json()["signed_attrs"])}
    results: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: results.append(signer.post("finish", body)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [200] * 4
    assert {r.json()["state"] for r in results} == {"signed"}
    with server.service.sessions() as session:
        envelope = session.get(Envelope, envelope_id)
        assert envelope.version == 2  # prepared + exactly one signature
        data = server.service.read_document(envelope)
        kinds = [e.kind for e in envelope_events(session, envelope_id)]
    assert data.count(b"/ETSI.CAdES.detached") == 1
    assert kinds.count("signed") == 1
    assert len(server.mails(MANAGER.email, "link")) >= 1


def envelope_events(session: object, envelope_id: str) -> list[object]:
    from pipdocs.web.models import Event

    return list(session.scalars(  # type: ignore[attr-defined]
        select(Event).where(Event.envelope_id == envelope_id).order_by(Event.id)))


def test_racing_signers_keep_the_order(server: Server) -> None:
    """The manager, with a link issued early, races the employee: the manager is refused until
    the employee's signature is in, and the document ends in policy order."""
    envelope_id, link = _new(server)
    with server.service.sessions.begin() as session:
        early = issue_link(server.service, session, session.get(Envelope, envelope_id).signers[1])
    employee = Browserless(server, link)
    manager = Browserless(server, server.link(EMPLOYEE.email))  # a session with a CSRF token
    manager.link = early
    assert employee.post("code").status_code == 200
    started = employee.start(server.code(EMPLOYEE.email))
    finish = {"signature": employee.signature(started.json()["signed_attrs"])}
    outcome: dict[str, int] = {}

    def manager_tries() -> None:
        outcome["code"] = manager.post("code").status_code

    racer = threading.Thread(target=manager_tries)
    racer.start()
    assert employee.post("finish", finish).status_code == 200
    racer.join()
    with server.service.sessions() as session:
        envelope = session.get(Envelope, envelope_id)
        states = [s.status for s in envelope.signers]
    assert states == ["signed", "waiting", "waiting"]
    assert outcome["code"] in (404, 409)  # before: refused (409); after: a new link (404)


def test_complete_envelope_audit_trail_and_key_custody(server: Server, tmp_path: Path) -> None:
    envelope_id, link = _new(server)
    for person, url in ((EMPLOYEE, link), (MANAGER, None), (HR, None)):
        signer = Browserless(server, url or server.link(person.email))
        # the employee chooses neither agree nor disagree: receipt is acknowledged, as by `sign`
        assert signer.sign(person.email, agree=None).status_code == 200
    with server.service.sessions() as session:
        envelope = session.get(Envelope, envelope_id)
        assert envelope.status == "completed"
        final = server.service.read_document(envelope)
        events = envelope_events(session, envelope_id)
        assert all(s.pending is None for s in envelope.signers)
    kinds = [e.kind for e in events]  # type: ignore[attr-defined]
    for kind in ("created", "mailed", "opened", "code_sent", "code_verified", "signed",
                 "completed"):
        assert kind in kinds
    opened = [e for e in events if e.kind == "opened"]  # type: ignore[attr-defined]
    assert opened[0].ip == "127.0.0.1" and "python-httpx" in opened[0].user_agent

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(final))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    files = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    audit = json.loads(files["audit.json"]["/EF"]["/F"].data)
    assert chain_problems(audit) == []
    assert [e["kind"] for e in audit["events"]][-1] == "completed"
    forged = json.loads(json.dumps(audit))
    forged["events"][1]["ip"] = "10.0.0.1"
    assert chain_problems(forged)
    # the audit table is append-only in the database itself
    with pytest.raises(Exception, match="append-only"), server.service.engine.begin() as conn:
        conn.execute(text("UPDATE events SET ip = '10.0.0.1'"))
    # nor can it fork: a second successor of the same event is refused
    from sqlalchemy.exc import IntegrityError

    from pipdocs.web.models import Event

    first = events[0]
    with pytest.raises(IntegrityError), server.service.sessions.begin() as session:
        session.add(Event(envelope_id=envelope_id, at=first.at, kind="forged", actor="x", ip="",
                          user_agent="", detail="{}", prev_hash=first.prev_hash, hash="f" * 64))
    # no signer key anywhere: the only private keys under DATA are the CA's (root, TSA, OCSP
    # responder), encrypted
    keys = []
    for path in server.service.settings.data_dir.rglob("*"):
        if path.is_file() and b"PRIVATE KEY" in path.read_bytes():
            keys.append(path.relative_to(server.service.settings.data_dir).as_posix())
            assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert sorted(keys) == ["ca/ocsp.key", "ca/root.key", "ca/tsa.key"]
    _verify_fails_after_a_later_change(server, final, tmp_path)
    _long_term_evidence(server, final, tmp_path)


def test_no_browser_signature_without_revocation_data(tmp_path: Path) -> None:
    """As `sign` refuses, so does the service (503, nothing signed, the code not spent) when no
    CRL or OCSP answer can be had: the CA's address is dead and the TSA serves timestamps only."""
    from pipdocs.core.policy import load_policy
    from pipdocs.pki.ca import init_ca
    from pipdocs.pki.tsa import make_server

    ca = tmp_path / "ca"
    init_ca(ca, "pipdocs", CA_PASSWORD, public_url=f"http://127.0.0.1:{free_port()}/")
    tsa = make_server(ca, CA_PASSWORD, load_policy().tsa_policy_oid, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=tsa.serve_forever, daemon=True)
    thread.start()
    pdf = prepared_pdf("en")
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("PIPDOCS_CA_PASSWORD", CA_PASSWORD)
            with running(tmp_path / "data", ca_dir=ca, tsa=tsa.url) as srv:
                envelope = srv.create(pdf)
                signer = Browserless(srv, srv.link(EMPLOYEE.email))
                assert signer.post("code").status_code == 200
                code = srv.code(EMPLOYEE.email)
                refused = signer.start(code)
                assert refused.status_code == 503, refused.text
                assert "no revocation data" in refused.json()["detail"]
                with srv.api() as api:
                    state = api.get(f"/api/envelopes/{envelope['id']}").json()
                    document = api.get(f"/api/envelopes/{envelope['id']}/document").content
                assert [s["status"] for s in state["signers"]] == ["waiting"] * 3
                assert document == pdf
                assert signer.start(code).status_code == 503  # the code is still good
    finally:
        tsa.shutdown()
        tsa.server_close()
        thread.join(10)


def _long_term_evidence(server: Server, final: bytes, tmp_path: Path) -> None:
    """As with `pipdocs sign`: each browser signature is PAdES B-LT (the status of its
    short-lived certificate and of the TSA's is embedded), the last is followed by archive_ts_1
    (B-LTA), and audit.json's seal comes after that. Without the archive timestamp the record
    fails; without only the seal it verifies, but no longer claims an audit trail."""
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    from pipdocs.verification.verify import verify_pdf

    root, policy = [server.service.ca_dir / "root.pem"], server.service.policy
    sigs = PdfFileReader(io.BytesIO(final)).embedded_signatures
    assert [s.field_name for s in sigs][-5:-1] == \
        ["sig_employee", "sig_manager", "sig_hr", "archive_ts_1"]
    assert sigs[-1].sig_object["/Type"] == "/DocTimeStamp" != sigs[-3].sig_object["/Type"]
    for sig in sigs[-5:-2]:  # revocable like every certificate of the CA
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
        cert.extensions.get_extension_for_class(x509.CRLDistributionPoints)
        cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(final)
    report = verify_pdf(whole, root, policy=policy)
    assert report.ok and report.long_term and report.long_term.level == "B-LTA"
    assert {r.status for r in report.long_term.revocation} == {"good"}
    assert {r.role for r in report.long_term.revocation} == {"signer", "timestamp"}
    # no seal key in the CA directory: a bare document timestamp, and verify says what it proves
    sealed = next(w for w in report.warnings if w.code == "audit_sealed")
    assert sealed.params["sealed_by"] == "" and sigs[-1].field_name != "audit_seal"
    assert "proves that the trail existed then, not who wrote it" in sealed.message
    for cut_after, ok in ((sigs[-2], True), (sigs[-3], False)):
        cut = tmp_path / f"cut-after-{cut_after.field_name}.pdf"
        cut.write_bytes(final[: cut_after.byte_range[2] + cut_after.byte_range[3]])
        stripped = verify_pdf(cut, root, policy=policy)
        assert stripped.ok is ok and not any(w.code == "audit_sealed" for w in stripped.warnings)
        assert ok or "lta_missing" in {p.code for p in stripped.problems}


def _verify_fails_after_a_later_change(server: Server, final: bytes, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from pipdocs.verification.verify import verify_pdf

    good = tmp_path / "final.pdf"
    good.write_bytes(final)
    root = [server.service.ca_dir / "root.pem"]
    report = verify_pdf(good, root)
    assert report.ok, [p.message for p in report.problems]
    assert report.signatures[0].reason == server.service.policy.reason("employee", "en")
    done = server.mails(EMPLOYEE.email, "completed")[-1]
    names = {part.get_filename() for part in done.iter_attachments()}
    assert names == {f"{PLAN.plan_id}-signed.pdf", "verification.txt", "verification.html"}
    assert any(w.code == "audit_sealed" for w in report.warnings)
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(final))
    writer.root["/Lang"] = generic.TextStringObject("fr")  # any change after the seal
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    bad = tmp_path / "changed.pdf"
    bad.write_bytes(out.getvalue())
    assert not verify_pdf(bad, root).ok


def test_hr_pages_login_list_upload_resend_cancel_download(server: Server) -> None:
    from pipdocs.web.access import add_user

    add_user(server.service.sessions, "boss@example.com", "correct horse battery")
    hr = httpx.Client(base_url=server.url)
    assert hr.get("/").status_code == 303  # not logged in: to the login page
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', hr.get("/login").text).group(1)
    wrong = hr.post("/login", data={"email": "boss@example.com", "password": "nope-nope-nope",
                                    "csrf": csrf})
    assert "Wrong e-mail or password" in wrong.text and "pipdocs_hr" not in hr.cookies
    done = hr.post("/login", data={"email": "boss@example.com",
                                   "password": "correct horse battery", "csrf": csrf})
    assert done.status_code == 303
    assert "httponly" in done.headers["set-cookie"].lower()
    assert "samesite=strict" in done.headers["set-cookie"].lower()
    before = len(server.mails(EMPLOYEE.email, "link"))
    upload = hr.post("/envelopes", data={"csrf": csrf},
                     files={"file": ("plan.pdf", prepared_pdf("en"))})
    assert upload.status_code == 303
    assert len(server.mails(EMPLOYEE.email, "link")) == before + 1
    listing = hr.get("/").text
    envelope_id = re.search(r'data-envelope="([0-9a-f]{32})"', listing).group(1)
    assert PLAN.plan_id in listing and "in_progress" in listing
    first_link = server.link(EMPLOYEE.email)
    assert hr.post(f"/envelopes/{envelope_id}/resend", data={"csrf": csrf}).status_code == 303
    assert server.link(EMPLOYEE.email) != first_link
    assert httpx.get(first_link).status_code == 404  # the resent link replaces the old one
    assert hr.post(f"/envelopes/{envelope_id}/cancel", data={"csrf": "0" * 64}).status_code \
        == 403
    assert hr.post(f"/envelopes/{envelope_id}/cancel", data={"csrf": csrf}).status_code == 303
    assert re.search(rf'data-envelope="{envelope_id}">\s*<td>[^<]*</td>\s*'
                     r'<td class="envelope-status" data-status="cancelled">', hr.get("/").text)
    pdf = hr.get(f"/envelopes/{envelope_id}/document")
    assert pdf.content.startswith(b"%PDF-")
    assert httpx.get(f"{server.url}/envelopes/{envelope_id}/document").status_code == 303


def test_cli_token_and_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pipdocs.cli.main import cli
    from pipdocs.web.access import check_password
    from pipdocs.web.db import open_database
    from pipdocs.web.models import ApiToken

    runner = CliRunner()
    data = tmp_path / "data"
    made = runner.invoke(cli, ["serve", "token", "--data", str(data), "--email", "hr@x.example"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    sessions = open_database(data, None)
    with sessions() as session:
        hashes = [t.token_hash for t in session.scalars(select(ApiToken))]
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]
    monkeypatch.setenv("PIPDOCS_HR_PASSWORD", "a long enough password")
    added = runner.invoke(cli, ["serve", "user", "add", "--data", str(data), "--email",
                                "hr@x.example"])
    assert added.exit_code == 0, added.output
    assert check_password(sessions, "hr@x.example", "a long enough password") is not None
    assert check_password(sessions, "hr@x.example", "wrong password!") is None
    no_data = runner.invoke(cli, ["serve"])
    assert no_data.exit_code == 2 and "--data" in no_data.output


def test_pipdocs_send(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pipdocs.cli.main import cli

    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(prepared_pdf("en"))
    runner = CliRunner()
    monkeypatch.setenv("PIPDOCS_API_TOKEN", server.token)
    sent = runner.invoke(cli, ["send", str(pdf), "--server", server.url])
    assert sent.exit_code == 0, sent.output
    envelope_id = re.search(r"envelope ([0-9a-f]{32}) in_progress", sent.output).group(1)
    assert f"employee {EMPLOYEE.email} (waiting)" in sent.output
    with server.api() as api:
        assert api.get(f"/api/envelopes/{envelope_id}").status_code == 200
    monkeypatch.setenv("PIPDOCS_API_TOKEN", "wrong")
    refused = runner.invoke(cli, ["send", str(pdf), "--server", server.url])
    assert refused.exit_code == 2 and "API token was refused" in refused.output


def _hr_client(server: Server, email: str, language: str) -> tuple[httpx.Client, str]:
    """A logged-in HR browser session (cookies) and its CSRF token: an admin, who sees the
    envelopes the API token's user made."""
    from pipdocs.web.access import add_user

    add_user(server.service.sessions, email, "correct horse battery", admin=True)
    hr = httpx.Client(base_url=server.url, headers={"Accept-Language": language}, timeout=60)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', hr.get("/login").text).group(1)
    assert hr.post("/login", data={"email": email, "password": "correct horse battery",
                                   "csrf": csrf}).status_code == 303
    return hr, csrf


def test_refusal_record_only_for_an_employee_decline(server: Server) -> None:
    """A manager's decline is not the employee refusing: no record, said on the page and by a
    409; an envelope still in progress has nothing to record; the witness is required and a
    wrong CSRF token is refused, each without creating an envelope."""
    hr, csrf = _hr_client(server, "refusals@example.com", "en")
    manager_declines, link = _new(server)
    Browserless(server, link).sign(EMPLOYEE.email)
    assert Browserless(server, server.link(MANAGER.email)).post(
        "decline", {"reason": "I was not in the review"}).json()["state"] == "declined"
    pending, _link = _new(server)
    employee_declines, link = _new(server)
    assert Browserless(server, link).post(
        "decline", {"reason": "Never discussed"}).json()["state"] == "declined"
    with server.api() as api:
        count = len(api.get("/api/envelopes").json())
    row = hr.get("/").text.split(f'data-envelope="{manager_declines}"')[1].split("</tr>")[0]
    assert "I was not in the review" in row and "no employee refusal record" in row
    assert "record-refusal" not in row
    refused = hr.get(f"/envelopes/{manager_declines}/refusal")
    assert refused.status_code == 409 and "not by the employee" in refused.text
    for envelope_id in (manager_declines, pending):
        answer = hr.post(f"/envelopes/{envelope_id}/refusal",
                         data={"csrf": csrf, "witness_name": "Ann Lee", "witness_title": "Clerk"})
        assert answer.status_code == 409, answer.text
    assert hr.post(f"/envelopes/{employee_declines}/refusal",
                   data={"csrf": "0" * 64, "witness_name": "Ann Lee",
                         "witness_title": "Clerk"}).status_code == 403
    missing = hr.post(f"/envelopes/{employee_declines}/refusal",
                      data={"csrf": csrf, "witness_name": "Ann Lee", "witness_title": " "})
    assert missing.status_code == 422 and "witness.title" in missing.text
    assert 'value="Ann Lee"' in missing.text  # what HR typed is kept
    # the same through the API for HR systems
    witness = {"witness": {"name": "Ann Lee", "title": "Clerk"}}
    assert httpx.post(f"{server.url}/api/envelopes/{employee_declines}/refusal",
                      json=witness).status_code == 401
    with server.api() as api:
        refused_api = api.post(f"/api/envelopes/{manager_declines}/refusal", json=witness)
        assert refused_api.status_code == 409 and refused_api.json()["state"] == "not_employee"
        unnamed = api.post(f"/api/envelopes/{employee_declines}/refusal",
                           json={"witness": {"name": "", "title": "Clerk"}})
        assert unnamed.status_code == 422 and unnamed.json()["detail"][0]["path"] \
            == "witness.name"
    with server.api() as api:
        assert len(api.get("/api/envelopes").json()) == count
    with server.service.sessions() as session:
        kinds = [e.kind for e in envelope_events(session, employee_declines)]
    assert "refusal_recorded" not in kinds and kinds[-1] == "declined"


def test_hr_pages_in_chinese_with_a_switch(server: Server) -> None:
    """The HR pages follow Accept-Language (zh here), and the switch keeps the choice."""
    hr, _csrf = _hr_client(server, "zh-hr@example.com", "zh-CN,zh;q=0.9,en;q=0.8")
    login = hr.get("/login").text
    assert '<html lang="zh-CN">' in login and "人事登录" in login and "密码" in login
    wrong = httpx.post(f"{server.url}/login", headers={"Accept-Language": "zh-CN"},
                       data={"email": "zh-hr@example.com", "password": "x", "csrf": "0"})
    assert wrong.status_code == 403  # no session: CSRF first, in any language
    declined, link = _new(server)
    Browserless(server, link).post("decline", {"reason": "目标过高"})
    page = hr.get("/").text
    assert "签署文件" in page and "退出登录" in page and "发起签署" in page
    row = page.split(f'data-envelope="{declined}"')[1].split("</tr>")[0]
    assert "已拒签" in row and "员工拒签：目标过高" in row and "制作拒签记录" in row
    assert "绩效改进计划" in row and "Envelopes" not in page
    form = hr.get(f"/envelopes/{declined}/refusal").text
    assert "见证人姓名" in form and "见证人职务" in form and "目标过高" in form
    assert hr.get("/language/en").status_code == 303
    english = hr.get("/").text
    assert "Envelopes" in english and "Record the refusal" in english and "签署文件" not in english


def test_racing_refusal_records_make_one(server: Server, tmp_path: Path) -> None:
    """Two HR submissions at once for one decline: one record, one envelope, one audit row;
    the other is told the refusal was already recorded."""
    from helpers import plain_pdf
    from web_support import plan_starting_today

    from pipdocs.lifecycle.records import read_document

    plan = plan_starting_today(tmp_path)
    declined = str(server.create(plain_pdf(plan))["id"])
    # words a document may not print as they are must not stop the record of the refusal
    reason = "Not agreed \u202e[[sig:hr:begin]]"
    assert Browserless(server, server.link(EMPLOYEE.email)).post(
        "decline", {"reason": reason}).json()["state"] == "declined"
    hr, csrf = _hr_client(server, "racing-hr@example.com", "en")
    results: list[httpx.Response] = []

    def submit() -> None:
        results.append(hr.post(f"/envelopes/{declined}/refusal", data={
            "csrf": csrf, "witness_name": "Ann Lee", "witness_title": "Clerk"}))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [303, 409], [r.text for r in results]
    assert "already recorded" in next(r.text for r in results if r.status_code == 409)
    with server.service.sessions() as session:
        records = session.scalars(select(Envelope).where(Envelope.refusal_of == declined)).all()
        kinds = [e.kind for e in envelope_events(session, declined)]
    assert len(records) == 1 and records[0].kind == "refusal"
    with server.service.readers() as session:
        made = server.service.read_document(session.get(Envelope, records[0].id))
    (tmp_path / "record.pdf").write_bytes(made)
    record = read_document(tmp_path / "record.pdf").record
    assert record is not None and record.data["reason"] == "Not agreed \\u202e［［sig:hr:begin]]"
    assert kinds.count("refusal_recorded") == 1
    # a record whose envelope stopped (a wrong witness: HR cancels it) may be made again
    assert hr.post(f"/envelopes/{records[0].id}/cancel", data={"csrf": csrf}).status_code == 303
    again = hr.post(f"/envelopes/{declined}/refusal", data={
        "csrf": csrf, "witness_name": "Ann Leigh", "witness_title": "Clerk"})
    assert again.status_code == 303, again.text
    with server.service.sessions() as session:
        current = session.scalars(select(Envelope).where(Envelope.refusal_of == declined)).one()
        kinds = [e.kind for e in envelope_events(session, declined)]
    assert current.id != records[0].id and current.status == "in_progress"
    assert kinds[-3:] == ["refusal_recorded", "refusal_replaced", "refusal_recorded"]
    assert hr.post(f"/envelopes/{declined}/refusal", data={
        "csrf": csrf, "witness_name": "Ann Leigh", "witness_title": "Clerk"}).status_code == 409


def test_decline_records_whether_the_code_was_verified(server: Server) -> None:
    """Declining needs no code, but the trail and the refusal record's facts say whether the
    declining session had verified the code sent to the plan's address: with the decline, or
    earlier in the same session (before signing). A wrong code with a decline is refused and
    counted, and the envelope is not declined."""
    hr, _csrf = _hr_client(server, "declines@example.com", "en")
    cases = {}
    for how in ("with_code", "started_first", "without_code"):
        envelope_id, link = _new(server)
        employee = Browserless(server, link)
        if how == "with_code":
            assert employee.post("code").status_code == 200
            right = server.code(EMPLOYEE.email)
            wrong = employee.post("decline", {"reason": "No",
                                              "code": f"{(int(right) + 1) % 10**6:06d}"})
            assert wrong.status_code == 403 and wrong.json()["state"] == "wrong_code"
            declined = employee.post("decline", {"reason": "No", "code": right})
        elif how == "started_first":  # code verified in this session, then the signer declines
            assert employee.post("code").status_code == 200
            assert employee.start(server.code(EMPLOYEE.email)).status_code == 200
            declined = employee.post("decline", {"reason": "Changed my mind"})
        else:
            declined = employee.post("decline", {"reason": "Never discussed"})
        assert declined.json()["state"] == "declined", declined.text
        with server.service.sessions() as session:
            events = envelope_events(session, envelope_id)
        kinds = [e.kind for e in events]  # type: ignore[attr-defined]
        details = [json.loads(e.detail) for e in events]  # type: ignore[attr-defined]
        cases[how] = (envelope_id, details[kinds.index("declined")])
        assert kinds.count("code_failed") == (1 if how == "with_code" else 0)
    for how, (envelope_id, detail) in cases.items():
        form = hr.get(f"/envelopes/{envelope_id}/refusal").text
        delivered = form.split('data-testid="refusal-delivered">')[1].split("</dd>")[0]
        code = form.split('data-testid="refusal-code"')[1].split("</dd>")[0]
        if how == "without_code":
            assert detail["code_verified"] is False and "code_verified_at" not in detail
            assert "without verifying the one-time code" in delivered
            assert 'data-verified="no"' in code and 'data-testid="unconfirmed"' in form
        else:
            assert detail["code_verified"] is True, how
            assert detail["code_sent_to"] == EMPLOYEE.email and detail["code_verified_at"]
            assert f"after verifying the one-time code sent to {EMPLOYEE.email} at" in delivered
            assert 'data-verified="yes"' in code and 'data-testid="unconfirmed"' not in form
