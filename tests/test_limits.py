"""Hostile sizes and values: each is one clear problem of its plan or row, never a crash."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner

from pipdocs.bulk.records import MANIFEST, REPORT
from pipdocs.bulk.run import run_bulk
from pipdocs.bulk.sheet import COLUMNS, column_letter
from pipdocs.bulk.workbook import EXAMPLES, plan_to_row
from pipdocs.cli.main import cli
from pipdocs.core.errors import InputError, PlanInvalid
from pipdocs.core.plan import plan_from_data

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sales-en.yaml"
HUGE = "9" * 5000


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def write_plan(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


def cli_lines(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output.strip().splitlines()


# --- plan files -----------------------------------------------------------------------------


@pytest.mark.parametrize("change,path,words", [
    (lambda d: d["period"].update(start="9999-12-31"), "period.start", "9999-12-31"),
    (lambda d: d["period"].update(days=HUGE), "period.days", "is not a whole number"),
    (lambda d: d["goals"][0].update(deadline=HUGE), "goals[1].deadline", "is not a date"),
    (lambda d: d.update(role=HUGE), "role", "must be one of"),
])
def test_overflows_and_huge_numbers_are_problems_of_the_plan(
        tmp_path: Path, change: Any, path: str, words: str) -> None:
    data = example()
    change(data)
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    problems = {p.path: p.message for p in caught.value.problems}
    assert path in problems and words in problems[path], problems
    assert all(len(m) < 300 for m in problems.values()), problems  # the input is shortened
    plan_file = write_plan(tmp_path / "plan.json", data)
    for command in (["validate"], ["pdf", "-o", str(tmp_path / "x.pdf")]):
        code, lines = cli_lines(*command, str(plan_file))
        assert code == 1, lines
        assert any(f"{path}: " in line and words in line for line in lines), lines
        assert not any("unexpected" in line for line in lines), lines


@pytest.mark.parametrize("field,path", [("days", "period.days"), ("start", "period.start")])
def test_a_5000_digit_json_number_is_a_problem_of_its_field(tmp_path: Path, field: str,
                                                             path: str) -> None:
    plan_file = write_plan(tmp_path / "plan.json", example())
    text = plan_file.read_text(encoding="utf-8")
    key = f'"{field}": '
    at = text.index(key, text.index('"period"')) + len(key)
    end = min(i for i in (text.find(",", at), text.find("}", at)) if i >= 0)
    plan_file.write_text(text[:at] + HUGE + text[end:], encoding="utf-8")
    code, lines = cli_lines("validate", str(plan_file))
    assert code == 1 and any(f"plan.json: {path}: " in line for line in lines), lines
    assert all(len(line) < 400 for line in lines), lines


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("suffix,text", [
    (".json", '{"plan_id": "X", "employee": {"name": ' + nested(100_000) + "}}"),
    (".yaml", "plan_id: X\nemployee:\n  name: " + nested(100_000) + "\n"),
    (".json", '{"plan_id": "X", "support": ' + nested(50) + "}"),
])
def test_deep_nesting_is_a_problem_of_the_plan(tmp_path: Path, suffix: str, text: str) -> None:
    plan_file = tmp_path / f"plan{suffix}"
    plan_file.write_text(text, encoding="utf-8")
    for command in (["validate"], ["pdf", "-o", str(tmp_path / "x.pdf")]):
        code, lines = cli_lines(*command, str(plan_file))
        assert code == 1, lines
        assert any("nested" in line and "levels deep" in line for line in lines), lines
        assert not any("unexpected" in line or "Recursion" in line for line in lines), lines


def test_deep_nesting_in_data_is_refused_by_the_model() -> None:
    data = example()
    inner: list[Any] = []
    data["support"] = inner
    for _ in range(10_000):
        inner.append([])
        inner = inner[0]
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert [p.path for p in caught.value.problems] == ["support"]
    assert "nested more than" in caught.value.problems[0].message


# --- bulk -----------------------------------------------------------------------------------


def cell(key: str, row: int) -> str:
    return f"{column_letter(COLUMNS.index(key))}{row}"


def sheet_row(plan_id: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLES["en"])
    data["plan_id"] = plan_id
    values = plan_to_row(data)
    values.update(changes)
    return values


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for values in rows:
            writer.writerow(["" if values.get(k) is None else values.get(k) for k in COLUMNS])
    return path


def report(out: Path) -> dict[int, dict[str, str]]:
    with (out / REPORT).open(encoding="utf-8-sig", newline="") as fh:
        return {int(r["row"]): r for r in csv.DictReader(fh)}


def test_one_bad_row_never_aborts_a_bulk_run(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "plans.csv", [
        sheet_row("PIP-L-1"),
        sheet_row("PIP-L-2", **{"period.start": "9999-12-31"}),
        sheet_row("PIP-L-3", **{"period.days": HUGE}),
        sheet_row("PIP-L-4", **{"goals.1.target": HUGE}),
        sheet_row("PIP-L-5", **{"employee.id": HUGE}),
        sheet_row("PIP-L-6"),
    ])
    out = tmp_path / "out"
    summary = run_bulk(sheet, out, fmt="docx")
    rows = report(out)
    assert summary.made == 2 and summary.failed == 4
    assert [rows[n]["status"] for n in range(2, 8)] == ["ok", "error", "error", "error",
                                                       "error", "ok"]
    assert rows[3]["message"].startswith(f"{cell('period.start', 3)}: ")
    assert rows[4]["message"].startswith(f"{cell('period.days', 4)}: ")
    assert rows[5]["message"].startswith(f"{cell('goals.1.target', 5)}: ")
    assert rows[6]["message"].startswith(f"{cell('employee.id', 6)}: ")
    assert all(len(rows[n]["message"]) < 400 for n in rows), rows
    assert (out / "PIP-L-1.docx").is_file() and (out / "PIP-L-6.docx").is_file()


# --- resume: the manifest records what was written, and the files must still be that ---------


def test_resume_remakes_outputs_that_were_truncated_replaced_or_swapped(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "plans.csv", [sheet_row(f"PIP-R-{n}") for n in range(1, 6)])
    out = tmp_path / "out"
    assert run_bulk(sheet, out, fmt="docx").made == 5
    second = run_bulk(sheet, out, fmt="docx")
    assert (second.made, second.skipped) == (0, 5)
    files = {n: out / f"PIP-R-{n}.docx" for n in range(1, 6)}
    original = {n: f.read_bytes() for n, f in files.items()}
    files[1].write_bytes(original[1][: len(original[1]) // 2])  # truncated
    files[2].write_bytes(b"junk" * (len(original[2]) // 4) + b"x" * (len(original[2]) % 4))
    files[3].write_bytes(original[4])  # swapped for another plan's document
    assert len(files[2].read_bytes()) == len(original[2])  # same size, other bytes
    third = run_bulk(sheet, out, fmt="docx")
    status = {r.plan_id: r.status for r in third.rows}
    assert status == {"PIP-R-1": "ok", "PIP-R-2": "ok", "PIP-R-3": "ok",
                      "PIP-R-4": "skipped", "PIP-R-5": "skipped"}
    for n in (1, 2, 3):
        text = "\n".join(p.text for p in docx.Document(files[n]).paragraphs)
        assert f"PIP-R-{n}" in text
    manifest = [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()]
    assert {m["id"] for m in manifest} == {f"PIP-R-{n}" for n in range(1, 6)}
    for m in manifest:
        data = (out / m["output"]).read_bytes()
        assert m["size"] == len(data) and m["sha256"] == hashlib.sha256(data).hexdigest()


# --- plan ids that differ only in case ------------------------------------------------------


def test_a_plan_id_differing_only_in_case_from_an_earlier_output_is_refused(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = write_csv(tmp_path / "first.csv", [sheet_row("PIP-A"), sheet_row("PIP-B")])
    assert run_bulk(first, out, fmt="docx").made == 2
    second = write_csv(tmp_path / "second.csv", [sheet_row("pip-a"), sheet_row("PIP-C")])
    summary = run_bulk(second, out, fmt="docx")
    rows = report(out)
    assert (summary.made, summary.failed) == (1, 1)
    assert rows[2]["status"] == "error"
    assert rows[2]["message"].startswith(f"{cell('plan_id', 2)}: plan id pip-a differs only in"
                                         " case from PIP-A.docx")
    assert sorted(p.name for p in out.glob("*.docx")) == ["PIP-A.docx", "PIP-B.docx",
                                                          "PIP-C.docx"]
    text = "\n".join(p.text for p in docx.Document(out / "PIP-A.docx").paragraphs)
    assert "PIP-A" in text and "pip-a" not in text


def test_pdf_and_render_refuse_a_name_differing_only_in_case(tmp_path: Path) -> None:
    (tmp_path / "PIP-A.pdf").write_bytes(b"%PDF-1.7 another plan")
    (tmp_path / "PIP-A.docx").write_bytes(b"another plan")
    for command, name in (("pdf", "pip-a.pdf"), ("render", "Pip-A.docx")):
        code, lines = cli_lines(command, str(EXAMPLE), "-o", str(tmp_path / name))
        assert code == 2 and len(lines) == 1, lines
        assert "differs only in case" in lines[0] and "PIP-A." in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PIP-A.docx", "PIP-A.pdf"]


# --- characters that forge lines or reverse names; names Windows reserves ---------------------


@pytest.mark.parametrize("char", ["\n", "\r", "\x00", "\x1b", "\x85", "\u202e", "\u202a",
                                  "\u2066", "\u2069", "\u2028"])
@pytest.mark.parametrize("path,put", [
    ("employee.name", lambda d, v: d["employee"].update(name=v)),
    ("manager.name", lambda d, v: d["manager"].update(name=v)),
    ("employee.id", lambda d, v: d["employee"].update(id=v)),
    ("hr.email", lambda d, v: d["hr"].update(email=v)),
    ("organisation", lambda d, v: d.update(organisation=v)),
    ("plan_id", lambda d, v: d.update(plan_id=v)),
])
def test_control_and_bidi_characters_are_refused_in_names_ids_and_emails(
        char: str, path: str, put: Any) -> None:
    data = example()
    value = {"hr.email": "priya.nair@northwind.example.com"}.get(path, "Ab Cd")
    put(data, value[:2] + char + value[2:])
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    problems = {p.path: p.message for p in caught.value.problems}
    assert list(problems) == [path], problems
    assert f"U+{ord(char):04X}" in problems[path] or "line break" in problems[path]
    assert "\n" not in problems[path] and char not in problems[path]


def test_bidi_controls_are_refused_in_any_text() -> None:
    data = example()
    data["diagnosis"]["summary"] = "fine \u202egnorw"
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert [str(p) for p in caught.value.problems] == [
        "diagnosis.summary: contains the bidi control character U+202E; remove it"]


@pytest.mark.parametrize("plan_id", ["CON", "con", "Nul.2027", "PRN.pdf", "aux", "COM1",
                                     "lpt9.x", "COM¹", "PIP-1."])
def test_windows_reserved_names_are_not_plan_ids(plan_id: str) -> None:
    data = example()
    data["plan_id"] = plan_id
    with pytest.raises(PlanInvalid) as caught:
        plan_from_data(data)
    assert [p.path for p in caught.value.problems] == ["plan_id"]


@pytest.mark.parametrize("plan_id", ["CONTRACT-1", "COM10", "LPT0", "NULL", "PIP.CON"])
def test_names_near_reserved_ones_are_fine(plan_id: str) -> None:
    data = example()
    data["plan_id"] = plan_id
    assert plan_from_data(data).plan_id == plan_id


@pytest.mark.parametrize("exc,words", [
    (MemoryError(), "error: out of memory"),
    (RecursionError("maximum recursion depth exceeded"), "error: the input is nested too deeply"),
    (OSError(28, "No space left on device", "/out/x.pdf"), "error: the disk is full (/out/x.pdf)"),
])
def test_internal_errors_become_plain_messages(exc: BaseException, words: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from pipdocs.cli.app import exit_for

    assert exit_for(exc, debug=False) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(words), err
    assert "unexpected" not in err[0] and "Errno" not in err[0]


def test_yaml_aliases_cannot_multiply_a_plan(tmp_path: Path) -> None:
    """A 'billion laughs' file: nine aliases deep, a billion items once walked."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text("\n".join(lines) + "\nsupport: *a9\n", encoding="utf-8")
    code, lines_out = cli_lines("validate", str(plan_file))
    assert code == 2 and len(lines_out) == 1, lines_out
    assert "line 2" in lines_out[0] and "alias" in lines_out[0], lines_out


@pytest.mark.parametrize("raw,error", [
    (b'{"plan_id": ' + b"9" * 5000 + b"}", InputError),
    (b'{"plan_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", PlanInvalid),
    (b'{"support": ' + b"[" * 50 + b"]" * 50 + b"}", PlanInvalid),
])
def test_an_embedded_plan_json_that_is_hostile_is_a_clear_error(raw: bytes,
                                                                error: type) -> None:
    from pipdocs.core.plan import plan_from_json_bytes

    with pytest.raises(error) as caught:
        plan_from_json_bytes(raw)
    assert len(str(caught.value)) < 300


def test_a_problem_quoting_user_text_stays_one_line(tmp_path: Path) -> None:
    data = example()
    data["goals"][0]["target"] = "more\nVerdict: VALID"
    data["actions"][0]["weeks"] = "1\r\n2"
    plan_file = write_plan(tmp_path / "plan.json", data)
    code, lines = cli_lines("validate", str(plan_file))
    assert code == 1 and len(lines) == 2, lines
    assert all(line.startswith("error: ") for line in lines), lines
    assert any("more\\x0aVerdict: VALID" in line for line in lines), lines


# --- inputs that are not files ----------------------------------------------------------------

CASE_INPUTS = Path(__file__).resolve().parent.parent / "examples" / "case-zh"


def pipdocs_run(args: list[str], cwd: Path, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[str]:
    """``pipdocs ARGS`` in a child process: a hang is a failed test, not a stuck suite."""
    environ = {**os.environ, "LANG": "C.UTF-8", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipdocs", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def signer_key(ca_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers import CA_PASSWORD, KEY_PASSWORD

    from pipdocs.pki.ca import issue_signer

    out = tmp_path_factory.mktemp("fifo-key") / "employee.p12"
    issue_signer(ca_dir, "Zhao Lei", "zhao.lei@example.com", out, CA_PASSWORD, KEY_PASSWORD)
    return out


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_every_command_that_reads_a_pdf_refuses_a_pipe_or_a_device(
        tmp_path: Path, ca_dir: Path, signer_key: Path, special: str) -> None:
    """A FIFO would block the read for ever and /dev/zero would fill memory: each is refused
    in one line, exit 2, before anything is read."""
    from helpers import ENV

    if special == "fifo":
        os.mkfifo(tmp_path / "in.pdf")
        target = "in.pdf"
    else:
        target = special
    commands = [
        ["verify", target],
        ["sign", target, "--role", "employee", "--key", str(signer_key), "-o", "out.pdf",
         "--tsa-dir", str(ca_dir)],
        ["archive", "status", target],
        ["archive", "refresh", target, "--tsa-dir", str(ca_dir)],
        ["case", "verify", target],
        ["checkin", target, str(CASE_INPUTS / "checkin-1.yml"), "-o", "out.pdf"],
        ["evaluate", target, str(CASE_INPUTS / "evaluation.yml"), "-o", "out.pdf"],
        ["revise", target, str(CASE_INPUTS / "plan-v2-zh.yaml"), "--reason", "x", "-o",
         "out.pdf"],
        ["refusal", target, str(write_refusal(tmp_path)), "-o", "out.pdf"],
    ]
    for args in commands:
        done = pipdocs_run(args, tmp_path, ENV)
        lines = (done.stdout + done.stderr).strip().splitlines()
        assert done.returncode == 2, (args, lines)
        assert lines == [f"error: {target}: not a regular file; pass the PDF itself, not a pipe"
                         " or a device"], (args, lines)
    assert not (tmp_path / "out.pdf").exists()
    done = pipdocs_run(["verify", str(CASE_INPUTS / "01-plan.pdf"), "--policy", target], tmp_path)
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1, lines
    assert lines[0].startswith("error: ") and lines[0].endswith(
        f"{target}: not a regular file; pass the signing policy itself, not a pipe or a"
        " device"), lines


def write_refusal(folder: Path) -> Path:
    path = folder / "refusal.yaml"
    path.write_text("date: 2025-10-08\ndocument: plan\ndelivered: 当面送达\nreason: 目标过高\n"
                    "witness: {name: 王芳, title: 行政主管}\n", encoding="utf-8")
    return path


def test_bulk_plans_folder_skips_pipes_and_devices(tmp_path: Path) -> None:
    """A pipe or a link to a device among the signed plans is not read (it would hang)."""
    plans = tmp_path / "plans"
    plans.mkdir()
    os.mkfifo(plans / "fifo.pdf")
    (plans / "zero.pdf").symlink_to("/dev/zero")
    sheet = tmp_path / "week.csv"
    sheet.write_text("计划编号,面谈日期,目标1进展,目标1状态,目标2进展,目标2状态,目标3进展,目标3状态,"
                     "已提供的支持,直接上级反馈,下一步行动\n"
                     "PIP-2026-0103-CASE,2025-12-03,x,按计划推进,y,按计划推进,z,按计划推进,1,好,\n",
                     encoding="utf-8")
    done = pipdocs_run(["bulk", "week.csv", "--plans", "plans", "-o", "out"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert "no signed plan PIP-2026-0103-CASE" in done.stderr, done.stderr


# --- decompression bombs ----------------------------------------------------------------------

MB = 1 << 20


def flatten(pdf: bytes) -> bytes:
    """The PDF rewritten as one revision: a file as its author hands it over to be signed."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    out = io.BytesIO()
    copy_into_new_writer(PdfFileReader(io.BytesIO(pdf), strict=False)).write(out)
    return out.getvalue()


def deflated(head: bytes, blanks: int, tail: bytes = b"") -> bytes:
    """``head``, ``blanks`` megabytes of spaces and ``tail``, deflated a megabyte at a time."""
    z = zlib.compressobj(9)
    block = b" " * MB
    return (z.compress(head) + b"".join(z.compress(block) for _ in range(blanks))
            + z.compress(tail) + z.flush())


def plan_json_bomb(pdf: bytes, blanks: int) -> bytes:
    """``pdf`` whose plan.json is followed by ``blanks`` MB of spaces (still valid JSON)."""
    from pyhanko.pdf_utils import generic
    from tamperkit import finish, incremental

    writer = incremental(pdf)
    spec = writer.root["/Names"]["/EmbeddedFiles"]["/Names"][1]
    plan_json = spec["/EF"]["/F"].data
    stream = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile"),
                                   generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")},
                                  encoded_data=deflated(plan_json, blanks))
    ref = writer.add_object(stream)
    spec["/EF"] = generic.DictionaryObject({generic.pdf_name("/F"): ref,
                                            generic.pdf_name("/UF"): ref})
    writer.update_container(spec)
    return flatten(finish(writer))


def peak_rss_mb(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Peak resident memory (MB) of ``pipdocs ARGS``, measured by a parent of its own (the
    test process's other children, LibreOffice among them, are not counted)."""
    code = ("import json, resource, subprocess, sys\n"
            "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "print(json.dumps([peak, done.returncode, done.stdout, done.stderr]))\n")
    wrapped = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "pipdocs", *args],
                             cwd=cwd, capture_output=True, text=True, check=True,
                             env={**os.environ, "LANG": "C.UTF-8"})
    peak, returncode, out, err = json.loads(wrapped.stdout)
    return peak / 1024, subprocess.CompletedProcess(args, returncode, out, err)


def test_a_signed_decompression_bomb_is_refused_with_little_memory(
        tmp_path: Path, ca_dir: Path, tsa: Any) -> None:
    """A 0.2 MB signed PDF whose plan.json inflates to 160 MB: verify decoded it all (over
    1 GB peak) and judged the plan. Now reading stops at the cap, in one line, exit 2."""
    from helpers import CA_PASSWORD, KEY_PASSWORD
    from tamperkit import Identity, prepared_pdf, sign

    from pipdocs.core.plan import load_plan
    from pipdocs.pki.ca import issue_signer
    from pipdocs.pki.tsa import CheckedHTTPTimeStamper
    from pipdocs.signing.sign import load_signer

    plan = load_plan(EXAMPLE.parent / "engineering-en.yaml")
    employee = plan.person("employee")
    p12 = tmp_path / "employee.p12"
    issue_signer(ca_dir, employee.name, employee.email, p12, CA_PASSWORD, KEY_PASSWORD)
    loaded = load_signer(p12, KEY_PASSWORD)
    who = Identity(employee.name, employee.email, loaded.signer, p12, loaded)
    bomb = plan_json_bomb(prepared_pdf(plan), blanks=160)
    signed = sign(bomb, "sig_employee", who, CheckedHTTPTimeStamper(tsa.url, timeout=10),
                  certify=True)
    assert len(signed) < MB
    (tmp_path / "bomb.pdf").write_bytes(signed)
    peak, done = peak_rss_mb(["verify", "bomb.pdf", "--allow-incomplete", "--trust",
                              str(ca_dir / "root.pem")], tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip().splitlines() == [
        "error: bomb.pdf: its compressed contents expand to more than 16 MB; a PIP document is"
        " far smaller, so it is not read (a decompression bomb?)"], done.stderr
    assert peak < 200, f"verify peaked at {peak:.0f} MB"


def test_many_small_streams_add_up_to_the_cap(tmp_path: Path) -> None:
    """The cap is on the total: 40 streams of 1 MB each pass one by one, not together."""
    from pyhanko.pdf_utils import generic
    from tamperkit import finish, incremental, prepared_pdf

    from pipdocs.core.errors import InputError
    from pipdocs.core.plan import load_plan
    from pipdocs.document.pdfread import open_pdf

    pdf = prepared_pdf(load_plan(EXAMPLE.parent / "engineering-en.yaml"))
    open_pdf(pdf, "genuine.pdf")  # a genuine page decodes within the cap
    writer = incremental(pdf)
    keep = generic.ArrayObject()
    for _ in range(40):
        keep.append(writer.add_object(generic.StreamObject(
            {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")},
            encoded_data=deflated(b"", 1))))
    writer.root["/PieceInfo"] = keep
    writer.update_root()
    with pytest.raises(InputError, match="many.pdf: its compressed contents expand to more"):
        open_pdf(finish(writer), "many.pdf")
