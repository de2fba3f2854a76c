"""pipdocs: Performance Improvement Plans to Word and PDF, signed by employee, manager and HR.

The public Python API. Names load on first use, so ``import pipdocs`` (and ``pipdocs --help``)
stays light::

    import pipdocs
    plan = pipdocs.load_plan("plan.yaml")
    pipdocs.build_pdf(plan, "plan.pdf")

See ``docs/api.md`` for the whole flow: plan -> PDF -> three signatures -> verify.
"""

from __future__ import annotations

import warnings
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pipdocs.core.version import __version__

# pyHanko imports cryptography's DSA types, which cryptography 51 deprecates: the warning says
# nothing to a user of pipdocs (which never makes or accepts a DSA key), so it is silenced here,
# for that message from pyHanko's modules only. Any other warning still shows. The category is
# CryptographyDeprecationWarning's base, UserWarning: naming cryptography's own class would
# import cryptography on every `pipdocs --help`.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=UserWarning,
                        module=r"pyhanko(\.|$)")

if TYPE_CHECKING:
    from pipdocs.bulk.run import run_bulk
    from pipdocs.core.errors import PipdocsError
    from pipdocs.core.plan import Plan, load_plan, plan_from_data
    from pipdocs.document.pipeline import build_pdf
    from pipdocs.document.render import render_docx
    from pipdocs.lifecycle.case import verify_case
    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.evaluation import make_evaluation
    from pipdocs.lifecycle.refusal import make_refusal
    from pipdocs.lifecycle.revise import make_revision
    from pipdocs.pki.ca import init_ca, issue_signer
    from pipdocs.pki.tsa import local_timestamper
    from pipdocs.signing.sign import load_signer, sign_pdf
    from pipdocs.verification.verify import verify_pdf

_EXPORTS = {
    "Plan": "pipdocs.core.plan",
    "load_plan": "pipdocs.core.plan",
    "plan_from_data": "pipdocs.core.plan",
    "render_docx": "pipdocs.document.render",
    "build_pdf": "pipdocs.document.pipeline",
    "init_ca": "pipdocs.pki.ca",
    "issue_signer": "pipdocs.pki.ca",
    "load_signer": "pipdocs.signing.sign",
    "sign_pdf": "pipdocs.signing.sign",
    "local_timestamper": "pipdocs.pki.tsa",
    "verify_pdf": "pipdocs.verification.verify",
    "run_bulk": "pipdocs.bulk.run",
    "make_checkin": "pipdocs.lifecycle.checkin",
    "make_evaluation": "pipdocs.lifecycle.evaluation",
    "make_refusal": "pipdocs.lifecycle.refusal",
    "make_revision": "pipdocs.lifecycle.revise",
    "verify_case": "pipdocs.lifecycle.case",
    "PipdocsError": "pipdocs.core.errors",
}

__all__ = [
    "__version__",
    "Plan",
    "load_plan",
    "plan_from_data",
    "render_docx",
    "build_pdf",
    "init_ca",
    "issue_signer",
    "load_signer",
    "sign_pdf",
    "local_timestamper",
    "verify_pdf",
    "run_bulk",
    "make_checkin",
    "make_evaluation",
    "make_refusal",
    "make_revision",
    "verify_case",
    "PipdocsError",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module only when the name is first used."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pipdocs' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
