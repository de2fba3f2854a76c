"""`pipdocs serve` figures: the server's work for one browser signature against `pipdocs sign`,
the signing page under 20 concurrent clients on loopback, and 100 envelopes through the API.

    .venv/bin/python benchmarks/bench_web.py [-n 9] [--clients 20] [--envelopes 100] [--json]

Server work per signature = certificate for the browser's key + signed attributes (every check
`sign` makes, revocation data, placeholder, digest) + finishing (signature check, CMS, RFC 3161
timestamp, fill; after the last role, the archive timestamp), averaged over the three roles.
The browser's own ECDSA operation is not server work and is done outside the timed part.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
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


def signature_work(n: int = 9) -> dict[str, Any]:
    """The three signatures of a plan (employee, manager, HR: B-LT, the last followed by the
    archive timestamp), each through the service's two halves and each with `pipdocs sign`;
    the figure is the median over runs of the mean per signature. Later signatures cost more
    (every check reads the earlier ones), so the first alone would flatter either side."""
    from asn1crypto.algos import DSASignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from helpers import plain_pdf

    from pipdocs.core.plan import load_plan
    from pipdocs.core.policy import load_policy
    from pipdocs.demo import example_plan
    from pipdocs.pki.ca import init_ca, issue_signer, load_ca
    from pipdocs.pki.shortlived import issue_for_public_key
    from pipdocs.pki.tsa import local_timestamper
    from pipdocs.signing.browser import finish_remote, start_remote
    from pipdocs.signing.sign import load_signer, sign_pdf

    policy, plan = load_policy(), load_plan(example_plan("en"))  # plain_pdf: ASCII names
    work = Path(tempfile.mkdtemp(prefix="pipdocs-bench-web-"))
    init_ca(work / "ca", "Bench 基准", "bench-ca-pass")
    root, root_key = load_ca(work / "ca", "bench-ca-pass")
    roles = list(policy.order)
    signers = {}
    for role in roles:
        person = plan.person(role)
        issue_signer(work / "ca", person.name, person.email, work / f"{role}.p12",
                     "bench-ca-pass", "bench-key-pass")
        signers[role] = load_signer(work / f"{role}.p12", "bench-key-pass")
    prepared = work / "prepared.pdf"
    prepared.write_bytes(plain_pdf(plan))
    stamper = local_timestamper(work / "ca", "bench-ca-pass", policy.tsa_policy_oid)

    def cli_like(i: int) -> list[float]:
        spent, previous = [], prepared
        for role in roles:
            out = work / f"cli-{i}-{role}.pdf"
            start = time.perf_counter()
            sign_pdf(previous, out, role=role, signer=signers[role], timestamper=stamper,
                     policy=policy)
            spent.append(time.perf_counter() - start)
            previous = out
        return spent

    def web_one(data: bytes, role: str) -> tuple[bytes, float]:
        person = plan.person(role)
        key = ec.generate_private_key(ec.SECP256R1())  # the browser's part, not timed
        spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
        start = time.perf_counter()
        cert = issue_for_public_key(work / "ca", root, root_key, person.name, person.email, spki)
        pending = start_remote(data, "bench", role=role, cert=cert, root=root,
                               policy=policy, timestamper=stamper)
        middle = time.perf_counter()
        raw = DSASignature.load(key.sign(pending.signed_attrs, ec.ECDSA(hashes.SHA256())))
        value = raw.to_p1363()
        resumed = time.perf_counter()
        signed = finish_remote(pending, value, root=root, timestamper=stamper, policy=policy)
        return signed, (middle - start) + (time.perf_counter() - resumed)

    def web(i: int) -> list[float]:
        spent, data = [], prepared.read_bytes()
        for role in roles:
            data, seconds = web_one(data, role)
            spent.append(seconds)
        (work / f"web-{i}.pdf").write_bytes(data)
        return spent

    cli_like(0), web(0)  # first runs pay for imports and the CJK font
    ours, theirs = [], []
    for i in range(1, n + 1):
        ours.append(web(i))
        theirs.append(cli_like(i))
    shutil.rmtree(work, ignore_errors=True)
    web_ms = statistics.median(statistics.mean(r) for r in ours)
    cli_ms = statistics.median(statistics.mean(r) for r in theirs)
    return {"runs": n, "web_server_median_ms": _ms(web_ms), "sign_median_ms": _ms(cli_ms),
            "ratio": round(web_ms / cli_ms, 2), "target": "<= 1.3",
            "by_role_ms": {role: [_ms(statistics.median(r[k] for r in ours)),
                                  _ms(statistics.median(r[k] for r in theirs))]
                           for k, role in enumerate(roles)}}


def _start_server(data: Path) -> tuple[subprocess.Popen[str], str]:
    exe = ROOT / ".venv" / "bin" / "pipdocs"
    proc = subprocess.Popen([str(exe), "serve", "--data", str(data), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep it drained
            return proc, found.group(1)
    raise RuntimeError("pipdocs serve did not start")


def service_figures(clients: int = 20, per_client: int = 15, envelopes: int = 100
                    ) -> dict[str, Any]:
    import httpx
    from helpers import plain_pdf

    from pipdocs.core.plan import load_plan
    from pipdocs.demo import example_plan

    work = Path(tempfile.mkdtemp(prefix="pipdocs-bench-serve-"))
    proc, url = _start_server(work / "data")
    try:
        token = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "pipdocs"), "serve", "token", "--data",
             str(work / "data"), "--email", "hr@example.com"],
            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        pdf = plain_pdf(load_plan(example_plan("en")))
        api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        start = time.perf_counter()
        for _ in range(envelopes):
            assert api.post("/api/envelopes", files={"file": ("p.pdf", pdf)}).status_code == 201
        created = time.perf_counter() - start
        mails = sorted((work / "data" / "outbox").glob("*-link.eml"))
        link = re.findall(r"^(http://\S+)$", mails[-1].read_text(), re.M)[-1]
        httpx.get(link)  # renders the page images once, as the first visitor does
        samples: list[float] = []
        lock = threading.Lock()

        def client() -> None:
            with httpx.Client(timeout=60) as http:
                for _ in range(per_client):
                    t0 = time.perf_counter()
                    assert http.get(link).status_code == 200
                    with lock:
                        samples.append(time.perf_counter() - t0)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        samples.sort()
        return {
            "envelopes": envelopes, "envelopes_s": round(created, 2),
            "ms_per_envelope": _ms(created / envelopes),
            "page_clients": clients, "page_requests": len(samples),
            "page_p50_ms": _ms(samples[len(samples) // 2]),
            "page_p95_ms": _ms(samples[int(len(samples) * 0.95) - 1]),
            "page_target_p95_ms": 150,
        }
    finally:
        proc.terminate()
        proc.wait(15)
        shutil.rmtree(work, ignore_errors=True)


def run(n: int = 9, clients: int = 20, envelopes: int = 100) -> dict[str, Any]:
    return {"signature": signature_work(n), **service_figures(clients, envelopes=envelopes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=9)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--envelopes", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.n, args.clients, args.envelopes)
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
