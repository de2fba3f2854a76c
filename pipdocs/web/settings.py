"""The service's settings, read once at the edge: ``pipdocs serve``'s options over the
``PIPDOCS_*`` environment (pydantic-settings), then passed down. Nothing below reads the
environment.

Passwords are ``SecretStr`` so that a settings object printed in a log shows no secret.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything ``pipdocs serve`` can be told; each field also reads ``PIPDOCS_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PIPDOCS_", extra="ignore", env_ignore_empty=True,
                                      validate_assignment=True)

    data_dir: Path
    ca_dir: Path | None = None
    ca_password: SecretStr | None = None  # unlocks --ca-dir's keys (DATA/ca keeps its own)
    org: str | None = None  # the organisation of a CA made on first start
    tsa_password: SecretStr | None = None  # the CA directory's TSA key, if not the CA's
    seal_password: SecretStr | None = None  # seal.p12, if not the CA's
    host: str = "127.0.0.1"
    port: int = 8000
    database: str | None = None
    smtp: str | None = None  # smtp://host:port (STARTTLS) or smtps://; None: DATA/outbox
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca: Path | None = None  # PEM of CAs to trust for the relay instead of the system's
    smtp_insecure: bool = False  # allow a relay without TLS (warned, and in the audit trail)
    code_webhook: str | None = None  # codes to an SMS / 企业微信 gateway instead of e-mail
    public_url: str | None = None
    tsa: str | None = None
    policy_file: Path | None = None

    def base_url(self) -> str:
        """Where mailed links point: --public-url, else this server's own address."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self.port}"

    def secure_cookies(self) -> bool:
        return self.base_url().startswith("https://")


def secret(value: SecretStr | None) -> str | None:
    """A setting's secret as text, or None when not set (or empty)."""
    return value.get_secret_value() or None if value is not None else None
