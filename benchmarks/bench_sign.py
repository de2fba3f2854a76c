"""Time one `pipdocs` signature against a bare pyHanko `sign_pdf` of the same prepared plan.

Same document, same key (.p12 opened once per signer), same timestamper object (the CA's TSA in
process, or over HTTP on loopback with --http). Prints the first signature of each (which pays
for imports, the font, the key) and the median of the following ones, in milliseconds.

    .venv/bin/python benchmarks/bench_sign.py [-n 15] [--http] [--pdf PREPARED.pdf] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run(n: int = 15, http: bool = False, pdf: Path | None = None, keep: bool = False
        ) -> dict[str, Any]:
    # pyHanko itself is imported by both contenders; load it before timing either.
    from helpers import plain_pdf  # tests/helpers.py: a prepared page without LibreOffice
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from pipdocs.core.plan import load_plan
    from pipdocs.core.policy import load_policy
    from pipdocs.demo import example_plan
    from pipdocs.pki.ca import init_ca, issue_signer
    from pipdocs.pki.server import make_ca_server as make_server
    from pipdocs.pki.tsa import CheckedHTTPTimeStamper, local_timestamper
    from pipdocs.signing.sign import load_signer, sign_pdf

    policy = load_policy()
    plan = load_plan(example_plan("zh"))
    work = Path(tempfile.mkdtemp(prefix="pipdocs-bench-sign-"))
    init_ca(work / "ca", "Bench 基准", "bench-ca-secret")
    person = plan.person("employee")
    p12 = work / "employee.p12"
    issue_signer(work / "ca", person.name, person.email, p12, "bench-ca-secret", "key-pw")
    prepared = work / "prepared.pdf"
    prepared.write_bytes(pdf.read_bytes() if pdf else plain_pdf(plan))

    server = None
    if http:
        server = make_server(work / "ca", "bench-ca-secret", policy.tsa_policy_oid, "127.0.0.1", 0,
                             quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        timestamper: Any = CheckedHTTPTimeStamper(server.url)
    else:
        timestamper = local_timestamper(work / "ca", "bench-ca-secret", policy.tsa_policy_oid)

    def ours(i: int) -> float:
        start = time.perf_counter()
        sign_pdf(prepared, work / f"ours-{i}.pdf", role="employee", signer=our_signer,
                 timestamper=timestamper, policy=policy)
        return time.perf_counter() - start

    def bare(i: int, signer: Any = None) -> float:
        start = time.perf_counter()
        writer = IncrementalPdfFileWriter(io.BytesIO(prepared.read_bytes()))
        meta = signers.PdfSignatureMetadata(
            field_name="sig_employee", md_algorithm="sha256", certify=True,
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        out = signers.sign_pdf(writer, meta, signer=signer or bare_signer,
                               timestamper=timestamper, existing_fields_only=True)
        (work / f"bare-{i}.pdf").write_bytes(out.getvalue())
        return time.perf_counter() - start

    start = time.perf_counter()
    our_signer = load_signer(p12, "key-pw")
    our_key_load = time.perf_counter() - start
    start = time.perf_counter()
    bare_signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"key-pw")
    bare_key_load = time.perf_counter() - start

    first_ours, first_bare = ours(0), bare(0)
    times_ours, times_bare, times_same_key = [], [], []
    for i in range(1, n + 1):  # interleaved, so machine load hits all alike
        times_ours.append(ours(i))
        times_bare.append(bare(i))
        times_same_key.append(bare(i, our_signer.signer))
    if server is not None:
        server.shutdown()
        server.server_close()
    med_ours, med_bare = statistics.median(times_ours), statistics.median(times_bare)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "timestamper": "http-loopback" if http else "in-process",
        "runs": n,
        "pipdocs_key_load_ms": _ms(our_key_load),
        "pyhanko_key_load_ms": _ms(bare_key_load),
        "pipdocs_first_ms": _ms(first_ours),
        "pyhanko_first_ms": _ms(first_bare),
        "pipdocs_median_ms": _ms(med_ours),
        "pyhanko_median_ms": _ms(med_bare),
        "pyhanko_cached_key_median_ms": _ms(statistics.median(times_same_key)),
        "ratio": round(med_ours / med_bare, 2),
        "work_dir": str(work) if keep else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="signatures after the first")
    parser.add_argument("--http", action="store_true", help="TSA over HTTP on loopback")
    parser.add_argument("--pdf", type=Path, default=None, help="a prepared plan PDF to sign")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    result = run(args.n, args.http, args.pdf, args.keep)
    if args.json:
        print(json.dumps(result))
        return
    print(f"sign one prepared plan, timestamper {result['timestamper']}, {args.n} runs")
    print(f"  pipdocs sign_pdf  first {result['pipdocs_first_ms']:8.1f} ms   "
          f"median {result['pipdocs_median_ms']:7.1f} ms   (key load "
          f"{result['pipdocs_key_load_ms']} ms)")
    print(f"  bare pyHanko      first {result['pyhanko_first_ms']:8.1f} ms   "
          f"median {result['pyhanko_median_ms']:7.1f} ms   (key load "
          f"{result['pyhanko_key_load_ms']} ms)")
    print("  bare pyHanko, pipdocs' key object   median"
          f" {result['pyhanko_cached_key_median_ms']:7.1f}"
          " ms   (pyHanko re-parses its RSA key per signature, ~50 ms each time)")
    print(f"  ratio pipdocs / pyHanko median: {result['ratio']}")


if __name__ == "__main__":
    main()
