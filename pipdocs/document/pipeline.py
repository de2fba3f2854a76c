"""Plan -> signable PDF, the public API's name for the document factory's plan kind.

``build_pdf`` (``pipdocs pdf``, ``pipdocs.build_pdf``) and ``prepare_file`` are the plan's
entries into :mod:`pipdocs.document.factory`, which makes every document the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipdocs.core.plan import Plan
from pipdocs.core.policy import Policy
from pipdocs.document.factory import Blueprint, finish_file, make_document

if TYPE_CHECKING:
    from pipdocs.document.prepare import Sealer


def prepare_file(pdf_path: Path, plan: Plan, out: Path, policy: Policy | None = None,
                 seal: Sealer | None = None) -> Path:
    """Prepare an already converted PDF of ``plan`` and write it atomically to ``out``."""
    return finish_file(Blueprint.of_plan(plan), Path(pdf_path), Path(out), policy, seal)


def build_pdf(plan: Plan, out: Path, templates_dir: Path | None = None,
              policy: Policy | None = None, seal: Sealer | None = None) -> Path:
    """Render, convert and prepare ``plan`` for ``policy``'s order (sealed when ``seal`` is
    given); the PDF at ``out`` is ready for the first signature."""
    return make_document(Blueprint.of_plan(plan), Path(out), policy=policy, seal=seal,
                         templates_dir=templates_dir)
