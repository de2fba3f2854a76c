"""Output files are whole or absent: every writer in pipdocs goes through here.

A temporary file is created next to the target, written, flushed to disk and renamed over it, so
a crash, Ctrl-C or a full disk leaves either the old file or the complete new one, never half.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from pipdocs.core.errors import CredentialError, InputError
from pipdocs.core.i18n import N_, tr

FULL_DISK = (errno.ENOSPC, errno.EDQUOT)


def check_output(out: Path) -> Path:
    """The directory ``out`` goes into; InputError when ``out`` cannot be written there.

    Callers check before expensive work (a LibreOffice conversion), not only when writing.
    """
    out = Path(out)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(tr("{out}: the directory {parent} does not exist; create it first"
                            ).format(out=out, parent=parent))
    if out.is_dir():
        raise InputError(tr("{out}: is a directory; give a file name inside it").format(out=out))
    return parent


def case_twin(out: Path, names: dict[str, str] | None = None) -> str | None:
    """The name of a file beside ``out`` that differs from it only in case (PIP-A.pdf for
    pip-a.pdf), or None. On a case-insensitive file system (macOS, Windows, a USB stick) one
    would overwrite the other, and outputs travel. ``names``: casefolded name -> name of the
    directory, listed once by a caller that checks many outputs."""
    out = Path(out)
    if names is None:
        names = directory_names(out.parent if str(out.parent) else Path("."))
    found = names.get(out.name.casefold())
    return found if found is not None and found != out.name else None


def directory_names(directory: Path) -> dict[str, str]:
    """casefolded name -> name of every entry in ``directory`` (empty if it does not exist)."""
    try:
        return {entry.name.casefold(): entry.name for entry in os.scandir(directory)}
    except OSError:
        return {}


def check_private(path: Path, what: str = "private key") -> None:
    """Refuse a key file that others can read or write (CredentialError, exit 2).

    Encrypted or not, a key readable by the group or by everyone can be copied and attacked
    offline; one that others can write can be swapped. Only the owner may have access.
    """
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return  # missing or unreadable: the reader says so in its own words
    if mode & 0o077:
        who = "everyone" if mode & 0o007 else "the file's group"
        raise CredentialError(f"{path}: the {what} can be read or changed by {who} (mode"
                              f" {mode:04o}); run `chmod 600 {path}` and try again")


def disk_full(exc: OSError, out: Path) -> InputError:
    """The one-line error for a failed write: a full disk said as such."""
    where = out.parent if str(out.parent) else Path(".")
    if exc.errno in FULL_DISK:
        return InputError(tr("{out}: the disk is full (no space left in {parent}); free some"
                             " space and run the command again").format(out=out, parent=where))
    return InputError(tr("{out}: cannot write in {parent} ({reason}); choose another path"
                         ).format(out=out, parent=where, reason=exc.strerror or exc))


# What callers of read_input name and advise (message ids, so they are translated too).
INPUT_WORDS = (N_("file"), N_("check the path"), N_("plan file"), N_("PDF"), N_("key file"),
               N_("check --key"), N_("trust anchor"), N_("pass the CA's root.pem"))


def not_regular(path: Path, what: str = "file") -> InputError:
    """The one-line error for a pipe, a socket or a device named where a file is read."""
    return InputError(tr("{path}: not a regular file; pass the {what} itself, not a pipe or a"
                         " device").format(path=path, what=tr(what)))


def read_input(path: Path, what: str = "file", hint: str = "check the path") -> bytes:
    """The bytes of an input file; InputError (exit 2) saying which file and what to do.

    Only a regular file is read: a FIFO would block for ever and a device (/dev/zero) would be
    read until memory runs out. The file is opened without blocking and checked on the open
    descriptor, so nothing can be swapped in between the check and the read.
    """
    # ``what`` and ``hint`` are message ids too: callers mark theirs with N_.
    values = {"path": path, "what": tr(what), "hint": tr(hint)}
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise not_regular(path, what)
            return handle.read()
    except FileNotFoundError as exc:
        raise InputError(tr("{path}: {what} not found; {hint}").format(**values)) from exc
    except IsADirectoryError as exc:
        raise InputError(tr("{path}: is a directory, not a {what}; {hint}").format(
            **values)) from exc
    except OSError as exc:
        raise InputError(tr("{path}: cannot read the {what} ({reason}); {hint}").format(
            reason=exc.strerror, **values)) from exc


def _open_temp(out: Path, mode: int) -> tuple[int, str]:
    for _ in range(100):
        tmp = str(out.parent / f".{out.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), tmp
        except FileExistsError:
            continue
    raise InputError(f"{out}: no free temporary name in {out.parent}; clean up .part files there")


def write_atomic(
    out: Path, data: bytes, mode: int | None = None, *, exclusive: bool = False
) -> Path:
    """Write ``data`` to ``out`` all at once.

    ``mode`` None gives any new file's permissions (0666 less the umask, applied by the kernel;
    reading the umask with os.umask() would race with bulk's threads). A given ``mode`` (0600 for
    keys) is set before any byte is written. ``exclusive`` refuses to replace an existing file
    (FileExistsError), atomically.
    """
    out = Path(out)
    check_output(out)
    try:
        fd, tmp = _open_temp(out, 0o666 if mode is None else 0o600)
    except OSError as exc:
        raise disk_full(exc, out) from exc
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, out)  # FileExistsError instead of overwriting
            os.unlink(tmp)
        else:
            os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise disk_full(exc, out) from exc
        raise
    return out
