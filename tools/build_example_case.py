"""(Re)build the signed example case: examples/case-<lang>/*.pdf and the CA's root.pem.

    .venv/bin/python tools/build_example_case.py [--lang zh]

Every document is made from the inputs in the same folder by the same code as the commands
(pipdocs.demo.case), each on its own date under a clock moved by faketime (Debian's `faketime`
package), signed with a throwaway CA whose private keys are deleted with the temporary
directory: only the signed PDFs and root.pem (what a verifier trusts) are kept. Then
`pipdocs case verify examples/case-zh --trust examples/case-zh/root.pem` passes with no note.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from pipdocs.core.policy import load_policy
from pipdocs.demo.case import build_dated_case, case_inputs
from pipdocs.lifecycle.case import verify_case

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    target = ROOT / "examples" / f"case-{args.lang}"
    if case_inputs(args.lang).resolve() != target.resolve():
        print(f"the inputs in use are not {target}; run from a checkout", file=sys.stderr)
        return 2
    policy = load_policy()
    with tempfile.TemporaryDirectory(prefix="pipdocs-example-case-") as tmp:
        work = Path(tmp)
        build = build_dated_case(work, args.lang, secrets.token_urlsafe(18),
                                 secrets.token_urlsafe(18), policy, print)
        signers = build.signers
        report = verify_case([work / "case"], [signers.root], policy)
        if not report.ok or report.warnings:
            print("\n".join(p.message for p in report.problems + report.warnings),
                  file=sys.stderr)
            return 1
        for old in target.glob("*.pdf"):
            old.unlink()
        for path in build.case.values():
            shutil.copyfile(path, target / path.name)
        shutil.copyfile(signers.root, target / "root.pem")
    print(f"{target}: {len(build.case)} signed documents and root.pem")
    return 0


if __name__ == "__main__":
    sys.exit(main())
