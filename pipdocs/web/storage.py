"""The data directory is its owner's alone: directories 0700, the database, the documents, the
outbox and the service's secrets 0600. New files are made so; an existing directory (from before
this rule) is tightened at start."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600
DATABASE_FILE = "pipdocs.sqlite3"


def private_data_dir(data: Path, sqlite: bool = True) -> None:
    """The data directory and what the service keeps in it readable by its owner only: the
    directories 0700, the database and the documents 0600. Made so, and an existing one
    (from before this rule) tightened at start. The CA directory keeps its own modes."""
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(data, DIR_MODE)
    (data / "documents").mkdir(mode=DIR_MODE, exist_ok=True)  # outbox/: made when first used
    for path in [data / "documents", data / "outbox", *(data / "documents").rglob("*"),
                 *(data / "outbox").glob("*")]:
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            os.chmod(path, DIR_MODE)
        elif path.is_file():
            os.chmod(path, FILE_MODE)
    for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", "secret",
                 "ca-password"):
        path = data / name
        if path.exists() and not path.is_symlink():
            os.chmod(path, FILE_MODE)
    database = data / DATABASE_FILE
    if sqlite and not database.exists():  # SQLite gives -wal and -shm the database's mode
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, FILE_MODE))
