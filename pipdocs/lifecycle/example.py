"""A whole example case, built and signed from the inputs in ``examples/case-<lang>/``.

Used by ``pipdocs demo --case``, by tools/build_example_case.py (which commits the signed PDFs of
``examples/case-zh``) and by the tests. A throwaway CA signs everything; every document is made
by the same functions as the commands, so the example is what HR would get.

Layout of ``out_dir``: ``ca/`` and ``keys/`` (the CA and the three signers), ``steps/`` (each
prepared PDF and each partly signed one), ``case/`` (the signed documents: what verifies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipdocs.core.errors import InputError
from pipdocs.core.i18n import tr
from pipdocs.core.plan import load_plan
from pipdocs.core.policy import Policy
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
    from pipdocs.core.planfile import read_plan_file
    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.evaluation import make_evaluation
    from pipdocs.lifecycle.revise import make_revision

    out = build.out_dir / "steps" / f"{name}.pdf"
    if kind == "checkin":
        return make_checkin(parent, source, out, options)
    if kind == "evaluation":
        return make_evaluation(parent, source, out, options)
    note = read_plan_file(source.parent / "revision-note.yml")
    from datetime import date

    return make_revision(parent, source, str(note["reason"]), out, options,
                         date.fromisoformat(str(note["date"])))


def build_case(out_dir: Path, lang: str, signers: Signers,
               progress: Callable[[str], None] = lambda _: None) -> CaseBuild:
    """Make and sign every document of the example case into ``out_dir/case``."""
    import shutil

    from pipdocs.document.pipeline import build_pdf

    inputs = case_inputs(lang)
    build = CaseBuild(out_dir, signers)
    (out_dir / "steps").mkdir(parents=True, exist_ok=True)
    (out_dir / "case").mkdir(parents=True, exist_ok=True)
    options = Options(trust=[signers.root], policy=signers.policy, case_dir=out_dir / "case")
    for name, kind, pattern, parent in STEPS:
        source = pattern.format(lang=lang)
        prepared = out_dir / "steps" / f"{name}.pdf"
        if kind == "plan":
            build_pdf(load_plan(inputs / source), prepared)
        else:
            make_step(build, name, kind, inputs / source, build.case[parent], options)
        signed = sign_in_order(prepared, name, build)
        build.case[name] = out_dir / "case" / f"{name}.pdf"
        shutil.copyfile(signed, build.case[name])
        progress("    " + tr("{file} ({kind}, signed)").format(file=build.case[name],
                                                             kind=kind_word(kind)))
    return build
