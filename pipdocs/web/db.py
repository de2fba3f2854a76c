"""The database: SQLite in the data directory by default, PostgreSQL with ``--database``.

Migrations run at start (Alembic, under a lock so several server processes can start at once).
``locked_envelope`` takes the envelope's row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers with ``BEGIN IMMEDIATE``), so racing requests see one another's result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from pipdocs.core.errors import InputError
from pipdocs.web.models import Envelope
from pipdocs.web.storage import DATABASE_FILE, private_data_dir

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(data_dir: Path, url: str | None) -> str:
    """``--database`` as SQLAlchemy wants it; default SQLite file in ``data_dir``."""
    if not url:
        return f"sqlite:///{(data_dir / DATABASE_FILE).resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("postgresql+psycopg://", "sqlite:///")):
        return url
    raise InputError(f"--database '{url}' is not a postgresql://… or sqlite:///… URL")


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # Writers take the lock at BEGIN (no deadlocking upgrade later); pages only read.
            reads = conn.get_execution_options().get("pipdocs_read_only")
            conn.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; serialised on PostgreSQL)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(716871)")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def reader_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for requests that only read (pages, images, API reads): on SQLite they do not
    wait for, or block, the writers' lock."""
    return sessionmaker(engine.execution_options(pipdocs_read_only=True), expire_on_commit=False)


def locked_envelope(session: Session, envelope_id: str) -> Envelope | None:
    """The envelope, locked for the rest of the transaction."""
    return session.scalars(
        select(Envelope).where(Envelope.id == envelope_id).with_for_update()
    ).one_or_none()


def open_database(data_dir: Path, url: str | None) -> sessionmaker[Session]:
    """Sessions on the service's database, migrated (for the user and token commands); the
    data directory private to its owner, as the service keeps it."""
    private_data_dir(data_dir, sqlite=not url)
    engine = make_engine(database_url(data_dir, url))
    migrate(engine)
    return session_factory(engine)
