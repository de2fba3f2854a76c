"""`pipdocs serve --database postgresql://…` against a real PostgreSQL started for this module
(Debian's server binaries, run as the postgres user: PostgreSQL refuses to run as root).

Two server instances share one database and one data directory, as several processes behind a
company's reverse proxy would: a ceremony crosses both, a double submission sent to both signs
once (the envelope's row lock), and the audit table is append-only in PostgreSQL too."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from web_support import Browserless, Server, prepared_pdf, running

from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan
from pipdocs.web.models import Envelope

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
PLAN = load_plan(example_plan("en"))

pytestmark = pytest.mark.skipif(not INITDB, reason="Debian package postgresql is not installed")


def _as_postgres(*args: str) -> list[str]:
    return list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port; its URL."""
    bindir = Path(INITDB[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="pipdocs-pg-"))
    os.chmod(root, 0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(_as_postgres(str(bindir / "initdb"), "-D", str(root / "data"), "-A", "trust",
                                "-U", "postgres", "-E", "UTF8", "--no-sync"),
                   check=True, capture_output=True)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_postgres(str(bindir / "pg_ctl"), "-D", str(root / "data"), "-o", options,
                                "-l", str(root / "log"), "-w", "start"),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m",
                                    "immediate", "stop"), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(database: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Server, Server]]:
    data = tmp_path_factory.mktemp("web-pg")
    with running(data, database=database) as first, running(data, database=database) as second:
        yield first, second


def _via(server: Server, link: str) -> str:
    """The same link, sent to another server process."""
    return server.url + "/s/" + link.rsplit("/s/", 1)[1]


def test_a_ceremony_across_two_servers_on_one_database(servers: tuple[Server, Server]) -> None:
    first, second = servers
    envelope = first.create(prepared_pdf("en"))
    with second.api() as api:  # the other process sees it
        assert api.get(f"/api/envelopes/{envelope['id']}").json()["status"] == "in_progress"
    for number, role in enumerate(("employee", "manager", "hr")):
        person = PLAN.person(role)
        server = (first, second)[number % 2]
        link = _via(server, first.link(person.email))
        assert Browserless(server, link).sign(person.email).status_code == 200
    with first.api() as api:
        body = api.get(f"/api/envelopes/{envelope['id']}").json()
        pdf = api.get(f"/api/envelopes/{envelope['id']}/document").content
    assert body["status"] == "completed"
    assert [s["status"] for s in body["signers"]] == ["signed"] * 3
    from pipdocs.verification.verify import verify_pdf

    path = first.service.settings.data_dir / "final-pg.pdf"
    path.write_bytes(pdf)
    report = verify_pdf(path, [first.service.ca_dir / "root.pem"])
    assert report.ok, [p.message for p in report.problems]
    assert report.signed_roles == ["employee", "manager", "hr"]


def test_double_submission_to_two_servers_signs_once(servers: tuple[Server, Server]) -> None:
    first, second = servers
    envelope = first.create(prepared_pdf("en"))
    employee = PLAN.person("employee")
    signer = Browserless(first, first.link(employee.email))
    assert signer.post("code").status_code == 200
    started = signer.start(first.code(employee.email))
    finish = {"signature": signer.signature(started.json()["signed_attrs"])}
    results: list[int] = []

    def submit(url: str) -> None:
        response = signer.http.post(url, json=finish, headers={"X-CSRF-Token": signer.csrf})
        results.append(response.status_code)

    link = signer.link
    threads = [threading.Thread(target=submit, args=(_via(s, link) + "/finish",))
               for s in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 4
    with first.service.sessions() as session:
        row = session.get(Envelope, envelope["id"])
        assert row.version == 2
        assert first.service.read_document(row).count(b"/ETSI.CAdES.detached") == 1
        assert [s.status for s in row.signers] == ["signed", "waiting", "waiting"]


def test_audit_table_is_append_only_in_postgresql(servers: tuple[Server, Server]) -> None:
    first, _second = servers
    first.create(prepared_pdf("en"))
    with first.service.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar_one() > 0
    for statement in ("UPDATE events SET ip = '10.0.0.1'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"), first.service.engine.begin() as conn:
            conn.execute(text(statement))
    assert httpx.get(first.url + "/api/envelopes").status_code == 401


def test_racing_login_guesses_on_two_servers_are_all_counted(
        servers: tuple[Server, Server]) -> None:
    """Twelve wrong passwords at once, spread over two server processes on one PostgreSQL:
    exactly five are checked, the rest answer 429, and the right password is refused too."""
    import re

    from pipdocs.web.access import add_user

    first, second = servers
    add_user(first.service.sessions, "pg-boss@example.com", "correct horse battery")
    results: list[int] = []

    def guess(server: Server, n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as hr:
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', hr.get("/login").text)
            assert csrf is not None
            results.append(hr.post("/login", data={
                "email": "pg-boss@example.com", "password": f"guess {n}",
                "csrf": csrf.group(1)}).status_code)

    threads = [threading.Thread(target=guess, args=((first, second)[n % 2], n))
               for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] * 5 + [429] * 7
