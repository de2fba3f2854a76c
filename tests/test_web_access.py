"""Who may do what on `pipdocs serve`, over real HTTP against a live server: the login attempt
limit (per account and per address, held in the database across processes), logout ending the
session on the server, revocable API tokens, envelopes owned by the HR user who made them (an
admin sees all), HR's refusal note kept apart from the service's facts, and a data directory
readable by its owner only."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from web_support import Browserless, Server, prepared_pdf, running

from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan
from pipdocs.web.access import add_user, make_token

PLAN = load_plan(example_plan("en"))
EMPLOYEE = PLAN.person("employee")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(tmp_path_factory.mktemp("web-access")) as srv:
        yield srv


def _login_form(client: httpx.Client) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/login").text)
    assert found is not None
    return found.group(1)


def _login(client: httpx.Client, csrf: str, email: str, password: str) -> httpx.Response:
    return client.post("/login", data={"email": email, "password": password, "csrf": csrf})


def test_login_attempts_are_limited_per_account_across_processes(tmp_path: Path) -> None:
    """Five wrong passwords, then 429 with a clear message in the page's language, even for
    the right password; a second server process on the same database refuses too."""
    data = tmp_path / "data"
    with running(data) as first:
        add_user(first.service.sessions, "boss@example.com", PASSWORD)
        hr = httpx.Client(base_url=first.url, timeout=60)
        csrf = _login_form(hr)
        answers = [_login(hr, csrf, "boss@example.com", f"guess number {n}") for n in range(5)]
        assert [a.status_code for a in answers] == [200] * 5
        assert all("Wrong e-mail or password" in a.text for a in answers)
        limited = _login(hr, csrf, "Boss@example.com", PASSWORD)  # case does not get around it
        assert limited.status_code == 429
        assert "Too many failed logins; try again in 15 minutes" in limited.text
        assert "pipdocs_hr" not in hr.cookies
    with running(data) as second:
        zh = httpx.Client(base_url=second.url, timeout=60, headers={"Accept-Language": "zh-CN"})
        refused = _login(zh, _login_form(zh), "boss@example.com", PASSWORD)
        assert refused.status_code == 429 and "登录失败次数过多，请 15 分钟后再试" in refused.text
        # another account is not locked by this one's failures
        add_user(second.service.sessions, "other@example.com", PASSWORD)
        assert _login(zh, _login_form(zh), "other@example.com", PASSWORD).status_code == 303


def test_login_attempts_are_limited_per_address(tmp_path: Path) -> None:
    """One address guessing over many accounts is stopped too (20 failures), and a success
    on an account does not reset the address's count."""
    with running(tmp_path / "data") as srv:
        add_user(srv.service.sessions, "real@example.com", PASSWORD)
        hr = httpx.Client(base_url=srv.url, timeout=60)
        csrf = _login_form(hr)
        for n in range(20):
            assert _login(hr, csrf, f"user{n}@example.com", "wrong password").status_code == 200
        assert _login(hr, csrf, "real@example.com", PASSWORD).status_code == 429


def test_logout_ends_the_session_on_the_server(server: Server) -> None:
    add_user(server.service.sessions, "leaver@example.com", PASSWORD)
    hr = httpx.Client(base_url=server.url, timeout=60)
    csrf = _login_form(hr)
    assert _login(hr, csrf, "leaver@example.com", PASSWORD).status_code == 303
    stolen = hr.cookies["pipdocs_hr"]
    assert hr.get("/").status_code == 200
    assert hr.post("/logout", data={"csrf": csrf}).status_code == 303
    replay = httpx.Client(base_url=server.url, timeout=60, cookies={"pipdocs_hr": stolen})
    page = replay.get("/")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert replay.get("/envelopes/x/document").status_code == 303


def test_api_tokens_are_revoked_by_id_or_name(server: Server) -> None:
    from pipdocs.cli.main import cli

    data = server.service.settings.data_dir
    runner = CliRunner()
    tokens = {}
    for name in ("ci", "hr-system"):
        made = runner.invoke(cli, ["serve", "token", "--data", str(data), "--email",
                                   "hr@example.com", "--name", name])
        assert made.exit_code == 0, made.output
        tokens[name] = made.output.strip().splitlines()[-1]
    token_id = re.search(r"API token (\d+) 'hr-system'", made.output)
    assert token_id is not None

    def status(token: str) -> int:
        return httpx.get(f"{server.url}/api/envelopes", timeout=60,
                         headers={"Authorization": f"Bearer {token}"}).status_code

    assert status(tokens["ci"]) == 200 and status(tokens["hr-system"]) == 200
    revoked = runner.invoke(cli, ["serve", "token", "--data", str(data), "--revoke", "ci"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert status(tokens["ci"]) == 401 and status(tokens["hr-system"]) == 200
    by_id = runner.invoke(cli, ["serve", "token", "--data", str(data), "--revoke",
                                token_id.group(1)])
    assert by_id.exit_code == 0, by_id.output
    assert status(tokens["hr-system"]) == 401
    unknown = runner.invoke(cli, ["serve", "token", "--data", str(data), "--revoke", "nope"])
    assert unknown.exit_code == 2 and "no API token has this id or name" in unknown.output
    assert status(server.token) == 200  # the others still work
    listed = runner.invoke(cli, ["serve", "token", "--data", str(data), "--list"])
    rows = {line.split("\t")[1]: line.split("\t") for line in listed.output.splitlines()}
    assert rows["ci"][2] == "hr@example.com" and rows["ci"][4].startswith("revoked")
    assert rows["-"][4] == "active" and tokens["ci"] not in listed.output


def test_envelopes_belong_to_their_maker_and_admins_see_all(server: Server) -> None:
    """Another HR user's token and pages cannot list, read, download, cancel, resend or
    record a refusal on an envelope (404, as if it did not exist); an admin can."""
    envelope = server.create(prepared_pdf("en"))["id"]
    other = make_token(server.service.sessions, "other-hr@example.com")
    add_user(server.service.sessions, "root@example.com", PASSWORD, admin=True)
    admin = make_token(server.service.sessions, "root@example.com")

    def api(token: str) -> httpx.Client:
        return httpx.Client(base_url=server.url, timeout=60,
                            headers={"Authorization": f"Bearer {token}"})

    with api(other) as intruder:
        assert envelope not in [e["id"] for e in intruder.get("/api/envelopes").json()]
        for method, path in (("GET", ""), ("GET", "/document"), ("POST", "/cancel"),
                             ("POST", "/resend")):
            answer = intruder.request(method, f"/api/envelopes/{envelope}{path}")
            assert answer.status_code == 404, (path, answer.text)
        refusal = intruder.post(f"/api/envelopes/{envelope}/refusal",
                                json={"witness": {"name": "A", "title": "B"}})
        assert refusal.status_code == 404
    add_user(server.service.sessions, "other-hr@example.com", PASSWORD)
    page = httpx.Client(base_url=server.url, timeout=60)
    csrf = _login_form(page)
    assert _login(page, csrf, "other-hr@example.com", PASSWORD).status_code == 303
    assert envelope not in page.get("/").text
    assert page.get(f"/envelopes/{envelope}/document").status_code == 404
    assert page.post(f"/envelopes/{envelope}/cancel", data={"csrf": csrf}).status_code == 404
    assert page.get(f"/envelopes/{envelope}/refusal").status_code == 404
    with api(server.token) as owner:
        assert owner.get(f"/api/envelopes/{envelope}").json()["status"] == "in_progress"
    with api(admin) as root:
        assert envelope in [e["id"] for e in root.get("/api/envelopes").json()]
        assert root.get(f"/api/envelopes/{envelope}/document").content.startswith(b"%PDF-")
        assert root.post(f"/api/envelopes/{envelope}/cancel").json()["status"] == "cancelled"


def test_cli_user_add_admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipdocs.cli.main import cli
    from pipdocs.web.db import open_database
    from pipdocs.web.models import User

    monkeypatch.setenv("PIPDOCS_HR_PASSWORD", PASSWORD)
    data = tmp_path / "data"
    runner = CliRunner()
    made = runner.invoke(cli, ["serve", "user", "add", "--data", str(data), "--email",
                               "root@example.com", "--admin"])
    assert made.exit_code == 0 and "admin saved" in made.output, made.output
    plain = runner.invoke(cli, ["serve", "user", "add", "--data", str(data), "--email",
                                "hr@example.com"])
    assert plain.exit_code == 0 and "HR user saved" in plain.output
    with open_database(data, None)() as session:
        users = {u.email: u.is_admin for u in session.query(User)}
    assert users == {"root@example.com": True, "hr@example.com": False}
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "pipdocs.sqlite3").stat().st_mode) == 0o600


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_is_private(tmp_path: Path) -> None:
    """0700 directories, 0600 database, documents, mails and secrets; a directory left open
    by an older version is tightened at start."""
    data = tmp_path / "data"
    with running(data) as srv:
        envelope = srv.create(prepared_pdf("en"))["id"]
    files = [data / "pipdocs.sqlite3", data / "secret", data / "ca-password",
             data / "documents" / envelope / "v1.pdf", *(data / "outbox").glob("*.eml"),
             *data.glob("pipdocs.sqlite3-*")]
    dirs = [data, data / "documents", data / "documents" / envelope, data / "outbox"]
    assert len(files) >= 5
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert {p.name: _mode(p) for p in dirs} == {p.name: 0o700 for p in dirs}
    for path in dirs:
        path.chmod(0o755)
    for path in files:
        path.chmod(0o644)
    with running(data):
        pass
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert {p.name: _mode(p) for p in dirs} == {p.name: 0o700 for p in dirs}


def test_a_pending_signature_is_a_private_file_not_a_row(server: Server) -> None:
    """Between the two signing steps the prepared PDF is kept as a 0600 file that the row
    names by its digest; a file changed on disk is refused, not signed."""
    from sqlalchemy import select

    from pipdocs.web.models import Signer

    envelope = server.create(prepared_pdf("en"))["id"]
    signer = Browserless(server, server.link(EMPLOYEE.email))
    assert signer.post("code").status_code == 200
    started = signer.start(server.code(EMPLOYEE.email))
    assert started.status_code == 200, started.text
    with server.service.readers() as session:
        row = session.scalars(select(Signer).where(Signer.envelope_id == envelope,
                                                   Signer.role == "employee")).one()
        pending = row.pending
    assert pending is not None and len(pending) < 200 and b"%PDF" not in pending
    kept = server.service.settings.data_dir / "documents" / envelope / json.loads(pending)["file"]
    assert _mode(kept) == 0o600 and b"prepared_pdf" in kept.read_bytes()
    original = kept.read_bytes()
    kept.write_bytes(original.replace(b'"reason"', b'"reasoN"'))
    tampered = signer.post("finish", {"signature": signer.signature(
        started.json()["signed_attrs"])})
    assert tampered.status_code == 409, tampered.text
    kept.write_bytes(original)
    done = signer.post("finish", {"signature": signer.signature(started.json()["signed_attrs"])})
    assert done.status_code == 200 and done.json()["state"] == "signed", done.text
    assert not kept.exists()  # deleted once signed


def test_hr_note_is_kept_apart_from_the_services_facts(
        server: Server, tmp_path: Path, pdf_text: object) -> None:
    """HR's note goes into the refusal record as its own field under its own label; the
    delivery sentence is the service's alone, word for word as the form showed it."""
    from helpers import plain_pdf
    from web_support import plan_starting_today

    from pipdocs.lifecycle.records import read_document

    plan = plan_starting_today(tmp_path)
    declined = str(server.create(plain_pdf(plan))["id"])
    assert Browserless(server, server.link(EMPLOYEE.email)).post(
        "decline", {"reason": "Not agreed"}).json()["state"] == "declined"
    add_user(server.service.sessions, "notes@example.com", PASSWORD, admin=True)
    hr = httpx.Client(base_url=server.url, timeout=120)
    csrf = _login_form(hr)
    assert _login(hr, csrf, "notes@example.com", PASSWORD).status_code == 303
    form = hr.get(f"/envelopes/{declined}/refusal").text
    delivered = form.split('data-testid="refusal-delivered">')[1].split("</dd>")[0].strip()
    note = "The employee was also handed a paper copy and read it, but did not sign."
    with server.api() as api:
        made = api.post(f"/api/envelopes/{declined}/refusal", json={
            "witness": {"name": "Ann Lee", "title": "Clerk"}, "note": note})
        assert made.status_code == 201, made.text
        record_pdf = api.get(f"/api/envelopes/{made.json()['id']}/document").content
    (tmp_path / "record.pdf").write_bytes(record_pdf)
    record = read_document(tmp_path / "record.pdf").record
    assert record is not None
    assert record.data["note"] == note
    assert record.data["delivered"] == delivered.replace("&#39;", "'") and note not in delivered
    assert "paper copy" not in record.data["delivered"]
    text = " ".join(pdf_text(tmp_path / "record.pdf").split())  # type: ignore[operator]
    assert "HR's note" in text and note in text
    assert text.index("How delivered") < text.index("HR's note")
