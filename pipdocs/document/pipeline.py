"""Plan -> signable PDF: render the Word document, convert it, prepare it, write it atomically.

Intermediate files live in a private temporary directory that is always removed; the output path
only ever sees a complete file (temp file in the same directory, then ``os.replace``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipdocs.core.errors import InputError
from pipdocs.core.files import check_output, write_atomic
from pipdocs.core.plan import Plan


def prepare_file(pdf_path: Path, plan: Plan, out: Path) -> Path:
    """Prepare an already converted PDF (bulk converts in a pool, then prepares each one)."""
    from pipdocs.document.prepare import prepare_pdf

    try:
        data = Path(pdf_path).read_bytes()
    except OSError as exc:
        raise InputError(f"{pdf_path}: cannot be read ({exc.strerror}); convert it again") from exc
    return write_atomic(out, prepare_pdf(data, plan))


def build_pdf(plan: Plan, out: Path, templates_dir: Path | None = None) -> Path:
    """Render, convert and prepare ``plan``; the PDF at ``out`` is ready for the first signature."""
    from pipdocs.conversion.soffice import convert_docx_to_pdf
    from pipdocs.document.render import render_docx

    out = Path(out)
    check_output(out)  # fail before spending seconds in LibreOffice
    with tempfile.TemporaryDirectory(prefix="pipdocs-pdf-") as tmp:
        work = Path(tmp)
        docx = render_docx(plan, work / "plan.docx", templates_dir)
        converted = convert_docx_to_pdf(docx, work / "plan.pdf")
        return prepare_file(converted, plan, out)
