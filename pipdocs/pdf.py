"""Plan -> signable PDF: render the Word document, convert it, prepare it, write it atomically.

Intermediate files live in a private temporary directory that is always removed; the output path
only ever sees a complete file (temp file in the same directory, then ``os.replace``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipdocs.errors import InputError
from pipdocs.plan import Plan


def _check_output(out: Path) -> Path:
    """The directory ``out`` goes into; InputError if ``out`` cannot be written there."""
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{out}: the directory {parent} does not exist; create it first")
    if out.is_dir():
        raise InputError(f"{out}: is a directory; give a file name such as {out / 'plan.pdf'}")
    return parent


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race with other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def write_atomic(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` so that ``out`` is either the old file or the complete new one."""
    out = Path(out)
    parent = _check_output(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # like any file the user creates, not mkstemp's 0600
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def prepare_file(pdf_path: Path, plan: Plan, out: Path) -> Path:
    """Prepare an already converted PDF (bulk converts in a pool, then prepares each one)."""
    from pipdocs.prepare import prepare_pdf

    try:
        data = Path(pdf_path).read_bytes()
    except OSError as exc:
        raise InputError(f"{pdf_path}: cannot be read ({exc.strerror}); convert it again") from exc
    return write_atomic(out, prepare_pdf(data, plan))


def build_pdf(plan: Plan, out: Path, templates_dir: Path | None = None) -> Path:
    """Render, convert and prepare ``plan``; the PDF at ``out`` is ready for the first signature."""
    from pipdocs.convert import convert_docx_to_pdf
    from pipdocs.render import render_docx

    out = Path(out)
    _check_output(out)  # fail before spending seconds in LibreOffice
    with tempfile.TemporaryDirectory(prefix="pipdocs-pdf-") as tmp:
        work = Path(tmp)
        docx = render_docx(plan, work / "plan.docx", templates_dir)
        converted = convert_docx_to_pdf(docx, work / "plan.pdf")
        return prepare_file(converted, plan, out)
