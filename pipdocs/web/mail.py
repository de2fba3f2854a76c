"""Delivering links, codes and final documents: e-mail (SMTP over TLS, or .eml files in
``DATA/outbox/`` when no server is given) and, for SMS or 企业微信/钉钉/飞书 gateways, a webhook.

Every e-mail is a real MIME message whose text part has the signing URL on a line of its own and
the code as the only 6-digit number on a line of its own. A link and a code never travel in one
message (``Message`` refuses it): whoever reads one message must not hold both factors. A
channel is anything with ``send(Message)``; the service picks one per kind of message.

SMTP sends nothing in the clear: a relay that offers no STARTTLS (or a man in the middle who
strips it) gets nothing, unless the service was started with ``--smtp-insecure``.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import smtplib
import ssl
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from pipdocs.core.errors import InputError, PipdocsError
from pipdocs.core.files import write_atomic
from pipdocs.web.settings import Settings, secret

LOG = logging.getLogger("pipdocs.web")
SIGNING_LINK = re.compile(r"https?://\S+/s/\S+")
CODE_LINE = re.compile(r"^\s*\d{6}\s*$", re.M)


class MailRefused(PipdocsError):
    """A message was not sent because sending it would expose it (no TLS to the relay)."""


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    kind: str  # link, code, declined, completed
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    link: str | None = None  # the signing URL in a link mail (logged when mail stays offline)

    def __post_init__(self) -> None:
        if SIGNING_LINK.search(self.text) and CODE_LINE.search(self.text):
            raise ValueError(f"a {self.kind} message holds a signing link and a one-time code:"
                             " they never travel in one message")


class Channel(Protocol):
    def send(self, message: Message) -> None: ...


def mime(message: Message, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">"))
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text, cte="8bit")  # readable .eml; URL and code never wrapped
    for name, data, ctype in message.attachments:
        main, sub = ctype.split("/", 1)
        mail.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return mail


class OutboxChannel:
    """Each message as an .eml file in ``directory`` (offline use and tests)."""

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory, self.sender = directory, sender
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def send(self, message: Message) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{secrets.token_hex(3)}-{message.kind}.eml"
        write_atomic(self.directory / name, bytes(mime(message, self.sender)), 0o600)
        LOG.info("mail to %s (%s) written to %s%s", message.to, message.kind,
                 self.directory / name, f"; link: {message.link}" if message.link else "")


class SmtpChannel:
    """SMTP: ``smtp://host:port`` (STARTTLS, required unless ``insecure``) or ``smtps://``.
    ``user``/``password`` log in (only ever over TLS); ``cafile`` names a PEM file of CAs to
    trust instead of the system's (a company relay with a private CA)."""

    def __init__(self, url: str, sender: str, *, user: str | None = None,
                 password: str | None = None, cafile: str | None = None,
                 insecure: bool = False) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InputError(f"--smtp '{url}' is not smtp://host:port or smtps://host:port")
        self.host, self.scheme = parts.hostname, parts.scheme
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.user = user or unquote(parts.username or "") or None
        self.password, self.sender, self.cafile = password, sender, cafile
        self.insecure = insecure

    def send(self, message: Message) -> None:
        context = ssl.create_default_context(cafile=self.cafile)
        smtp: smtplib.SMTP
        if self.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=30)
        with smtp:
            smtp.ehlo()
            if self.scheme == "smtp" and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif self.scheme == "smtp" and self.user:
                raise MailRefused(f"--smtp {self.host}:{self.port} offers no STARTTLS; the"
                                  " password is never sent in the clear")
            elif self.scheme == "smtp" and not self.insecure:
                raise MailRefused(
                    f"--smtp {self.host}:{self.port} offers no STARTTLS: the {message.kind}"
                    " mail was not sent, as links and codes never go out in the clear (use a"
                    " relay with TLS, or start the service with --smtp-insecure)")
            if self.user and self.password:
                smtp.login(self.user, self.password)
            smtp.send_message(mime(message, self.sender))


class WebhookChannel:
    """POSTs ``{"to", "kind", "subject", "text"}`` as JSON to a company gateway (SMS, 企业微信,
    钉钉, 飞书); attachments are not sent this way."""

    def __init__(self, url: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise InputError(f"webhook '{url}' is not an http(s) URL")
        self.url = url

    def send(self, message: Message) -> None:
        body = json.dumps({"to": message.to, "kind": message.kind, "subject": message.subject,
                           "text": message.text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - http(s) only
            response.read()


def channels(settings: Settings, outbox: Path, sender: str,
             given: Channel | None = None) -> tuple[Channel, Channel]:
    """The channel for mails, and the one for one-time codes (the webhook when set)."""
    mailer: Channel
    if given is not None:
        mailer = given
    elif settings.smtp:
        mailer = SmtpChannel(settings.smtp, sender, user=settings.smtp_user,
                             password=secret(settings.smtp_password),
                             cafile=str(settings.smtp_ca) if settings.smtp_ca else None,
                             insecure=settings.smtp_insecure)
    else:
        mailer = OutboxChannel(outbox, sender)
    codes = WebhookChannel(settings.code_webhook) if settings.code_webhook else mailer
    return mailer, codes


def insecure_smtp(settings: Settings) -> bool:
    """Mail may go to the relay in the clear (``--smtp-insecure`` with an smtp:// relay)."""
    return bool(settings.smtp_insecure and settings.smtp and settings.smtp.startswith("smtp:"))
