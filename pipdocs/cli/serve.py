"""`pipdocs serve`: the signing service, its HR users and API tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default 8000; 0: any free port).")
@DATABASE_OPTION
@click.option("--smtp", default=None,
              help="smtp://host:port (STARTTLS; PIPDOCS_SMTP_USER/PASSWORD); default: DATA/outbox.")
@click.option("--smtp-ca", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="PEM file of CAs to trust for the SMTP relay (PIPDOCS_SMTP_CA).")
@click.option("--smtp-insecure", is_flag=True, default=False,
              help="Send mail even if the relay offers no STARTTLS (links and codes in the"
                   " clear; warned and recorded in the audit trail).")
@click.option("--public-url", default=None, help="Base URL in mailed links (behind a proxy).")
@click.option("--tsa", "tsa_url", default=None,
              help="RFC 3161 TSA URL (default: the CA directory's TSA key, in process).")
@POLICY_OPTION
@click.pass_context
def serve(ctx: click.Context, data_dir: Path | None, ca_dir: Path | None, host: str | None,
          port: int | None, database: str | None, smtp: str | None, smtp_ca: Path | None,
          smtp_insecure: bool, public_url: str | None, tsa_url: str | None,
          policy_file: Path | None) -> None:
    """Serve signing links: each party signs in the browser with a key made there."""
    if ctx.invoked_subcommand is not None:
        return
    from pipdocs.web.run import run_server

    settings = settings_from(
        data_dir=data_dir, ca_dir=ca_dir, host=host, port=port, database=database, smtp=smtp,
        smtp_ca=smtp_ca, smtp_insecure=smtp_insecure or None, public_url=public_url,
        tsa=tsa_url, policy_file=policy_file)
    run_server(settings, announce=err)


def settings_from(**options: Any) -> Any:
    """The service's Settings: the options given, over the PIPDOCS_* environment (one clear
    usage error for a bad value, naming the option or variable)."""
    from pydantic import ValidationError

    from pipdocs.web.settings import Settings

    given = {k: v for k, v in options.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        if field == "data_dir" and problem["type"] == "missing":
            raise click.UsageError("--data DIR is required") from exc
        where = (f"--{field.replace('_', '-')}" if field in given
                 else f"PIPDOCS_{field.upper()}")
        raise click.UsageError(f"{where}: {problem['msg']}") from exc


@serve.group("user")
def user() -> None:
    """HR users of the service."""


@user.command("add")
@DATA_OPTION
@DATABASE_OPTION
@click.option("--email", required=True, help="The HR user's e-mail (their login).")
@click.option("--admin/--no-admin", default=None,
              help="An admin sees and acts on every envelope; others only on their own"
                   " (default: unchanged; a new user is not an admin).")
def user_add(data_dir: Path, database: str | None, email: str, admin: bool | None) -> None:
    """Add an HR user, or set their password (PIPDOCS_HR_PASSWORD, else asked)."""
    from pipdocs.web.access import add_user
    from pipdocs.web.db import open_database

    password = password_from_env("PIPDOCS_HR_PASSWORD", f"Password for {email}", confirm=True)
    saved = add_user(open_database(data_dir, database), email, password, admin=admin)
    role = "admin" if saved.is_admin else "HR user"
    click.echo(f"{email}: {role} saved (argon2 hash) in {data_dir}")


@serve.command("token")
@DATA_OPTION
@DATABASE_OPTION
@click.option("--email", default=None, help="The HR user the new token acts for.")
@click.option("--name", default=None, help="A name for the new token (to revoke it by).")
@click.option("--revoke", "revoke", default=None, metavar="ID|NAME",
              help="Revoke the token with this id or name instead of making one.")
@click.option("--list", "listing", is_flag=True, help="List the tokens (never their values).")
def token(data_dir: Path, database: str | None, email: str | None, name: str | None,
          revoke: str | None, listing: bool) -> None:
    """Print a new API token for an HR user, alone on the last line; or revoke or list them."""
    from pipdocs.web.access import issue_token, list_tokens, revoke_token
    from pipdocs.web.db import open_database

    if listing:
        for row, owner in list_tokens(open_database(data_dir, database)):
            state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.name or '-'}\t{owner}\t"
                       f"{row.created_at:%Y-%m-%d %H:%M}\t{state}")
        return
    if revoke is not None:
        if email or name:
            raise click.UsageError("--revoke takes no --email or --name")
        ids = revoke_token(open_database(data_dir, database), revoke)
        click.echo(f"API token {revoke}: revoked" if ids else
                   f"API token {revoke}: was already revoked")
        return
    if not email:
        raise click.UsageError("--email is required (or --revoke ID|NAME)")
    issued = issue_token(open_database(data_dir, database), email, name)
    label = f" '{name}'" if name else ""
    err(f"API token {issued.id}{label} for {email} (shown once; send it as 'Authorization:"
        f" Bearer TOKEN'; revoke it with 'pipdocs serve token --revoke {issued.id}'):")
    click.echo(issued.value)


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
