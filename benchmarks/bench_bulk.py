"""`pipdocs bulk` against the floor of the engines underneath, and its memory at two sizes.

Floor: the same plans rendered to .docx with bare docxtpl (one after another, as a script
would), then converted by N parallel bare `soffice --convert-to pdf` batch calls, each with its
own warm profile and its share of the files. pipdocs bulk does more than that (reads and
validates the sheet, prepares every PDF for signing, writes atomically, keeps a manifest and a
report), so the ratio is what all of that costs once rendering overlaps conversion.

Memory: peak RSS of the pipdocs process itself (LibreOffice workers are separate processes,
bounded by recycling) for a small and a five times larger sheet.

    .venv/bin/python benchmarks/bench_bulk.py [--plans 200] [--workers 2] [--runs 3]
                                              [--memory 200,1000] [--json]
BENCH_N scales the default plan counts (BENCH_N=0.1: 20 plans).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
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
PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(PY) if PY.exists() else sys.executable
SCALE = float(os.environ.get("BENCH_N", "1"))


def shorten(plan: dict[str, Any]) -> dict[str, Any]:
    """The short form of an example: one goal, one action, one support line, no root causes
    or checkpoints (the shortest document the templates make: four pages with the current
    ones), where pipdocs' own cost per document weighs most."""
    plan["goals"] = plan["goals"][:1]
    plan["actions"] = plan["actions"][:1]
    plan["support"] = plan["support"][:1]
    plan["diagnosis"].pop("root_causes", None)
    plan["diagnosis"]["summary"] = plan["diagnosis"]["summary"].split("\n")[0][:160]
    plan.pop("checkpoints", None)
    return plan


def make_plans(count: int, short: bool = False) -> list[dict[str, Any]]:
    """``count`` distinct plans cycling through the eight examples (both languages, 4 roles);
    ``short``: each in its short form (see ``shorten``)."""
    import yaml

    bases = [yaml.safe_load(p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "examples").glob("*.yaml"))]
    if short:
        bases = [shorten(b) for b in bases]
    plans = []
    for i in range(count):
        plan = copy.deepcopy(bases[i % len(bases)])
        plan["plan_id"] = f"BENCH-{i:05d}"
        plan["employee"]["id"] = f"B{i:05d}"
        plan["employee"]["name"] = f"{plan['employee']['name']} {i}"
        plans.append(plan)
    return plans


def make_sheet(path: Path, count: int, short: bool = False) -> Path:
    from pipdocs.bulk.workbook import write_template

    return write_template(path, "en", make_plans(count, short))


def floor(plans: list[dict[str, Any]], work: Path, workers: int, profiles: list[Path]) -> float:
    """Seconds for bare docxtpl rendering + ``workers`` parallel soffice batch calls."""
    from docxtpl import DocxTemplate

    from pipdocs.conversion.soffice import find_soffice
    from pipdocs.core.plan import plan_from_data
    from pipdocs.document.jinja import jinja_env, plan_context
    from pipdocs.document.templates import find_template

    models = [plan_from_data(p) for p in plans]  # the floor starts from ready plans
    shutil.rmtree(work, ignore_errors=True)
    docs = [work / f"in{w}" for w in range(workers)]
    for d in docs:
        d.mkdir(parents=True)
    t0 = time.perf_counter()
    for i, plan in enumerate(models):
        tpl = DocxTemplate(str(find_template(plan.language, plan.role)))
        tpl.render(plan_context(plan), jinja_env=jinja_env(plan.language), autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        (docs[i % workers] / f"{plan.plan_id}.docx").write_bytes(buf.getvalue())
    soffice = find_soffice()
    procs = [subprocess.Popen([soffice, f"-env:UserInstallation={profiles[w].as_uri()}",
                               "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                               str(work / "out"), *map(str, sorted(docs[w].iterdir()))],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for w in range(workers)]
    for proc in procs:
        proc.wait()
    seconds = time.perf_counter() - t0
    made = len(list((work / "out").glob("*.pdf")))
    if made != len(plans):
        raise RuntimeError(f"floor: soffice made {made} of {len(plans)} PDFs")
    return seconds


def run_bulk(sheet: Path, out: Path, workers: int) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one `pipdocs bulk --force` in a fresh process."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('MAXRSS', [l.split()[1] for l in open("
            "'/proc/self/status') if l.startswith('VmHWM')][0], file=sys.stderr))\n"
            "from pipdocs.cli.main import main\n"
            f"sys.argv = ['pipdocs', 'bulk', {str(sheet)!r}, '-o', {str(out)!r}, "
            f"'--workers', '{workers}', '--force']\n"
            "main()\n")
    t0 = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"pipdocs bulk failed ({proc.returncode}): {proc.stderr[-2000:]}")
    rss = [int(line.split()[1]) for line in proc.stderr.splitlines()
           if line.startswith("MAXRSS")]
    return seconds, rss[-1] / 1024 if rss else float("nan")


def _profiles(base: Path, workers: int) -> list[Path]:
    """Warm, private profiles for the floor's soffice calls (made once, outside the timing)."""
    from pipdocs.conversion.soffice import find_soffice

    profiles = [base / f"profile{w}" for w in range(workers)]
    warm = base / "warm.docx"
    from docx import Document

    Document().save(str(warm))
    threads = [threading.Thread(target=subprocess.run, args=([
        find_soffice(), f"-env:UserInstallation={p.as_uri()}", "--headless", "--norestore",
        "--convert-to", "pdf", "--outdir", str(base / "warm-out"), str(warm)],),
        kwargs={"capture_output": True}) for p in profiles]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return profiles


def run_ratio(plans: int = 200, workers: int = 2, runs: int = 3,
              short: bool = False) -> dict[str, Any]:
    """Median seconds of the floor and of pipdocs bulk, in alternating rounds after a warm-up;
    ``short``: the short-plan workload (see ``shorten``)."""
    base = Path(tempfile.mkdtemp(prefix="pipdocs-bench-bulk-"))
    try:
        sheet = make_sheet(base / "plans.xlsx", plans, short)
        data = make_plans(plans, short)
        profiles = _profiles(base, workers)
        small = make_sheet(base / "warm.xlsx", 2 * workers)
        run_bulk(small, base / "warm-bulk", workers)  # warm-up: worker profiles, page cache
        floor(data[: 2 * workers], base / "floor", workers, profiles)
        floors, bulks, rss = [], [], []
        for _ in range(runs):
            floors.append(floor(data, base / "floor", workers, profiles))
            seconds, peak = run_bulk(sheet, base / "out", workers)
            bulks.append(seconds)
            rss.append(peak)
        f, b = statistics.median(floors), statistics.median(bulks)
        return {
            "plans": plans, "workers": workers, "runs": runs,
            "pipdocs_s": round(b, 1), "pipdocs_min_max": [round(min(bulks), 1),
                                                          round(max(bulks), 1)],
            "pipdocs_plans_per_s": round(plans / b, 2),
            "floor_s": round(f, 1), "floor_min_max": [round(min(floors), 1),
                                                      round(max(floors), 1)],
            "floor_plans_per_s": round(plans / f, 2),
            "ratio": round(b / f, 3), "target": 1.00 if short else 1.10,
            "round_ratios": [round(x / y, 3) for x, y in zip(bulks, floors, strict=True)],
            "short": short,
            "peak_rss_mib": round(max(rss), 1),
        }
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_memory(sizes: tuple[int, ...] = (200, 1000), workers: int = 2) -> dict[str, Any]:
    """Peak RSS of the pipdocs process for each sheet size (full PDF runs)."""
    base = Path(tempfile.mkdtemp(prefix="pipdocs-bench-mem-"))
    try:
        peaks: dict[str, float] = {}
        seconds: dict[str, float] = {}
        for size in sizes:
            sheet = make_sheet(base / f"plans-{size}.xlsx", size)
            took, peak = run_bulk(sheet, base / f"out-{size}", workers)
            peaks[str(size)], seconds[str(size)] = round(peak, 1), round(took, 1)
            shutil.rmtree(base / f"out-{size}", ignore_errors=True)
        values = list(peaks.values())
        return {"peak_rss_mib": peaks, "seconds": seconds,
                "growth_ratio": round(values[-1] / values[0], 3)}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=max(4, round(200 * SCALE)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", default=f"{max(4, round(200 * SCALE))},"
                                            f"{max(20, round(1000 * SCALE))}",
                        help="sheet sizes for the memory figure; empty to skip")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--short", action="store_true",
                        help="the short-plan workload (one goal; see shorten)")
    args = parser.parse_args()
    result: dict[str, Any] = {"bulk": run_ratio(args.plans, args.workers, args.runs,
                                                args.short)}
    if args.memory:
        sizes = tuple(int(s) for s in args.memory.split(","))
        result["memory"] = run_memory(sizes, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    b = result["bulk"]
    print(f"bulk {b['plans']} plans, {b['workers']} workers, median of {b['runs']}")
    print(f"  floor   {b['floor_s']:7.1f} s {b['floor_min_max']}  {b['floor_plans_per_s']} plans/s")
    print(f"  pipdocs {b['pipdocs_s']:7.1f} s {b['pipdocs_min_max']}  "
          f"{b['pipdocs_plans_per_s']} plans/s")
    print(f"  ratio {b['ratio']} (target <= {b['target']}); peak RSS {b['peak_rss_mib']} MiB")
    if "memory" in result:
        m = result["memory"]
        print("memory: " + ", ".join(f"{k} plans {v} MiB" for k, v in m["peak_rss_mib"].items())
              + f"; growth x{m['growth_ratio']}")


if __name__ == "__main__":
    main()
