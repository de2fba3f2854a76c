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


def plain_pdf(plan: Plan) -> bytes:
    """A one-page PDF with the three marked signature boxes, prepared for signing.

    Used by the demo when the Word-to-PDF pipeline is not installed, and by tests that need a
    prepared plan without LibreOffice. Text is ASCII (Helvetica): the plan id and the roles.
    """
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PdfFileWriter

    from pipdocs.core.plan import ROLES
    from pipdocs.document.prepare import prepare_pdf

    writer = PdfFileWriter()
    font = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
    })
    title = f"Performance Improvement Plan {plan.plan_id}".encode("ascii", "replace")
    ops = [b"BT /F1 16 Tf 72 770 Td (" + title + b") Tj ET"]
    top = 640
    for role in ROLES:
        ops += [
            f"0.3 0.3 0.3 RG 72 {top - 100} 400 110 re S".encode(),
            f"BT /F1 11 Tf 72 {top + 16} Td ({role}) Tj ET".encode(),
            f"q 1 1 1 rg BT /F1 2 Tf 76 {top + 4} Td ([[sig:{role}:begin]]) Tj ET Q".encode(),
            f"q 1 1 1 rg BT /F1 2 Tf 440 {top - 98} Td ([[sig:{role}:end]]) Tj ET Q".encode(),
        ]
        top -= 170
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
        pdf_name("/Contents"): writer.add_object(
            generic.StreamObject(stream_data=b"\n".join(ops))),
        pdf_name("/Resources"): generic.DictionaryObject({
            pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): writer.add_object(font)})
        }),
    })
    writer.insert_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return prepare_pdf(buffer.getvalue(), plan)


def _plan_pdf(plan: Plan, out: Path, progress: Callable[[str], None]) -> Path:
    """The real pipeline (render, LibreOffice, prepare); a plain page if it isn't installed."""
    from pipdocs.core.files import write_atomic

    try:
        from pipdocs.document.pipeline import build_pdf
    except ImportError as exc:
        progress(f"    (the Word/PDF pipeline is not installed: {exc}; using a plain page)")
    else:
        try:
            return build_pdf(plan, out)
        except ImportError as exc:
            progress(f"    (the Word/PDF pipeline is not installed: {exc}; using a plain page)")
    write_atomic(out, plain_pdf(plan))
    return out


def _fresh_dir(out_dir: Path | None) -> Path:
    if out_dir is None:
        return Path(tempfile.mkdtemp(prefix="pipdocs-demo-"))
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir}: exists and is not empty; give a new directory with -o")
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _verdict(path: Path, root: Path) -> tuple[bool, str]:
    """The verification helper's verdict when it is installed, else pyHanko's own status."""
    try:
        from pipdocs.verification.verify import verify_pdf
    except ImportError:
        return _pyhanko_status(path, root)
    report = verify_pdf(path, [root])
    try:
        from pipdocs.verification.report import render_text

        text = render_text(report)
    except ImportError:
        text = f"verdict: {report.verdict}"
    return bool(report.ok), text


def _pyhanko_status(path: Path, root: Path) -> tuple[bool, str]:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    lines, ok = [], True
    with path.open("rb") as handle:
        reader = PdfFileReader(handle)
        for embedded in reader.embedded_signatures:
            context = ValidationContext(trust_roots=[load_cert_from_pemder(str(root))])
            status = validate_pdf_signature(embedded, context)
            ok = ok and status.bottom_line
            lines.append(f"{embedded.field_name}: {status.summary()}")
    return ok and len(lines) == 3, "\n".join(lines)


def run_demo(
    out_dir: Path | None = None, lang: str = "zh", progress: Callable[[str], None] = print
) -> DemoResult:
    """Run the flow; ``progress`` gets one line per step. ``ok`` is the verification verdict."""
    from pipdocs.core.files import write_atomic
    from pipdocs.signing.ca import init_ca, issue_signer
    from pipdocs.signing.service import make_ca_server as make_server
    from pipdocs.signing.sign import load_signer, sign_pdf
    from pipdocs.signing.tsa import CheckedHTTPTimeStamper

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
        files["pdf"] = _plan_pdf(plan, out / "plan.pdf", progress)
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
