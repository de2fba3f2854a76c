"""What a bulk run remembers and reports: row outcomes, the manifest of inputs, report.csv,
and the lock that gives one run an output directory (plan sheets and check-in sheets alike)."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipdocs.core.errors import InputError, PipdocsError, Problem
from pipdocs.core.files import write_atomic

MANIFEST = ".pipdocs-bulk-manifest.jsonl"
LOCK = ".pipdocs-bulk.lock"
REPORT = "report.csv"
TEMP_FILE = re.compile(r"^\..+\.(pdf|docx|csv|jsonl)\.[^.]+\.(part|tmp)$")
INTERRUPTED = "not made: the run was interrupted; run the same command again to finish"


@dataclass
class RowOutcome:
    row: int
    plan_id: str
    status: str  # ok | error | skipped
    output: str = ""
    message: str = ""


@dataclass
class BulkSummary:
    made: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    report: Path | None = None
    engine: str = ""
    restarts: int = 0
    fatal: str = ""  # the converter is gone for good (LibreOffice broken, servers down)
    rows: list[RowOutcome] = field(default_factory=list)


@dataclass(frozen=True)
class BulkOptions:
    """What the user asked of one run: which sheet, where to, in which format, how."""

    sheet: Path
    out_dir: Path
    fmt: str = "pdf"
    force: bool = False
    templates_dir: Path | None = None


@dataclass
class RunState:
    """Where a run's results go while it works: the manifest, the summary and the listener."""

    manifest: Manifest
    summary: BulkSummary
    progress: BulkProgress

    def finish(self, outcome: RowOutcome) -> None:
        """One row is done (made or failed): count it, keep it, tell the listener."""
        self.summary.rows.append(outcome)
        if outcome.status == "ok":
            self.summary.made += 1
        else:
            self.summary.failed += 1
        self.progress.advanced(outcome)


class BulkProgress:
    """What the CLI hears about a run; the library itself never prints."""

    def problems(self, row: int, problems: list[Problem]) -> None:
        """Row ``row`` cannot be made; called during validation, before any work starts."""

    def started(self, to_make: int, skipped: int, invalid: int) -> None:
        """Validation is done; ``to_make`` documents follow."""

    def advanced(self, outcome: RowOutcome) -> None:
        """One document is done (status ok or error)."""


def formula_safe(value: object) -> str:
    """A CSV cell Excel shows as text, never runs as a formula (= + - @ tab CR first)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_report(path: Path, outcomes: list[RowOutcome]) -> Path:
    """report.csv, UTF-8 with BOM so Excel shows Chinese, written atomically."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["row", "plan_id", "status", "output", "message"])
    for o in sorted(outcomes, key=lambda o: o.row):
        writer.writerow([o.row, *map(formula_safe, (o.plan_id, o.status, o.output, o.message))])
    write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    return path


@dataclass(frozen=True)
class Made:
    """What a run made for one plan: its input hash, and the output's name, size and SHA-256."""

    digest: str
    output: str
    size: int
    sha256: str

    def line(self, plan_id: str) -> str:
        return json.dumps({"id": plan_id, "hash": self.digest, "output": self.output,
                           "size": self.size, "sha256": self.sha256}) + "\n"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Manifest:
    """plan id -> what earlier runs made (append-only): an output is skipped only when its input
    is unchanged AND the file is still the one that run wrote (size and SHA-256), so a
    truncated, replaced or swapped output is made again."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self.entries: dict[str, tuple[str, Made]] = {}
        with contextlib.suppress(FileNotFoundError), self.path.open(encoding="utf-8") as fh:
            for line in fh:
                with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                    item = json.loads(line)  # a torn last line from a kill is skipped
                    made = Made(str(item["hash"]), str(item["output"]), int(item["size"]),
                                str(item["sha256"]))
                    self.entries[item["id"].casefold()] = (item["id"], made)
        self._fh = self.path.open("a", encoding="utf-8")

    def unchanged(self, plan_id: str, digest: str, out: Path) -> bool:
        found = self.entries.get(plan_id.casefold())
        if found is None or (found[1].digest, found[1].output) != (digest, out.name):
            return False
        try:
            if out.stat().st_size != found[1].size or not out.is_file():
                return False
            return file_sha256(out) == found[1].sha256
        except OSError:
            return False

    def add(self, plan_id: str, digest: str, out: Path) -> None:
        try:
            made = Made(digest, out.name, out.stat().st_size, file_sha256(out))
        except OSError:
            return  # gone already (removed by hand): the next run makes it again
        self.entries[plan_id.casefold()] = (plan_id, made)
        self._fh.write(made.line(plan_id))
        self._fh.flush()

    def close(self) -> None:
        """Rewrite without superseded lines, so the file does not grow run after run."""
        self._fh.close()
        lines = "".join(made.line(plan_id) for plan_id, made in self.entries.values()
                        if (self.path.parent / made.output).is_file())
        write_atomic(self.path, lines.encode("utf-8"))


_template_hashes: dict[tuple[str, str, str], str] = {}


def input_hash(plan_json: bytes, fmt: str, language: str, role: str,
               templates_dir: Path | None) -> str:
    """What the output depends on: the plan, the format and the template file's content."""
    key = (language, role, str(templates_dir or ""))
    if key not in _template_hashes:
        from pipdocs.document.templates import find_template

        try:
            data = find_template(language, role, templates_dir).read_bytes()
        except (PipdocsError, OSError):
            data = b""
        _template_hashes[key] = hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256(plan_json)
    digest.update(f"\0{fmt}\0{_template_hashes[key]}".encode())
    return digest.hexdigest()


@contextlib.contextmanager
def claim(out_dir: Path) -> Iterator[None]:
    """One run per output directory; leftovers of a killed run are removed."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write there ({exc.strerror}); choose another "
                         "output directory") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise InputError(f"{out_dir}: another pipdocs bulk is writing there; wait for it "
                             "or choose another directory") from exc
        for leftover in out_dir.glob(".*"):  # we hold the directory: these are a dead run's
            if leftover.name.startswith(".pipdocs-work-"):
                shutil.rmtree(leftover, ignore_errors=True)
            elif TEMP_FILE.match(leftover.name):
                leftover.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)
