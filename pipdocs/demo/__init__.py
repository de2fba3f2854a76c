"""``pipdocs demo``: the whole flow on built-in examples, in a fresh directory.

A throwaway CA, three signers (the example plan's people), a real RFC 3161 server on loopback
(in a thread), the plan's PDF, three signatures in policy order, and the verification verdict.
Nothing outside the demo directory is touched; its passwords are random and kept in a 0600 file.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipdocs.core.errors import InputError
from pipdocs.core.plan import Plan, load_plan
from pipdocs.core.policy import load_policy
from pipdocs.core.resources import shipped

EXAMPLE_DIRS = shipped("examples")
COMMENTS = {"zh": "已阅读全部内容，将按计划执行。", "en": "I have read the plan and will follow it"}


@dataclass
class DemoResult:
    ok: bool
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    verdict: str = ""


def example_plan(lang: str) -> Path:
    """The packaged example for ``lang``: engineering first, else any role."""
    for directory in EXAMPLE_DIRS:
        preferred = directory / f"engineering-{lang}.yaml"
        if preferred.is_file():
            return preferred
        others = sorted(directory.glob(f"*-{lang}.yaml"))
        if others:
            return others[0]
    raise InputError(f"no example plan in language '{lang}' is installed; try --lang en")


def _fresh_dir(out_dir: Path | None) -> Path:
    if out_dir is None:
        return Path(tempfile.mkdtemp(prefix="pipdocs-demo-"))
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir}: exists and is not empty; give a new directory with -o")
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _verdict(path: Path, root: Path) -> tuple[bool, str]:
    """The verdict and the text report, as `pipdocs verify` gives them."""
    from pipdocs.verification.report import render_text
    from pipdocs.verification.verify import verify_pdf

    report = verify_pdf(path, [root])
    return bool(report.ok), render_text(report)


def run_demo(
    out_dir: Path | None = None, lang: str = "zh", progress: Callable[[str], None] = print
) -> DemoResult:
    """Run the flow; ``progress`` gets one line per step. ``ok`` is the verification verdict."""
    from pipdocs.conversion.soffice import find_soffice
    from pipdocs.core.files import write_atomic
    from pipdocs.document.pipeline import build_pdf
    from pipdocs.pki.ca import init_ca, issue_signer
    from pipdocs.pki.server import make_ca_server as make_server
    from pipdocs.pki.tsa import CheckedHTTPTimeStamper
    from pipdocs.signing.sign import load_signer, sign_pdf

    find_soffice()  # no LibreOffice: one line now, before a CA and keys are made for nothing
    source = example_plan(lang)
    plan: Plan = load_plan(source)
    policy = load_policy()
    out = _fresh_dir(out_dir)
    result = DemoResult(ok=False, out_dir=out)
    files = result.files
    ca_password, key_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    files["passwords"] = out / "demo-passwords.txt"
    write_atomic(files["passwords"], (
        f"PIPDOCS_CA_PASSWORD={ca_password}\nPIPDOCS_KEY_PASSWORD={key_password}\n"
    ).encode(), 0o600)
    files["plan"] = out / f"plan{source.suffix}"
    shutil.copyfile(source, files["plan"])

    org = plan.organisation or "pipdocs demo"
    root = init_ca(out / "ca", org, ca_password)
    files["root"] = root.path
    progress(f"1/6 CA for {org}: {root.path} (what verifiers trust)")
    (out / "keys").mkdir(mode=0o700)
    for role in policy.order:
        person = plan.person(role)
        files[f"key:{role}"] = out / "keys" / f"{role}.p12"
        issue_signer(out / "ca", person.name, person.email, files[f"key:{role}"], ca_password,
                     key_password)
    progress(f"2/6 keys for {', '.join(plan.person(r).name for r in policy.order)}: {out / 'keys'}")

    server = make_server(out / "ca", ca_password, policy.tsa_policy_oid, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="pipdocs-demo-tsa", daemon=True)
    thread.start()
    try:
        progress(f"3/6 timestamp authority on {server.url} (tokens logged in {out / 'ca'})")
        files["pdf"] = build_pdf(plan, out / "plan.pdf")
        progress(f"4/6 PDF ready to sign: {files['pdf']}")
        timestamper = CheckedHTTPTimeStamper(server.url, timeout=policy.tsa_timeout)
        previous = files["pdf"]
        for number, role in enumerate(policy.order, 1):
            signer = load_signer(files[f"key:{role}"], key_password)
            target = out / f"signed-{number}-{role}.pdf"
            sign_pdf(
                previous, target, role=role, signer=signer, timestamper=timestamper,
                policy=policy, comment=COMMENTS[plan.language] if role == "employee" else None,
            )
            files[f"signed:{role}"] = previous = target
        progress(f"5/6 signed by {', '.join(policy.order)}: {previous}")
    finally:
        server.shutdown()
        server.server_close()
    result.ok, result.verdict = _verdict(previous, root.path)
    files["verify"] = out / "verify.txt"
    write_atomic(files["verify"], (result.verdict + "\n").encode("utf-8"))
    progress(f"6/6 verification: {'PASSED' if result.ok else 'FAILED'} ({files['verify']})")
    progress(result.verdict)
    progress(f"everything is in {out} (passwords for this demo: {files['passwords']})")
    return result


def run_case_demo(
    out_dir: Path | None = None, lang: str = "zh", progress: Callable[[str], None] = print
) -> DemoResult:
    """``pipdocs demo --case``: a whole PIP case (plan, check-ins, a revision, the final
    evaluation), every document signed on its own date (under a moved clock, see
    :mod:`pipdocs.demo.case`), then ``case verify``; ``ok`` is the case's verdict."""
    from pipdocs.conversion.soffice import find_soffice
    from pipdocs.core.files import write_atomic
    from pipdocs.demo.case import build_dated_case, case_inputs, faketime_env
    from pipdocs.lifecycle.case import verify_case
    from pipdocs.lifecycle.casereport import render_html, render_text

    find_soffice()
    inputs = case_inputs(lang)
    policy = load_policy()
    faketime_env(datetime.now(timezone.utc))  # no faketime: one line now, before anything
    out = _fresh_dir(out_dir)
    result = DemoResult(ok=False, out_dir=out)
    ca_password, key_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    result.files["passwords"] = out / "demo-passwords.txt"
    write_atomic(result.files["passwords"], (
        f"PIPDOCS_CA_PASSWORD={ca_password}\nPIPDOCS_KEY_PASSWORD={key_password}\n"
    ).encode(), 0o600)
    progress(f"1/3 CA, keys and every document of the case in {inputs}, each made and signed"
             " on its own date (a clock moved by faketime):")
    build = build_dated_case(out, lang, ca_password, key_password, policy, progress)
    result.files["root"] = build.signers.root
    result.files.update({f"case:{name}": path for name, path in build.case.items()})
    report = verify_case([out / "case"], [build.signers.root], policy)
    result.ok, result.verdict = report.ok, render_text(report)
    result.files["verify"] = out / "case-verify.txt"
    result.files["report"] = out / "case-report.html"
    write_atomic(result.files["verify"], (result.verdict + "\n").encode("utf-8"))
    write_atomic(result.files["report"], render_html(report).encode("utf-8"))
    progress(f"2/3 case verify: {'PASSED' if result.ok else 'FAILED'} ({result.files['report']})")
    progress(result.verdict)
    progress(f"3/3 everything is in {out}; check it again with: pipdocs case verify {out / 'case'}"
             f" --trust {build.signers.root}")
    return result


def serve_demo(out_dir: Path | None = None, lang: str = "zh", host: str = "127.0.0.1",
               port: int = 8000, progress: Callable[[str], None] = print,
               seal_password: str | None = None) -> None:
    """``pipdocs serve`` with one envelope of the example plan; prints the first signer's link
    and an API token, then serves until Ctrl-C. Mail goes to DIR/data/outbox/ (.eml files).
    Its CA (DIR/data/ca, the plan's organisation) holds a seal key, so the completed record's
    audit trail is sealed by the organisation, as a real deployment's should be.
    ``seal_password``: the seal key's own (PIPDOCS_SEAL_PASSWORD), else the CA's, as serve
    opens it."""
    from pipdocs.document.pipeline import build_pdf
    from pipdocs.pki.seal import issue_seal
    from pipdocs.web.access import find_user, make_token
    from pipdocs.web.audit import SYSTEM
    from pipdocs.web.envelopes import create_envelope_link
    from pipdocs.web.run import run_server
    from pipdocs.web.service import Service, open_ca
    from pipdocs.web.settings import Settings, secret

    out = _fresh_dir(out_dir)
    plan = load_plan(example_plan(lang))
    settings = Settings(data_dir=out / "data", host=host, port=port)
    (out / "data").mkdir(parents=True, exist_ok=True)
    ca_dir, ca_password = open_ca(out / "data", None, secret(settings.ca_password),
                                  plan.organisation or "pipdocs demo")
    issue_seal(ca_dir, ca_password,  # as serve opens it
               seal_password or secret(settings.seal_password))
    progress(f"1/3 the {lang} example plan as a prepared PDF (LibreOffice)…")
    pdf = build_pdf(plan, out / "plan.pdf")

    def ready(service: Service) -> None:
        token = make_token(service.sessions, plan.person("hr").email)
        with service.readers() as session:
            owner = find_user(session, plan.person("hr").email)  # the token's user owns it
        envelope, link = create_envelope_link(service, pdf.read_bytes(), owner, SYSTEM)
        progress(f"2/3 envelope {envelope.id} for {plan.plan_id}; API token for HR: {token}")
        progress(f"3/3 codes and links are mailed to {service.settings.data_dir / 'outbox'}"
                 f" (.eml files); the first signer ({plan.person('employee').name}) signs at:")
        progress(str(link))

    run_server(settings, announce=progress, ready=ready)
