"""A whole example case, built and signed from the inputs in ``examples/case-<lang>/``, each
document on its own date.

Used by ``pipdocs demo --case``, by tools/build_example_case.py (which commits the signed PDFs of
``examples/case-<lang>``) and by the tests. A throwaway CA signs everything; every document is
made by the same functions as the commands, so the example is what HR would get.

A case signed months after its dates is what ``case verify`` fails as back-dated, so the example
is signed under a moved clock: :func:`build_dated_case` makes the CA, then each document, in a
child process under libfaketime (Debian's ``faketime``) whose clock starts on that document's
date. The CA's service (timestamps, OCSP answers) runs in that child and its CRL is published
there, so every signature, certificate and revocation answer agrees with the date, as on the day
itself; LibreOffice, started by the child, dates the PDF the same day.

Layout of ``out_dir``: ``ca/`` and ``keys/`` (the CA and the three signers), ``steps/`` (each
prepared PDF and each partly signed one), ``case/`` (the signed documents: what verifies).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.i18n import tr
from pipdocs.core.plan import load_plan
from pipdocs.core.planfile import read_plan_file
from pipdocs.core.policy import Policy, load_policy
from pipdocs.core.resources import shipped
from pipdocs.lifecycle.make import Made, Options
from pipdocs.lifecycle.words import kind_word

#: The documents of the example case, in the order they are made: (name, kind, input, parent).
#: Plans are ``.yaml`` (each a plan of its own), the other inputs ``.yml``.
STEPS: tuple[tuple[str, str, str, str], ...] = (
    ("01-plan", "plan", "plan-v1-{lang}.yaml", ""),
    ("02-checkin-1", "checkin", "checkin-1.yml", "01-plan"),
    ("03-checkin-2", "checkin", "checkin-2.yml", "01-plan"),
    ("04-revision", "revision", "plan-v2-{lang}.yaml", "01-plan"),
    ("05-checkin-3", "checkin", "checkin-3.yml", "04-revision"),
    ("06-evaluation", "evaluation", "evaluation.yml", "04-revision"),
)
#: Each document is made and signed on its own date at this time (UTC; 11:00 in Beijing).
SIGNED_AT = time(3, 0)
#: The example's CA and keys are made this long before its first document is signed.
CA_LEAD = timedelta(days=7)


@dataclass
class Signers:
    """The CA, the three signers' keys and the timestamper that sign the example."""

    root: Path
    keys: dict[str, Path]
    key_password: str
    timestamper: Any
    policy: Policy


@dataclass
class CaseBuild:
    out_dir: Path
    signers: Signers
    case: dict[str, Path] = field(default_factory=dict)  # name -> signed PDF in case/
    steps: dict[str, Path] = field(default_factory=dict)  # "name:role" -> PDF after that role


def case_inputs(lang: str) -> Path:
    """The folder of example inputs for ``lang`` (packaged, else the repository's)."""
    for base in shipped("examples"):
        folder = base / f"case-{lang}"
        if (folder / f"plan-v1-{lang}.yaml").is_file():
            return folder
    raise InputError(tr("no example case in language '{lang}' is installed; try --lang"
                        " zh").format(lang=lang))


def make_signers(out_dir: Path, lang: str, ca_password: str, key_password: str,
                 policy: Policy) -> Signers:
    """A CA for the example plan's organisation and keys for its three people (in-process TSA)."""
    from pipdocs.pki.ca import init_ca, issue_signer

    plan = load_plan(case_inputs(lang) / f"plan-v1-{lang}.yaml")
    root = init_ca(out_dir / "ca", plan.organisation or "pipdocs example", ca_password)
    keys_dir = out_dir / "keys"
    keys_dir.mkdir(mode=0o700, exist_ok=True)
    keys = {}
    for role in ("employee", "manager", "hr"):
        person = plan.person(role)
        keys[role] = keys_dir / f"{role}.p12"
        issue_signer(out_dir / "ca", person.name, person.email, keys[role], ca_password,
                     key_password)
    return Signers(root.path, keys, key_password, None, policy)


@contextmanager
def ca_service(out_dir: Path, ca_password: str, signers: Signers) -> Iterator[str]:
    """The example CA's service (timestamps, OCSP, CRL) on a free loopback port, for as long as
    the block runs; signing needs it (no signature without a timestamp and revocation data)."""
    import threading

    from pipdocs.pki.server import make_ca_server
    from pipdocs.pki.tsa import CheckedHTTPTimeStamper

    policy = signers.policy
    server = make_ca_server(out_dir / "ca", ca_password, policy.tsa_policy_oid, "127.0.0.1", 0,
                            quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="pipdocs-case-ca", daemon=True)
    thread.start()
    signers.timestamper = CheckedHTTPTimeStamper(server.url, timeout=policy.tsa_timeout)
    try:
        yield str(server.url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def sign_in_order(prepared: Path, name: str, build: CaseBuild,
                  roles: tuple[str, ...] | None = None) -> Path:
    """Sign ``prepared`` by its signers in its recorded order (or only ``roles``)."""
    from pipdocs.lifecycle.records import read_document
    from pipdocs.signing.sign import load_signer, sign_pdf

    signers = build.signers
    doc = read_document(prepared)
    order = tuple(doc.record.order) if doc.record else signers.policy.order
    previous = prepared
    for role in roles or order:
        target = build.out_dir / "steps" / f"{name}-{role}.pdf"
        key = load_signer(signers.keys[role], signers.key_password)
        sign_pdf(previous, target, role=role, signer=key, timestamper=signers.timestamper,
                 policy=signers.policy)
        build.steps[f"{name}:{role}"] = previous = target
    return previous


def make_step(build: CaseBuild, name: str, kind: str, source: Path, parent: Path,
              options: Options) -> Made | None:
    """The prepared PDF of one step (None for the plan, which build_pdf makes)."""
    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.evaluation import make_evaluation
    from pipdocs.lifecycle.revise import make_revision

    out = build.out_dir / "steps" / f"{name}.pdf"
    if kind == "checkin":
        return make_checkin(parent, source, out, options)
    if kind == "evaluation":
        return make_evaluation(parent, source, out, options)
    note = read_plan_file(source.parent / "revision-note.yml")
    return make_revision(parent, source, str(note["reason"]), out, options,
                         date.fromisoformat(str(note["date"])))


def step_dates(lang: str) -> dict[str, date]:
    """Each step's own date: the plan's start, each input's ``date``, the revision note's."""
    inputs = case_inputs(lang)
    out = {}
    for name, kind, pattern, _ in STEPS:
        if kind == "plan":
            out[name] = load_plan(inputs / pattern.format(lang=lang)).period.start
        else:
            source = "revision-note.yml" if kind == "revision" else pattern
            out[name] = date.fromisoformat(str(read_plan_file(inputs / source)["date"]))
    return out


def build_case(out_dir: Path, lang: str, signers: Signers,
               progress: Callable[[str], None] = lambda _: None,
               only: str | None = None) -> CaseBuild:
    """Make and sign the documents of the example case into ``out_dir/case`` (every one, or
    ``only`` that step, the earlier ones being there already), signed now."""
    from pipdocs.document.pipeline import build_pdf

    inputs = case_inputs(lang)
    build = CaseBuild(out_dir, signers)
    (out_dir / "steps").mkdir(parents=True, exist_ok=True)
    (out_dir / "case").mkdir(parents=True, exist_ok=True)
    options = Options(trust=[signers.root], policy=signers.policy, case_dir=out_dir / "case")
    dates = step_dates(lang)
    for name, kind, pattern, parent in STEPS:
        build.case[name] = out_dir / "case" / f"{name}.pdf"
        if only is not None and name != only:
            continue
        source = pattern.format(lang=lang)
        prepared = out_dir / "steps" / f"{name}.pdf"
        if kind == "plan":
            build_pdf(load_plan(inputs / source), prepared)
        else:
            make_step(build, name, kind, inputs / source, build.case[parent], options)
        shutil.copyfile(sign_in_order(prepared, name, build), build.case[name])
        progress("    " + tr("{file} ({kind}, signed on {date})").format(
            file=build.case[name], kind=kind_word(kind), date=dates[name].isoformat()))
    return build


# --- signed on its dates: the build under a moved clock -------------------------------------


def faketime_env(moment: datetime) -> dict[str, str]:
    """The environment of a child process whose clock starts at ``moment`` and runs on
    (libfaketime, multi-threaded: the CA service answers in a thread). One moment per process:
    a clock that jumps under a running process would break its timeouts."""
    wrapper = shutil.which("faketime")
    if wrapper is None:
        raise InputError(tr("the example case is signed on its own dates under a moved clock,"
                            " which needs faketime: apt-get install faketime"))
    found = subprocess.run([wrapper, "-m", "-f", "+0", "printenv", "LD_PRELOAD"],
                           capture_output=True, text=True, timeout=60, check=False)
    preload = found.stdout.strip()
    if found.returncode or "faketime" not in preload:
        raise InputError(tr("faketime does not work here ({error}); reinstall it").format(
            error=(found.stderr.strip() or preload)[:200]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    moment = moment.astimezone(timezone.utc)
    env.update(LD_PRELOAD=preload, FAKETIME=f"@{moment:%Y-%m-%d %H:%M:%S}", TZ="UTC")
    return env


def _run_child(request: dict[str, Any], moment: datetime,
               progress: Callable[[str], None]) -> None:
    """One step of the build in a child process whose clock starts at ``moment``."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors:
        child = subprocess.Popen(  # the passwords go through stdin, never the command line
            [sys.executable, "-m", "pipdocs.demo.case"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=errors, env=faketime_env(moment), text=True,
            encoding="utf-8")
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(request))
        child.stdin.close()
        for line in child.stdout:
            progress(line.rstrip("\n"))
        if child.wait():
            errors.seek(0)
            lines = [line for line in errors.read().splitlines() if line.strip()]
            raise PipdocsError(tr("building the example case failed: {error}").format(
                error=lines[-1] if lines else f"exit {child.returncode}"))


def build_dated_case(out_dir: Path, lang: str, ca_password: str, key_password: str,
                     policy: Policy, progress: Callable[[str], None] = lambda _: None
                     ) -> CaseBuild:
    """Make the CA, the keys and every document of the example case in ``out_dir``, each
    document made and signed on its own date (a child process per step, its clock moved to
    that date: see the module)."""
    dates = step_dates(lang)
    first = datetime.combine(min(dates.values()), SIGNED_AT, tzinfo=timezone.utc)
    out_dir.mkdir(parents=True, exist_ok=True)
    request: dict[str, Any] = {"out": str(out_dir), "lang": lang, "ca_password": ca_password,
                               "key_password": key_password, "policy": policy.source}
    _run_child({**request, "step": None}, first - CA_LEAD, progress)
    for name, *_ in STEPS:
        moment = datetime.combine(dates[name], SIGNED_AT, tzinfo=timezone.utc)
        _run_child({**request, "step": name}, moment, progress)
    keys = {role: out_dir / "keys" / f"{role}.p12" for role in ("employee", "manager", "hr")}
    signers = Signers(out_dir / "ca" / "root.pem", keys, key_password, None, policy)
    return CaseBuild(out_dir, signers, case={name: out_dir / "case" / f"{name}.pdf"
                                             for name, *_ in STEPS})


def _child() -> int:
    """One step under the moved clock (run by :func:`build_dated_case`): the CA and keys
    (``step`` null), else one document, made and signed with the CA's service running."""
    from pipdocs.pki.ca import load_ca
    from pipdocs.pki.revocation import publish_crl

    request = json.loads(sys.stdin.read())
    out, lang, ca_password = Path(request["out"]), request["lang"], request["ca_password"]
    policy = load_policy(request["policy"])
    try:
        if request["step"] is None:
            make_signers(out, lang, ca_password, request["key_password"], policy)
            return 0
        keys = {role: out / "keys" / f"{role}.p12" for role in ("employee", "manager", "hr")}
        signers = Signers(out / "ca" / "root.pem", keys, request["key_password"], None, policy)
        root, key = load_ca(out / "ca", ca_password)
        publish_crl(out / "ca", root, key)  # the CRL of the day, as `ca crl` would keep it
        with ca_service(out, ca_password, signers):
            build_case(out, lang, signers, lambda line: print(line, flush=True),
                       only=request["step"])
    except PipdocsError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_child())
