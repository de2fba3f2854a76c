"""`pipdocs serve`: the signing service, its HR users and API tokens."""

from __future__ import annotations

from pathlib import Path

import click

from pipdocs.cli.app import DIR_PATH, POLICY_OPTION, cli, err, password_from_env

DATA_OPTION = click.option("--data", "data_dir", type=DIR_PATH, required=True,
                           help="Data directory: database, documents, outbox/.")
DATABASE_OPTION = click.option("--database", default=None,
                               help="postgresql://user@host/db (default: SQLite in --data).")


@cli.group("serve", invoke_without_command=True)
@click.option("--data", "data_dir", type=DIR_PATH, default=None,
              help="Data directory: SQLite database, documents, outbox/ (and ca/ by default).")
@click.option("--ca-dir", type=DIR_PATH, default=None,
              help="CA made by 'pipdocs ca init' (password: PIPDOCS_CA_PASSWORD).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@DATABASE_OPTION
@click.option("--smtp", default=None,
              help="smtp://host:port (STARTTLS; PIPDOCS_SMTP_USER/PASSWORD); default: DATA/outbox.")
@click.option("--public-url", default=None, help="Base URL in mailed links (behind a proxy).")
@click.option("--tsa", "tsa_url", default=None,
              help="RFC 3161 TSA URL (default: the CA directory's TSA key, in process).")
@POLICY_OPTION
@click.pass_context
def serve(ctx: click.Context, data_dir: Path | None, ca_dir: Path | None, host: str, port: int,
          database: str | None, smtp: str | None, public_url: str | None, tsa_url: str | None,
          policy_file: Path | None) -> None:
    """Serve signing links: each party signs in the browser with a key made there."""
    if ctx.invoked_subcommand is not None:
        return
    if data_dir is None:
        raise click.UsageError("--data DIR is required")
    from pipdocs.web.run import run_server
    from pipdocs.web.service import ServerConfig

    config = ServerConfig(data_dir, ca_dir, host, port, database, smtp, public_url, tsa_url,
                          policy_file)
    run_server(config, announce=err)


@serve.group("user")
def user() -> None:
    """HR users of the service."""


@user.command("add")
@DATA_OPTION
@DATABASE_OPTION
@click.option("--email", required=True, help="The HR user's e-mail (their login).")
def user_add(data_dir: Path, database: str | None, email: str) -> None:
    """Add an HR user, or set their password (PIPDOCS_HR_PASSWORD, else asked)."""
    from pipdocs.web.db import open_database
    from pipdocs.web.hr import add_user

    password = password_from_env("PIPDOCS_HR_PASSWORD", f"Password for {email}", confirm=True)
    add_user(open_database(data_dir, database), email, password)
    click.echo(f"{email}: HR user saved (argon2 hash) in {data_dir}")


@serve.command("token")
@DATA_OPTION
@DATABASE_OPTION
@click.option("--email", required=True, help="The HR user the token acts for.")
def token(data_dir: Path, database: str | None, email: str) -> None:
    """Print a new API token for an HR user, alone on the last line."""
    from pipdocs.web.db import open_database
    from pipdocs.web.hr import make_token

    value = make_token(open_database(data_dir, database), email)
    err(f"API token for {email} (shown once; send it as 'Authorization: Bearer TOKEN'):")
    click.echo(value)


@cli.command("send")
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--server", required=True, help="The service's URL, e.g. https://sign.example.com")
def send(pdf: Path, server: str) -> None:
    """Send a prepared PDF for signing (API token from PIPDOCS_API_TOKEN)."""
    from pipdocs.web.client import send_pdf

    token = password_from_env("PIPDOCS_API_TOKEN", "API token")
    envelope = send_pdf(server, token, pdf)
    signers = ", ".join(f"{s['role']} {s['email']} ({s['status']})" for s in envelope["signers"])
    click.echo(f"{pdf}: envelope {envelope['id']} {envelope['status']}: {signers}")
