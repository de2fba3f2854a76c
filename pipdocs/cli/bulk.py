"""Bulk commands: the workbook template and one document per row."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pipdocs.cli.app import (
    DIR_PATH,
    EXISTING_FILE,
    POLICY_OPTION,
    SEAL_OPTION,
    OutputFile,
    cli,
    err,
    sealer,
)
from pipdocs.core.i18n import tr


@cli.command("bulk-template")
@click.argument("out", type=OutputFile(".xlsx"))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True,
              help="Header language: column keys (en) or Chinese labels (zh).")
def bulk_template(out: Path, lang: str) -> None:
    """Write an Excel workbook to fill in for `pipdocs bulk` (with a guide sheet)."""
    from pipdocs.bulk.sheet import COLUMNS
    from pipdocs.bulk.workbook import write_template

    write_template(out, lang)
    click.echo(f"{out}: {len(COLUMNS)} columns, one example row, guide sheet ({lang})")


@cli.command("bulk")
@click.argument("sheet", type=EXISTING_FILE)
@click.option("-o", "--output", "out_dir", type=DIR_PATH, required=True,
              help="Directory for <plan_id>.pdf files and report.csv.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="LibreOffice workers (default: number of CPUs).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf",
              show_default=True)
@click.option("--force", is_flag=True, help="Remake documents whose input is unchanged.")
@click.option("--converter", default=None, metavar="unoserver://HOST:PORT[,HOST:PORT]",
              help="Convert on running unoserver instances instead of local LibreOffice.")
@click.option("--templates", type=DIR_PATH, default=None,
              help="Use this template directory (zh/, en/).")
@click.option("--plans", type=DIR_PATH, default=None,
              help="The sheet holds check-ins (one row each, keyed by plan_id); the signed plans"
                   " are in this folder. See docs/lifecycle.md.")
@click.option("--trust", type=EXISTING_FILE, multiple=True,
              help="With --plans: root certificate the signed plans must chain to.")
@POLICY_OPTION
@SEAL_OPTION
def bulk_command(sheet: Path, out_dir: Path, workers: int | None, fmt: str, force: bool,
                 converter: str | None, templates: Path | None, plans: Path | None,
                 trust: tuple[Path, ...], policy_file: Path | None,
                 seal_dir: Path | None) -> None:
    """One document per spreadsheet row (.xlsx or .csv); exit 1 if any row failed."""
    import signal

    if plans is not None:
        _checkin_sheet(sheet, plans, out_dir, (templates, converter, workers), trust, policy_file,
                       force)

    from pipdocs.bulk.run import run_bulk
    from pipdocs.core.policy import load_policy

    policy = load_policy(policy_file)
    seal = sealer(seal_dir, policy)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # clean up workers and temp files, as on Ctrl-C

    signal.signal(signal.SIGTERM, terminate)
    progress = _bulk_output(sheet.name)
    try:
        summary = run_bulk(sheet, out_dir, workers=workers, fmt=fmt, force=force,
                           converter=converter, templates_dir=templates, progress=progress,
                           policy=policy, seal=seal)
    finally:
        progress.close()
    rate = summary.made / summary.seconds if summary.seconds else 0.0
    click.echo(tr("bulk: {made} made, {skipped} skipped, {failed} failed in {seconds} s"
                  " ({rate} plans/s); report: {report}").format(
        made=summary.made, skipped=summary.skipped, failed=summary.failed,
        seconds=f"{summary.seconds:.1f}", rate=f"{rate:.1f}", report=summary.report))
    sys.exit(1 if summary.failed else 0)


def _checkin_sheet(sheet: Path, plans: Path, out_dir: Path,
                   how: tuple[Path | None, str | None, int | None], trust: tuple[Path, ...],
                   policy_file: Path | None, force: bool) -> None:
    """`bulk SHEET --plans DIR`: one check-in record per row (pipdocs/bulk/checkins, the rows
    checked by pipdocs/lifecycle/checkinsheet), made as plans are; ``how``: templates,
    converter, workers."""
    import logging

    from pipdocs.core.policy import load_policy
    from pipdocs.lifecycle.checkinsheet import run_checkin_sheet
    from pipdocs.lifecycle.make import Options

    if not click.get_current_context().find_root().params.get("debug"):
        for name in ("pyhanko", "pyhanko_certvalidator"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    templates, converter, workers = how
    options = Options(trust=list(trust), policy=load_policy(policy_file),
                      templates_dir=templates)
    result = run_checkin_sheet(sheet, plans, out_dir, options, progress=err,
                               converter=converter, workers=workers, force=force)
    click.echo(tr("bulk check-ins: {made} made, {skipped} skipped, {failed} failed; report:"
                  " {report}").format(made=result.made, skipped=result.skipped,
                                      failed=result.failed, report=result.report))
    sys.exit(1 if result.failed else 0)


def _bulk_output(sheet_name: str) -> Any:
    """Progress for `pipdocs bulk`: a rich bar on a terminal, plain lines every few seconds
    otherwise; row problems as one line each on stderr."""
    from pipdocs.bulk.run import BulkProgress

    class BulkOutput(BulkProgress):
        def __init__(self, sheet: str) -> None:
            import time

            self.sheet, self.clock = sheet, time.monotonic
            self.total = self.done = self.failed = 0
            self.began = self.last_line = self.clock()
            self.bar: Any = None
            self.task: Any = None

        def _say(self, line: str) -> None:
            if self.bar is not None:
                self.bar.console.print(line, markup=False, highlight=False)
            else:
                err(line)

        def problems(self, row: int, problems: list[Any]) -> None:
            for problem in problems:
                self._say(tr("error: {message}").format(message=f"{self.sheet}: {problem}"))

        def started(self, to_make: int, skipped: int, invalid: int) -> None:
            self.total, self.began = to_make, self.clock()
            err(tr("bulk: {to_make} to make, {skipped} unchanged (skipped), {invalid} with"
                   " problems").format(to_make=to_make, skipped=skipped, invalid=invalid))
            if to_make and sys.stderr.isatty():
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )

                self.bar = Progress(
                    TextColumn("bulk"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]} plans/s"), TextColumn("ETA"),
                    TimeRemainingColumn(), TextColumn("{task.fields[failed]} failed"),
                    console=Console(stderr=True), transient=True)
                self.task = self.bar.add_task("bulk", total=to_make, rate="-", failed=0)
                self.bar.start()

        def advanced(self, outcome: Any) -> None:
            self.done += 1
            if outcome.status != "ok":
                self.failed += 1
                self._say(f"error: {self.sheet}: row {outcome.row} ({outcome.plan_id}): "
                          f"{outcome.message}")
            now = self.clock()
            rate = self.done / max(now - self.began, 1e-6)
            if self.bar is not None:
                self.bar.update(self.task, advance=1, rate=f"{rate:.1f}", failed=self.failed)
            elif now - self.last_line >= 5 or self.done == self.total:
                self.last_line = now
                eta = (self.total - self.done) / rate if rate else 0
                err(f"bulk: {self.done}/{self.total} done, {self.failed} failed, "
                    f"{rate:.1f} plans/s, ETA {eta:.0f} s")

        def close(self) -> None:
            if self.bar is not None:
                self.bar.stop()
                self.bar = None

    return BulkOutput(sheet_name)
