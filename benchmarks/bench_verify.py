"""Time `pipdocs` verification of a three-signature plan against bare pyHanko on the same file.

Bare pyHanko: open the file, one ValidationContext with the same root (no fetching, soft-fail),
`validate_pdf_signature` on each of the three signatures (difference analysis included).
pipdocs: `verify_pdf`, which adds the plan's checks (plan.json in every signed revision, roles,
order, certification, what changed after each signature) and builds the report. Interleaved
runs; prints the first run of each and the median of the rest, in milliseconds. Target: the
ratio of the medians is at most 1.50.

    .venv/bin/python benchmarks/bench_verify.py [-n 21] [--pdf SIGNED.pdf --trust ROOT.pem] [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
TARGET = 1.50


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def signed_plan(work: Path) -> tuple[Path, Path]:
    """A genuine plan signed by employee, manager and HR with pipdocs (CA and TSA in process)."""
    from helpers import plain_pdf  # tests/helpers.py: a prepared page without LibreOffice

    from pipdocs.core.plan import SIGNATURE_FIELDS, load_plan
    from pipdocs.core.policy import load_policy
    from pipdocs.demo import example_plan
    from pipdocs.pki.ca import init_ca, issue_signer
    from pipdocs.pki.tsa import local_timestamper
    from pipdocs.signing.sign import load_signer, sign_pdf

    policy = load_policy()
    plan = load_plan(example_plan("en"))
    init_ca(work / "ca", "Bench Org", "bench-ca-secret")
    timestamper = local_timestamper(work / "ca", "bench-ca-secret", policy.tsa_policy_oid)
    path = work / "0.pdf"
    path.write_bytes(plain_pdf(plan))
    for n, role in enumerate(SIGNATURE_FIELDS, 1):
        person = plan.person(role)
        p12 = work / f"{role}.p12"
        issue_signer(work / "ca", person.name, person.email, p12, "bench-ca-secret", "key-pw")
        out = work / f"{n}.pdf"
        sign_pdf(path, out, role=role, signer=load_signer(p12, "key-pw"),
                 timestamper=timestamper, policy=policy)
        path = out
    return path, work / "ca" / "root.pem"


def run(n: int = 21, pdf: Path | None = None, trust: Path | None = None) -> dict[str, Any]:
    # Both contenders import pyHanko; load it (and pipdocs) before timing either.
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from pipdocs.verification.verify import verify_pdf

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    work = Path(tempfile.mkdtemp(prefix="pipdocs-bench-verify-"))
    if pdf is None or trust is None:
        pdf, trust = signed_plan(work)

    def ours() -> tuple[float, bool]:
        start = time.perf_counter()
        report = verify_pdf(pdf, [trust])
        return time.perf_counter() - start, report.ok

    def bare() -> tuple[float, bool]:
        start = time.perf_counter()
        root = load_cert_from_pemder(str(trust))
        ok, count = True, 0
        with open(pdf, "rb") as handle:
            reader = PdfFileReader(handle)
            context = ValidationContext(trust_roots=[root], allow_fetching=False,
                                        revocation_mode="soft-fail")
            for embedded in reader.embedded_signatures:
                status = validate_pdf_signature(embedded, context)
                ok, count = ok and status.bottom_line, count + 1
        return time.perf_counter() - start, ok and count == 3

    (first_ours, ours_ok), (first_bare, bare_ok) = ours(), bare()
    times_ours, times_bare = [], []
    for _ in range(n):  # interleaved, so machine load hits both alike
        times_ours.append(ours()[0])
        times_bare.append(bare()[0])
    med_ours, med_bare = statistics.median(times_ours), statistics.median(times_bare)
    ratio = round(med_ours / med_bare, 2)
    return {
        "document": str(pdf),
        "runs": n,
        "pipdocs_ok": ours_ok,
        "pyhanko_ok": bare_ok,
        "pipdocs_first_ms": _ms(first_ours),
        "pyhanko_first_ms": _ms(first_bare),
        "pipdocs_median_ms": _ms(med_ours),
        "pyhanko_median_ms": _ms(med_bare),
        "ratio": ratio,
        "target": TARGET,
        "within_target": ratio <= TARGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=21, help="runs after the first")
    parser.add_argument("--pdf", type=Path, default=None, help="a signed plan (with --trust)")
    parser.add_argument("--trust", type=Path, default=None, help="the root it chains to")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args()
    result = run(args.n, args.pdf, args.trust)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"verify a three-signature plan, {args.n} runs ({result['document']})")
        print(f"  pipdocs verify_pdf        first {result['pipdocs_first_ms']:8.1f} ms   "
              f"median {result['pipdocs_median_ms']:7.1f} ms   pass: {result['pipdocs_ok']}")
        print(f"  bare pyHanko (3 validate) first {result['pyhanko_first_ms']:8.1f} ms   "
              f"median {result['pyhanko_median_ms']:7.1f} ms   pass: {result['pyhanko_ok']}")
        print(f"  ratio pipdocs / pyHanko median: {result['ratio']} (target <= {TARGET})")
    sys.exit(0 if result["within_target"] and result["pipdocs_ok"] else 1)


if __name__ == "__main__":
    main()
