"""The CLI's shared behaviour: fast start-up, version, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipdocs import __version__
from pipdocs.cli.main import cli

HEAVY = ("pyhanko", "docxtpl", "docx", "openpyxl", "pypdf", "rich", "pydantic", "cryptography")


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from pipdocs.cli.main import cli\n"
        "try:\n    cli(['--help'], prog_name='pipdocs')\nexcept SystemExit:\n    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    assert "Usage:" in out.stdout
    assert not [m for m in loaded.split(",") if m in HEAVY], f"--help imported {loaded}"


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_every_contract_command_is_registered() -> None:
    names = set(cli.commands)
    for name in ("schema", "validate"):
        assert name in names


def test_missing_plan_file_is_exit_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "not found" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from pipdocs.core.errors import InputError

    result = CliRunner().invoke(cli, ["--debug", "validate", str(tmp_path / "nope.yaml")])
    assert isinstance(result.exception, InputError)


def test_usage_errors_are_one_line_too(tmp_path: Path) -> None:
    """Click's usage block would make a directory-for-a-file mistake four lines."""
    (tmp_path / "adir.yaml").mkdir()
    for args in (["validate", str(tmp_path / "adir.yaml")], ["nosuch"], ["--bogus"],
                 ["sign", str(tmp_path / "x.pdf"), "--role", "ceo"], ["ca", "issue"]):
        result = CliRunner().invoke(cli, args)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code == 2, args
        assert len(lines) == 1 and lines[0].startswith("error: ") and "--help" in lines[0], args


def test_a_group_alone_still_shows_its_help() -> None:
    result = CliRunner().invoke(cli, ["ca"])
    assert "Usage:" in result.output and "init" in result.output


def test_tsa_and_tsa_dir_are_refused_before_the_password_prompt(tmp_path: Path) -> None:
    """A usage mistake must not cost the signer a password (or hang waiting for one)."""
    (tmp_path / "in.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "k.p12").write_bytes(b"x")
    args = ["sign", str(tmp_path / "in.pdf"), "--role", "employee", "--key",
            str(tmp_path / "k.p12"), "-o", str(tmp_path / "out.pdf"),
            "--tsa", "http://127.0.0.1:9/", "--tsa-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, args, env={"PIPDOCS_KEY_PASSWORD": None}, input="secret\n")
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2
    assert len(lines) == 1 and "--tsa" in lines[0] and "not both" in lines[0], lines
    assert "assword" not in result.output


def test_output_file_type_checks_while_parsing(tmp_path: Path) -> None:
    """One output-file type: a missing directory or a mislabelled name fails in one line."""
    plan = tmp_path / "p.yaml"
    plan.write_text("x: 1\n")
    for out, words in ((tmp_path / "nodir" / "a.pdf", "does not exist"),
                       (tmp_path / "a.docx", "writes a PDF")):
        result = CliRunner().invoke(cli, ["pdf", str(plan), "-o", str(out)])
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code == 2 and len(lines) == 1 and words in lines[0], lines


def test_only_the_edges_read_the_environment() -> None:
    """Settings at the edge: the command line (and the web service's settings) read PIPDOCS_*
    and the locale; library modules take what they are given (core.settings). The demo, the
    top layer, also hands its environment on to the faketime child processes of the example
    case."""
    import re

    package = Path(__file__).resolve().parent.parent / "pipdocs"
    reads = re.compile(r"os\.environ|getenv\(|from os import .*environ")
    found = [f"{path.relative_to(package)}:{n}" for path in sorted(package.rglob("*.py"))
             if path.relative_to(package).parts[0] not in ("cli", "web", "demo")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if reads.search(line)]
    assert found == [], found


def test_the_command_line_hands_its_environment_to_the_library(tmp_path: Path) -> None:
    from pipdocs.core.settings import Settings, current, from_environment

    examples = Path(__file__).resolve().parent.parent / "examples"
    result = CliRunner().invoke(cli, ["pdf", str(examples / "sales-en.yaml"), "-o",
                                      str(tmp_path / "x.pdf")],
                                env={"PIPDOCS_SOFFICE": str(tmp_path / "none")})
    assert result.exit_code == 2, result.output
    assert f"PIPDOCS_SOFFICE={tmp_path / 'none'} is not an executable" in result.output
    assert current() == Settings()  # an in-process caller does not inherit the run's settings
    env = {"PIPDOCS_CACHE_DIR": " ", "XDG_CACHE_HOME": "/x", "LANG": "zh_CN.UTF-8",
           "PIPDOCS_LO_ENGINE": "cli", "PIPDOCS_POLICY": "p.yaml"}
    assert from_environment(env) == Settings(cache_dir=Path("/x/pipdocs"), language="zh",
                                             engine="cli", policy=Path("p.yaml"))
