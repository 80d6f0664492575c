"""E-mail from Målbild: SMTP settings from the environment, one send, and a log of what was sent.

Settings are ``KPI_SMTP_HOST``, ``KPI_SMTP_PORT`` (default 25, or 587 with STARTTLS),
``KPI_SMTP_USER``, ``KPI_SMTP_PASSWORD``, ``KPI_SMTP_FROM`` and ``KPI_SMTP_STARTTLS`` (``1``/``true``).
A refused or failed send raises :class:`kpi.model.problems.DataError` with the server's answer.

What was sent is remembered in ``<data>/.sent/<day>.txt`` as one SHA-256 per (recipient, item) —
never an address in clear — so ``kpi remind`` run twice the same day sends nothing twice.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from kpi.model.problems import DataError, Problem, UsageError

ENV_PREFIX = "KPI_SMTP_"
SENT_FOLDER = ".sent"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False


def settings_from_env(env: Mapping[str, str] | None = None) -> SmtpSettings:
    """The SMTP server from ``KPI_SMTP_*``; a usage error naming what is missing."""
    env = os.environ if env is None else env
    host, sender = env.get(ENV_PREFIX + "HOST", "").strip(), env.get(ENV_PREFIX + "FROM", "").strip()
    missing = [name for name, value in (("KPI_SMTP_HOST", host), ("KPI_SMTP_FROM", sender)) if not value]
    if missing:
        raise UsageError([Problem(missing[0], "mail_not_configured", params={"names": ", ".join(missing)})])
    starttls = env.get(ENV_PREFIX + "STARTTLS", "").strip().lower() in {"1", "true", "yes", "ja"}
    port_text = env.get(ENV_PREFIX + "PORT", "").strip() or ("587" if starttls else "25")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError([Problem("KPI_SMTP_PORT", "mail_bad_port", params={"value": port_text[:20]})])
    return SmtpSettings(
        host,
        int(port_text),
        sender,
        env.get(ENV_PREFIX + "USER") or None,
        env.get(ENV_PREFIX + "PASSWORD") or None,
        starttls,
    )


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Send one message; :class:`DataError` with the server's answer when it is refused or fails."""
    where = f"{settings.host}:{settings.port}"
    if "From" not in message:
        message["From"] = settings.sender
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as server:
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password or "")
            refused = server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        answers = "; ".join(f"{code} {_text(reply)}" for code, reply in exc.recipients.values())
        raise DataError([Problem(where, "mail_refused", params={"answer": answers})]) from None
    except smtplib.SMTPResponseException as exc:
        answer = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        raise DataError([Problem(where, "mail_refused", params={"answer": answer})]) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DataError([Problem(where, "mail_failed", params={"answer": str(exc)[:200]})]) from None
    if refused:
        answers = "; ".join(f"{code} {_text(reply)}" for code, reply in refused.values())
        raise DataError([Problem(where, "mail_refused", params={"answer": answers})])


def _text(reply: bytes | str) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)).strip()[:200]


def _digest(recipient: str, item: str) -> str:
    return hashlib.sha256(f"{recipient.strip().lower()}\t{item}".encode()).hexdigest()


def _sent_file(data_dir: Path, day: str) -> Path:
    return Path(data_dir) / SENT_FOLDER / f"{day}.txt"


def already_sent(data_dir: Path, day: str, recipient: str, item: str) -> bool:
    path = _sent_file(data_dir, day)
    return path.is_file() and _digest(recipient, item) in path.read_text(encoding="ascii").split()


def mark_sent(data_dir: Path, day: str, recipient: str, items: list[str]) -> None:
    path = _sent_file(data_dir, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="ascii") as stream:
        for item in items:
            stream.write(_digest(recipient, item) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
