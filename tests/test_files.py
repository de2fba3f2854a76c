"""Output files are whole or absent, with the permissions they should have."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipdocs.core.errors import InputError
from pipdocs.core.files import check_output, write_atomic


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        out = write_atomic(tmp_path / "a.pdf", b"data")
    finally:
        os.umask(old)
    assert out.read_bytes() == b"data"
    assert mode_of(out) == 0o640


def test_explicit_mode_for_keys(tmp_path: Path) -> None:
    out = write_atomic(tmp_path / "k.p12", b"secret", 0o600)
    assert mode_of(out) == 0o600


def test_exclusive_never_replaces(tmp_path: Path) -> None:
    out = tmp_path / "k.p12"
    out.write_bytes(b"old key")
    with pytest.raises(FileExistsError):
        write_atomic(out, b"new key", 0o600, exclusive=True)
    assert out.read_bytes() == b"old key"
    assert [p.name for p in tmp_path.iterdir()] == ["k.p12"]


def test_failure_mid_write_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.pdf"
    out.write_bytes(b"previous")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(InputError, match="a.pdf: the disk is full") as caught:
        write_atomic(out, b"new")
    assert "Errno" not in str(caught.value) and caught.value.exit_code == 2
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_missing_directory_and_directory_target_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        check_output(tmp_path / "nope" / "a.pdf")
    with pytest.raises(InputError, match="is a directory"):
        write_atomic(tmp_path, b"x")


def test_read_input_says_which_file_and_what_to_do(tmp_path: Path) -> None:
    from pipdocs.core.files import read_input

    (tmp_path / "k.p12").write_bytes(b"key")
    assert read_input(tmp_path / "k.p12", "key file") == b"key"
    with pytest.raises(InputError, match=r"k2.p12: key file not found; check --key"):
        read_input(tmp_path / "k2.p12", "key file", "check --key")
    with pytest.raises(InputError, match="is a directory, not a PDF"):
        read_input(tmp_path, "PDF")
