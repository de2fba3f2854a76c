"""`make bench`: every stage's cost against the bare engine underneath, in one run.

Each figure is a ratio against the bare tool measured in the same run, because absolute times
on shared machines drift. Prints one table and writes benchmarks/results.json.

    BENCH_N=1.0 .venv/bin/python benchmarks/run.py [--only render,sign,...]

BENCH_N scales the sizes (bulk plan counts, repetitions); the defaults finish in under ten
minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SCALE = float(os.environ.get("BENCH_N", "1"))


def _n(base: int, floor: int = 1) -> int:
    return max(floor, round(base * SCALE))


def bench_startup(runs: int = 7) -> dict[str, Any]:
    """Wall time of `pipdocs --help` in a fresh process (it must not import heavy libraries)."""
    exe = ROOT / ".venv" / "bin" / "pipdocs"
    cmd = [str(exe) if exe.exists() else "pipdocs", "--help"]
    subprocess.run(cmd, capture_output=True, check=True)  # warm the page cache
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        samples.append((time.perf_counter() - t0) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "min_max_ms": [round(min(samples), 1), round(max(samples), 1)],
        "runs": runs,
        "target_ms": 300,
    }


def _span(values: list[float] | None) -> list[float] | None:
    return [min(values), max(values)] if values else None


def _fmt_range(values: list[float] | None) -> str:
    return f"[{values[0]}–{values[1]}]" if values else ""


def table(results: dict[str, Any]) -> str:
    """The table printed to the terminal and pasted into README's Performance section."""
    rows = [("stage", "pipdocs", "bare engine", "ratio", "target")]
    r = results.get("render")
    if r:
        rows.append((
            f"render ({r['plans_per_run']} plans x {r['runs']})",
            f"{r['pipdocs_ms_per_plan']} ms/plan {_fmt_range(r['pipdocs_min_max'])}",
            f"{r['bare_ms_per_plan']} ms/plan (docxtpl)",
            str(r["ratio"]), "<= 1.05",
        ))
    b = results.get("bulk")
    if b:
        rows.append((
            f"bulk {b['plans']} plans, {b['workers']} workers",
            f"{b['pipdocs_s']} s, {b['pipdocs_plans_per_s']} plans/s",
            f"{b['floor_s']} s (docxtpl + soffice batches)",
            str(b["ratio"]), "<= 1.10",
        ))
    b = results.get("bulk_short")
    if b:
        rows.append((
            f"bulk {b['plans']} short plans, {b['workers']} workers",
            f"{b['pipdocs_s']} s, {b['pipdocs_plans_per_s']} plans/s",
            f"{b['floor_s']} s (docxtpl + soffice batches)",
            f"{b['ratio']} {_fmt_range(_span(b.get('round_ratios')))}", "<= 1.00",
        ))
    c = results.get("checkins")
    if c:
        rows.append((
            f"bulk {c['rows']} check-ins, {c['workers']} workers",
            f"{c['pool_s']} s, {c['pool_docs_per_s']} docs/s",
            f"{c['one_at_a_time_s']} s (pipdocs checkin per row)",
            str(round(c["pool_s"] / c["one_at_a_time_s"], 2)), "(reported)",
        ))
    s = results.get("sign")
    if s:
        rows.append((
            "sign (median after first)",
            f"{s['pipdocs_median_ms']} ms; first {s['pipdocs_first_ms']} ms",
            f"{s['pyhanko_median_ms']} ms (pyHanko sign_pdf)",
            str(s["ratio"]), "<= 1.20",
        ))
        same = s.get("pyhanko_cached_key_median_ms")
        if same:
            rows.append((
                "sign, bare given pipdocs' parsed key", f"{s['pipdocs_median_ms']} ms",
                f"{same} ms (pyHanko, key parsed once)",
                str(round(s["pipdocs_median_ms"] / same, 2)), "(see note)",
            ))
    v = results.get("verify")
    if v:
        rows.append((
            "verify 3 signatures",
            f"{v['pipdocs_median_ms']} ms",
            f"{v['pyhanko_median_ms']} ms (3x validate_pdf_signature)",
            str(v["ratio"]), "<= 1.50",
        ))
    w = results.get("web")
    if w:
        sig = w["signature"]
        rows.append((
            "serve: server work per browser signature", f"{sig['web_server_median_ms']} ms",
            f"{sig['sign_median_ms']} ms (pipdocs sign)", str(sig["ratio"]), "<= 1.3",
        ))
        rows.append((
            f"serve: signing page, {w['page_clients']} clients",
            f"p95 {w['page_p95_ms']} ms, p50 {w['page_p50_ms']} ms", "", "", "p95 < 150 ms",
        ))
        rows.append((
            f"serve: {w['envelopes']} envelopes via the API",
            f"{w['envelopes_s']} s ({w['ms_per_envelope']} ms each)", "", "", "(reported)",
        ))
    u = results.get("startup")
    if u:
        rows.append((
            "pipdocs --help", f"{u['median_ms']} ms {_fmt_range(u['min_max_ms'])}", "", "",
            "< 300 ms",
        ))
    m = results.get("memory")
    if m:
        rows.append((
            "peak RSS of pipdocs bulk",
            ", ".join(f"{k} plans: {v} MiB" for k, v in m["peak_rss_mib"].items()),
            "", str(m.get("growth_ratio", "")), "flat",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated stages to run")
    args = parser.parse_args()
    only = {s for s in args.only.split(",") if s}

    def want(stage: str) -> bool:
        return not only or stage in only

    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "bench_n": SCALE,
    }
    started = time.perf_counter()
    if want("startup"):
        print("startup ...", flush=True)
        results["startup"] = bench_startup()
    if want("render"):
        import bench_render

        print("render ...", flush=True)
        results["render"] = bench_render.run(n=_n(7, 3))
    if want("sign"):
        import bench_sign

        print("sign ...", flush=True)
        results["sign"] = bench_sign.run(n=_n(15, 5))
    if want("verify"):
        import bench_verify

        print("verify ...", flush=True)
        results["verify"] = bench_verify.run(n=_n(15, 5))
    if want("bulk_short"):
        import bench_bulk

        count = _n(80, 8)
        print(f"bulk {count} short plans x 3 rounds, and the floor ...", flush=True)
        results["bulk_short"] = bench_bulk.run_ratio(plans=count, workers=2, runs=3, short=True)
    if want("checkins"):
        import bench_checkins

        rows = _n(20, 5)
        print(f"bulk {rows} check-ins on the pool, and one at a time ...", flush=True)
        results["checkins"] = bench_checkins.run(rows=rows, workers=2)
    if want("web"):
        import bench_web

        print("web (pipdocs serve) ...", flush=True)
        results["web"] = bench_web.run(n=_n(9, 5), envelopes=_n(100, 20))
    if want("bulk") or want("memory"):
        import bench_bulk

        small, large = _n(200, 20), _n(1000, 50)
        print(f"bulk {small} plans x 3 runs, and the floor ...", flush=True)
        ratio = bench_bulk.run_ratio(plans=small, workers=2, runs=3)
        if want("bulk"):
            results["bulk"] = ratio
        if want("memory"):
            # The small size's peak comes from the ratio runs above; only the large one is new.
            print(f"memory: bulk {large} plans ...", flush=True)
            big = bench_bulk.run_memory(sizes=(large,))
            peaks = {str(small): ratio["peak_rss_mib"], **big["peak_rss_mib"]}
            results["memory"] = {
                "peak_rss_mib": peaks,
                "seconds": {str(small): ratio["pipdocs_s"], **big["seconds"]},
                "growth_ratio": round(peaks[str(large)] / peaks[str(small)], 3),
            }
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    print(f"\n(wrote {HERE / 'results.json'}; {results['elapsed_s']} s in all)")


if __name__ == "__main__":
    main()
