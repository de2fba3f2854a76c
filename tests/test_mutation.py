"""Prove the class, not the instance: seeded mutations of completed records must all fail verify.

Four completed records, each built once per session: a plan signed on the command line
(employee, manager, HR), one signed in the browser by ``pipdocs serve`` with its audit trail under
the organisation seal, the first after ``archive refresh`` (B-LTA), and a check-in record. Each is
cut back to the end of every revision from its first signature on; one incremental update then
rewrites one object of a family (tests/mutationkit.py: page content, resources, annotations,
AcroForm, the attachments and the Names tree, catalog, Info, XMP, any object), alone, under a
document timestamp of the record's own TSA, or under a recomputed ``audit.json``. verify_pdf (in
process, with the records' trust roots and policy) must fail every one, and must still pass the
allowed updates: a new DSS / VRI revision, a document timestamp, an archive refresh.

``PIPDOCS_MUTATION_SEED`` chooses the mutations (a fixed default in CI); the assertion message
names the seed and each mutation that passed, ``PIPDOCS_MUTATION_ONLY=N`` runs mutation N alone
(``PIPDOCS_MUTATION_TRACE=1`` prints each verdict, ``PIPDOCS_MUTATION_COUNT`` plans more or fewer
while debugging).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from mutationkit import (
    DEFAULT_SEED,
    Cut,
    Outcome,
    Record,
    allowed_plan,
    allowed_update,
    cuts,
    plan,
    run,
)
from tamperkit import Kit, shared_kit

#: Mutations planned per run (some are left out: see mutationkit.skipped); at least 300 (the
#: issue's floor) must be built and verified.
COUNT = int(os.environ.get("PIPDOCS_MUTATION_COUNT") or 370)
#: Mutations that verify still accepts, by class (``family+follow-up``) and a pattern of their
#: description, named so the test stays honest without breaking CI: it xfails naming each one
#: that passed, and fails for any other mutation that passes (of these classes too).
STILL_OPEN: dict[str, str] = {}
#: Allowed updates that verify still refuses, by class and a pattern of their description: new
#: validation data in a revision of its own at the end of a record with an audit trail (the
#: trail's own refresh check wants a timestamp last). Without a trail it verifies.
STILL_REFUSED: dict[str, str] = {"dss": r"^web@", "dss+vri": r"^web@"}


def _seed() -> int:
    return int(os.environ.get("PIPDOCS_MUTATION_SEED") or DEFAULT_SEED)


# --- the four records, once per session -------------------------------------------------------


@pytest.fixture(scope="session")
def web_record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    """A plan signed in the browser (the page's steps without a browser) by ``pipdocs serve``
    with the organisation's seal key: audit trail, seal, the seal's status after it. The
    service's TSA is its CA directory's key, in process: it outlives the server."""
    from web_support import CA_PASSWORD, Browserless, prepared_pdf, running

    from pipdocs.core.plan import load_plan
    from pipdocs.demo import example_plan
    from pipdocs.pki.ca import init_ca
    from pipdocs.pki.seal import SEAL_PASSWORD_ENV, issue_seal
    from pipdocs.web.models import Envelope

    root = tmp_path_factory.mktemp("mutation-web")
    init_ca(root / "ca", "Acme Trading Ltd", CA_PASSWORD)
    issue_seal(root / "ca", CA_PASSWORD)
    plan_ = load_plan(example_plan("en"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PIPDOCS_CA_PASSWORD", CA_PASSWORD)
        env.delenv(SEAL_PASSWORD_ENV, raising=False)
        with running(root / "data", ca_dir=root / "ca") as server:
            envelope = server.create(prepared_pdf("en"))
            for role in ("employee", "manager", "hr"):
                email = plan_.person(role).email
                assert Browserless(server, server.link(email)).sign(email).status_code == 200
            with server.service.sessions() as session:
                stored = session.get(Envelope, envelope["id"])
                assert stored is not None and stored.status == "completed"
                data = server.service.read_document(stored)
            service = server.service
            timestamper = service.timestamper()
    return Record("web", data, [service.ca_dir / "root.pem"], service.policy, timestamper)


@pytest.fixture(scope="session")
def records(web_record: Record, tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    """The four records: CLI-signed, browser-signed and sealed, refreshed, a check-in."""
    from pipdocs.archive.refresh import refresh_pdf

    kit = shared_kit()
    work = tmp_path_factory.mktemp("mutation-records")
    policy = kit.pki.policy
    cli = Record("cli", kit.doc.signed, [kit.root], policy, kit.ts)
    refreshed = work / "refreshed.pdf"
    refreshed.write_bytes(kit.doc.signed)
    refresh_pdf(refreshed, timestamper=kit.ts, policy=policy, trust=[kit.root])
    return [cli, web_record,
            Record("refreshed", refreshed.read_bytes(), [kit.root], policy, kit.ts),
            Record("checkin", _checkin(kit, work), [kit.root], policy, kit.ts)]


def _checkin(kit: Kit, work: Path) -> bytes:
    """A check-in record of a plan whose period began ten days ago, signed by its signers."""
    from helpers import plain_pdf
    from tamperkit import genuine_real
    from web_support import plan_starting_today

    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.make import Options
    from pipdocs.signing.sign import sign_pdf

    plan_ = plan_starting_today(work)
    (work / "plan").mkdir()
    signed = genuine_real(plan_, kit.pki, kit.people, work / "plan", plain_pdf(plan_)).signed
    (work / "plan.pdf").write_bytes(signed)
    today = datetime.now(timezone.utc).date()
    (work / "checkin.yml").write_text(
        f"date: {today.isoformat()}\n"
        "goals:\n" + "".join(f"  - {{goal: {n}, progress: 'Progress {n}', status: on_track}}\n"
                             for n in range(1, len(plan_.goals) + 1))
        + "manager_feedback: Steady progress on every goal.\n", encoding="utf-8")
    options = Options(trust=[kit.root], policy=kit.pki.policy)
    path = make_checkin(work / "plan.pdf", work / "checkin.yml", work / "checkin-0.pdf",
                        options).path
    for n, role in enumerate(kit.pki.policy.order_for("checkin"), 1):
        out = work / f"checkin-{n}.pdf"
        sign_pdf(path, out, role=role, signer=kit.people[role].loaded,  # type: ignore[arg-type]
                 timestamper=kit.ts, policy=kit.pki.policy)
        path = out
    return path.read_bytes()


@pytest.fixture(scope="session")
def all_cuts(records: list[Record], tmp_path_factory: pytest.TempPathFactory) -> list[Cut]:
    work = tmp_path_factory.mktemp("mutation-cuts")
    found: list[Cut] = []
    for record in records:
        cut_list = cuts(record, work)
        assert any(c.attackable for c in cut_list), \
            f"{record.name}: no revision of the genuine record verifies: {cut_list}"
        print(f"{record.name}: attacked after {[c.label for c in cut_list if c.attackable]};"
              f" not after (the genuine cut does not verify)"
              f" {[c.label for c in cut_list if not c.attackable]}")
        found += cut_list
    return found


# --- the tests ---------------------------------------------------------------------------------


def test_every_mutation_outside_the_allowed_set_fails_verify(
        all_cuts: list[Cut], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL, logger="pyhanko")  # its diff analysis logs each refusal
    seed = _seed()
    mutations = plan(all_cuts, seed, COUNT)
    only = os.environ.get("PIPDOCS_MUTATION_ONLY")
    if only:
        mutations = [m for m in mutations if m.number == int(only)]
    started, cpu = time.monotonic(), time.process_time()
    outcomes = list(run(mutations, tmp_path))
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    passed = [o for o in outcomes if o.passed]
    print(f"{len(outcomes)} mutations, seed {seed}: {elapsed:.0f} s ({cpu:.0f} s CPU),"
          f" {len(passed)} passed verify")
    assert len(outcomes) >= (1 if only else min(300, COUNT)), f"only {len(outcomes)} ran"
    unexpected = [o for o in passed if not _still_open(o)]
    assert not unexpected, _failures(seed, unexpected, len(outcomes))
    if passed:
        pytest.xfail(f"still open: {sorted({o.mutation.kind for o in passed})}; "
                     + _failures(seed, passed, len(outcomes)))


def _still_open(outcome: Outcome) -> bool:
    pattern = STILL_OPEN.get(outcome.mutation.kind)
    return bool(pattern and re.search(pattern, f"{outcome.mutation.title()}: {outcome.what}"))


def _failures(seed: int, passed: list[Outcome], total: int) -> str:
    """The seed, the classes that passed, and each mutation (to rerun it alone)."""
    classes = Counter(o.mutation.kind for o in passed)
    return (f"PIPDOCS_MUTATION_SEED={seed}: {len(passed)} of {total} mutations passed verify;"
            f" by class: {dict(sorted(classes.items()))}; rerun one with"
            " PIPDOCS_MUTATION_ONLY=N:\n"
            + "\n".join(f"{o.mutation.title()}: {o.what}" for o in passed))


def test_allowed_updates_still_verify(all_cuts: list[Cut], tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    """The contrast: new validation data (DSS, VRI), a document timestamp, an archive refresh
    after any revision leave a record that verifies as before."""
    caplog.set_level(logging.CRITICAL, logger="pyhanko")
    refused: list[tuple[str, str]] = []
    for cut, kind in allowed_plan(all_cuts, _seed()):
        data = allowed_update(cut, kind, tmp_path)
        report = cut.record.verify(data, tmp_path / "allowed.pdf", not cut.complete)
        if not (report.ok and not report.problems):
            refused.append((kind, f"{cut.label} +{kind}: {[p.code for p in report.problems]}"))
    message = f"PIPDOCS_MUTATION_SEED={_seed()}: allowed updates refused by verify:\n" + \
        "\n".join(line for _, line in refused)
    assert all(kind in STILL_REFUSED and re.search(STILL_REFUSED[kind], line)
               for kind, line in refused), message
    if refused:
        pytest.xfail(f"still refused: {sorted({kind for kind, _ in refused})}; {message}")
