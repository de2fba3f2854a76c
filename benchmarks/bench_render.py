"""Time `pipdocs` rendering against bare docxtpl rendering of the same template and data.

Bare docxtpl gets the same template file, the same context and the same Jinja environment
(the template's filters need it); what it does not get is anything pipdocs adds: template
lookup, the cached template bytes, metadata. Each run renders all eight example plans; the
figure is ms per plan, median over runs after a warm-up.

    .venv/bin/python benchmarks/bench_render.py [-n 7] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run(n: int = 7) -> dict[str, Any]:
    from docxtpl import DocxTemplate

    from pipdocs.core.plan import load_plan
    from pipdocs.document.jinja import jinja_env, plan_context
    from pipdocs.document.render import render_docx_bytes
    from pipdocs.document.templates import find_template

    plans = [load_plan(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    jobs = [(p, find_template(p.language, p.role), plan_context(p)) for p in plans]

    def bare() -> None:
        for plan, path, context in jobs:
            tpl = DocxTemplate(str(path))
            tpl.render(context, jinja_env=jinja_env(plan.language), autoescape=True)
            tpl.save(io.BytesIO())

    def ours() -> None:
        for plan, _, _ in jobs:
            render_docx_bytes(plan)

    samples: dict[str, list[float]] = {"bare": [], "pipdocs": []}
    bare()
    ours()  # warm-up: imports, compiled template parts
    for _ in range(n):  # interleaved, so drift hits both alike
        for name, fn in (("bare", bare), ("pipdocs", ours)):
            t0 = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t0) * 1000 / len(jobs))
    med = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "plans_per_run": len(jobs),
        "runs": n,
        "pipdocs_ms_per_plan": round(med["pipdocs"], 2),
        "bare_ms_per_plan": round(med["bare"], 2),
        "pipdocs_min_max": [round(min(samples["pipdocs"]), 2), round(max(samples["pipdocs"]), 2)],
        "bare_min_max": [round(min(samples["bare"]), 2), round(max(samples["bare"]), 2)],
        "ratio": round(med["pipdocs"] / med["bare"], 3),
        "target": 1.05,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.n)
    if args.json:
        print(json.dumps(result))
        return
    print(f"render {result['plans_per_run']} plans x {result['runs']} runs")
    print(f"  pipdocs {result['pipdocs_ms_per_plan']:7.2f} ms/plan {result['pipdocs_min_max']}")
    print(f"  docxtpl {result['bare_ms_per_plan']:7.2f} ms/plan {result['bare_min_max']}")
    print(f"  ratio {result['ratio']} (target <= {result['target']})")


if __name__ == "__main__":
    main()
