"""A week's check-ins from one sheet: `pipdocs bulk SHEET --plans DIR` on the warm pool, against
making the same records one at a time (`pipdocs checkin` per row: a LibreOffice start each).

The plan is the committed example case's version in force (examples/case-zh/04-revision.pdf,
verified against its root.pem for every row, as the command does); each row is a check-in on
another day of the plan period. Both paths check, render, convert, prepare and write the same
documents; only the conversion differs.

    .venv/bin/python benchmarks/bench_checkins.py [--rows 20] [--workers 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CASE = ROOT / "examples" / "case-zh"
PLAN_ID = "PIP-2026-0103-CASE"


def write_sheet(path: Path, rows: int) -> Path:
    """``rows`` check-ins of the example plan, one day apart from its first day."""
    start = date(2025, 10, 9)
    lines = ["plan_id,date,goals.1.progress,goals.1.status,goals.2.progress,goals.2.status,"
             "goals.3.progress,goals.3.status,support_given,manager_feedback,next_steps"]
    for i in range(rows):
        day = (start + timedelta(days=i)).isoformat()
        lines.append(f"{PLAN_ID},{day},覆盖率 {50 + i}%,按计划推进,缺陷率 9%,存在风险,"
                     f"建议 {i % 4} 条,按计划推进,\"1, 2\",保持节奏,补充边界用例")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(rows: int = 20, workers: int = 2) -> dict[str, Any]:
    from pipdocs.bulk.checkins import checkin_rows, row_data
    from pipdocs.core.policy import load_policy
    from pipdocs.lifecycle.checkin import checkin_from_input
    from pipdocs.lifecycle.checkinsheet import run_checkin_sheet
    from pipdocs.lifecycle.make import Options
    from pipdocs.lifecycle.models import CheckinInput, input_from_data

    options = Options(trust=[CASE / "root.pem"], policy=load_policy())
    with tempfile.TemporaryDirectory(prefix="pipdocs-bench-checkins-") as tmp:
        work = Path(tmp)
        plans = work / "plans"
        plans.mkdir()
        shutil.copyfile(CASE / "04-revision.pdf", plans / "04-revision.pdf")
        sheet = write_sheet(work / "week.csv", rows)

        began = time.perf_counter()
        result = run_checkin_sheet(sheet, plans, work / "pool", options, workers=workers)
        pool_s = time.perf_counter() - began
        if result.made != rows:
            raise SystemExit(f"bulk made {result.made} of {rows}: {result.rows}")

        (work / "one").mkdir()
        began = time.perf_counter()
        for number, cells in checkin_rows(sheet):  # what a script calling `pipdocs checkin` does
            inp = input_from_data(CheckinInput, row_data(cells), f"row {number}")
            checkin_from_input(plans / "04-revision.pdf", inp, f"row {number}",
                               work / "one" / f"{number}.pdf", options)
        single_s = time.perf_counter() - began
    return {
        "rows": rows, "workers": workers,
        "pool_s": round(pool_s, 2), "pool_docs_per_s": round(rows / pool_s, 2),
        "one_at_a_time_s": round(single_s, 2),
        "one_at_a_time_docs_per_s": round(rows / single_s, 2),
        "speedup": round(single_s / pool_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.rows, args.workers)
    print(json.dumps(result, indent=1) if args.json else
          f"{args.rows} check-ins: pool {result['pool_s']} s, one at a time"
          f" {result['one_at_a_time_s']} s ({result['speedup']}x)")


if __name__ == "__main__":
    main()
