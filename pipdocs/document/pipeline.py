"""Plan -> signable PDF: render the Word document, convert it, prepare it, write it atomically.

Intermediate files live in a private temporary directory that is always removed; the output path
only ever sees a complete file (temp file in the same directory, then ``os.replace``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pipdocs.core.files import check_output, read_input, write_atomic
from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy

if TYPE_CHECKING:
    from pipdocs.document.prepare import Sealer


def prepare_file(pdf_path: Path, plan: Plan, out: Path, policy: Policy | None = None,
                 seal: Sealer | None = None) -> Path:
    """Prepare an already converted PDF (bulk converts in a pool, then prepares each one)."""
    from pipdocs.document.prepare import prepare_pdf

    data = read_input(Path(pdf_path), "converted PDF", "convert it again")
    return write_atomic(out, prepare_pdf(data, plan, policy, seal))


def build_pdf(plan: Plan, out: Path, templates_dir: Path | None = None,
              policy: Policy | None = None, seal: Sealer | None = None) -> Path:
    """Render, convert and prepare ``plan`` for ``policy``'s order (sealed when ``seal`` is
    given); the PDF at ``out`` is ready for the first signature."""
    from pipdocs.conversion.soffice import convert_docx_to_pdf
    from pipdocs.document.render import render_docx

    out = Path(out)
    check_output(out)  # fail before spending seconds in LibreOffice
    with tempfile.TemporaryDirectory(prefix="pipdocs-pdf-") as tmp:
        work = Path(tmp)
        docx = render_docx(plan, work / "plan.docx", templates_dir)
        converted = convert_docx_to_pdf(docx, work / "plan.pdf")
        return prepare_file(converted, plan, out, policy, seal)
