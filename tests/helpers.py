"""Small helpers shared by several test modules."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipdocs.core.plan import Plan

#: Passwords and organisation of the session CA (tests/conftest.py: ``ca_dir``).
CA_PASSWORD, KEY_PASSWORD = "ca-secret", "key-secret"
ORG = "杭州云途网络科技有限公司"
ENV = {"PIPDOCS_CA_PASSWORD": CA_PASSWORD, "PIPDOCS_KEY_PASSWORD": KEY_PASSWORD}


def soffice_pids(cache: Path) -> list[int]:
    """soffice.bin processes running with a profile under ``cache``."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if args[0].endswith("soffice.bin") and any(str(cache) in a for a in args):
            pids.append(int(proc.name))
    return pids


def process_ended(pid: int, within: float = 10.0) -> bool:
    """The process is gone, or a zombie waiting for init to reap it (its orphaned soffice.bin)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def pdf_text(path: Path, *options: str) -> str:
    """The text of a PDF as poppler's pdftotext reads it (UTF-8; ``-raw`` etc. as options)."""
    return subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def plain_pdf(plan: Plan) -> bytes:
    """A one-page PDF with the three marked signature boxes, prepared for signing.

    For tests (and benchmarks) that need a prepared plan without LibreOffice. Text is ASCII
    (Helvetica): the plan id and the roles; the markers are the ones the templates carry.
    """
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PdfFileWriter

    from pipdocs.core.names import ROLES, marker
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
        begin, end = marker(role).encode(), marker(role, end=True).encode()
        ops += [
            f"0.3 0.3 0.3 RG 72 {top - 100} 400 110 re S".encode(),
            f"BT /F1 11 Tf 72 {top + 16} Td ({role}) Tj ET".encode(),
            # the signer's name and e-mail in the row (ASCII: names in other scripts need the
            # real pipeline, as in conftest's ``prepared``)
            b"BT /F1 9 Tf 80 %d Td 12 TL (%s) Tj T* (%s) Tj ET" % (
                top - 20, plan.person(role).name.encode("ascii", "replace"),
                plan.person(role).email.encode("ascii", "replace")),
            f"q 1 1 1 rg BT /F1 2 Tf 76 {top + 4} Td (".encode() + begin + b") Tj ET Q",
            f"q 1 1 1 rg BT /F1 2 Tf 440 {top - 98} Td (".encode() + end + b") Tj ET Q",
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


def free_port() -> int:
    """A loopback port free right now (for a CA whose certificates must name its server's URL
    before the server starts)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
