"""Zip files people hand us (.xlsx workbooks, .docx templates), checked before anything reads them.

A 1 MB zip can hold a 1 GiB member of one repeated byte; the libraries that open Office files
read whole parts, or whole cells, into memory. So every member's uncompressed size is checked
against a limit from the zip's directory before a byte is decompressed (zipfile stops a member
at its declared size, so the directory cannot lie about it), and, where asked, the XML parts are
streamed once in small chunks to bound the longest text between two tags: one cell or one
paragraph's text, before a parser holds it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pipdocs.core.errors import InputError, PipdocsError

MB = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """Largest uncompressed member, all members together, member count, longest XML text run."""

    member: int
    total: int
    members: int = 2000
    text_run: int | None = None  # bytes between '<' and the next '<' (None: not scanned)


# A workbook of thousands of plan rows is a few MB; a cell holds at most 32,767 characters
# (Excel's limit; 4 bytes each in UTF-8 and XML escapes make 256 KB ample).
XLSX_LIMITS = ZipLimits(member=100 * MB, total=300 * MB, text_run=256 * 1024)
# pipdocs's templates unpack to under 1 MB; room for a logo and a long company text.
DOCX_LIMITS = ZipLimits(member=16 * MB, total=64 * MB, members=500, text_run=MB)


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:,.0f} MB"
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n:,} bytes"


def check_zip(source: Path | bytes, what: str, limits: ZipLimits,
              error: type[PipdocsError] = InputError, name: str | None = None) -> None:
    """Raise ``error`` when the zip at ``source`` would unpack to more than ``limits`` allow.

    A file that is not a zip at all passes: the library that opens it says what it is.
    """
    label = name or (str(source) if isinstance(source, Path) else what)
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.members:
            raise error(f"{label}: holds {len(infos):,} files; a {what} holds far fewer"
                        f" (at most {limits.members:,}); save it again from Office")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.member:
                raise error(f"{label}: its part {info.filename} unpacks to"
                            f" {_size(info.file_size)}, more than the {_size(limits.member)}"
                            f" a {what} may hold; remove what makes it that large")
            if total > limits.total:
                raise error(f"{label}: unpacks to more than {_size(limits.total)}, more than a"
                            f" {what} may hold; remove large pictures or content")
        if limits.text_run is not None:
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _scan_text(archive, info, limits.text_run, label, error)


def _scan_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, label: str,
               error: type[PipdocsError]) -> None:
    """Stream one XML part and refuse a text (or tag) longer than ``limit`` bytes."""
    run = 0  # bytes since the last '<', carried from one chunk to the next
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(MB):
                pieces = chunk.split(b"<")
                longest = max(run + len(pieces[0]), max(map(len, pieces[1:]), default=0))
                run = run + len(chunk) if len(pieces) == 1 else len(pieces[-1])
                if max(longest, run) > limit:
                    raise error(f"{label}: {info.filename} holds a text of more than"
                                f" {_size(limit)} in one piece; a cell or paragraph is far"
                                " shorter (Excel allows 32,767 characters)")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise error(f"{label}: {info.filename} is damaged ({exc}); save the file again") from exc
