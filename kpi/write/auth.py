"""Who may edit: one editor password for the staff; viewing needs none.

The password is set by the environment variable ``KPI_EDITOR_PASSWORD`` (a deployment secret) or in
``.streamlit/secrets.toml``, preferably as a hash made with ``python -m kpi hash-password``:

    editor_password_hash = "pbkdf2_sha256$600000$<salt>$<hash>"   # recommended
    editor_password_sha256 = "<64 hex digits>"                     # accepted (unsalted)
    editor_password = "plain text"                                 # accepted, least safe

Candidates are compared in constant time (``hmac.compare_digest`` on digests). Wrong attempts are
slowed down per session (free attempts, then an exponential wait, capped, then a lockout) and
across the whole process (so new sessions do not reset an attacker's count). The password is
never logged, never kept in session state, and :func:`redact` removes it from text that is about
to be written (a comment typed with the password in it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as _secrets
import threading
import time
import tomllib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.paths import PROJECT_ROOT

ENV = "KPI_EDITOR_PASSWORD"
SECRET_HASH = "editor_password_hash"
SECRET_SHA256 = "editor_password_sha256"
SECRET_PLAIN = "editor_password"
PBKDF2_ITERATIONS = 600_000
REDACTED = "***"


@dataclass(frozen=True)
class Password:
    """A configured password in one of three forms; ``repr`` never shows it."""

    scheme: str  # "plain", "sha256", "pbkdf2_sha256" or "invalid"
    secret: bytes = field(repr=False, default=b"")
    salt: bytes = field(repr=False, default=b"")
    iterations: int = 0
    source: str = "env"  # "env" or "secrets"

    @property
    def valid(self) -> bool:
        return self.scheme != "invalid" and bool(self.secret)

    def digest(self, candidate: str) -> bytes:
        data = candidate.encode("utf-8")
        if self.scheme == "pbkdf2_sha256":
            return hashlib.pbkdf2_hmac("sha256", data, self.salt, self.iterations)
        if self.scheme == "sha256":
            return hashlib.sha256(data).digest()
        return hashlib.sha256(data).digest()

    def verify(self, candidate: str | None) -> bool:
        """Constant-time comparison of digests (equal length whatever the candidate's length)."""
        if not self.valid or not isinstance(candidate, str):
            return False
        expected = hashlib.sha256(self.secret).digest() if self.scheme == "plain" else self.secret
        return hmac.compare_digest(self.digest(candidate), expected)


def hash_password(password: str, *, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """The text to put in ``editor_password_hash``: ``pbkdf2_sha256$iterations$salt$hash``."""
    if not password:
        raise ValueError("the password is empty")
    salt = salt or _secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"pbkdf2_sha256${iterations}${encode(salt)}${encode(digest)}"


def parse_hash(text: str, source: str = "secrets") -> Password:
    """Read ``pbkdf2_sha256$...``; raises ``ValueError`` for anything else."""
    parts = (text or "").strip().split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2_sha256":
        raise ValueError("not a pbkdf2_sha256 hash")
    iterations = int(parts[1])
    if not 1_000 <= iterations <= 10_000_000:
        raise ValueError("iterations out of range")
    salt, digest = base64.b64decode(parts[2], validate=True), base64.b64decode(parts[3], validate=True)
    if len(digest) != 32 or not salt:
        raise ValueError("bad salt or hash length")
    return Password("pbkdf2_sha256", digest, salt, iterations, source)


def _read_secrets_file() -> Mapping[str, Any]:
    """``.streamlit/secrets.toml`` of the project (or of the working folder), as Streamlit reads it."""
    for folder in (PROJECT_ROOT, Path.cwd()):
        path = folder / ".streamlit" / "secrets.toml"
        try:
            with path.open("rb") as stream:
                return tomllib.load(stream)
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError):
            return {"__broken__": True}
    return {}


def configured(secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Password | None:
    """The editor password, or ``None`` when editing is not enabled.

    The environment wins over secrets; in secrets a hash wins over plain text. A setting that is
    present but unusable gives ``Password("invalid")``: editing stays locked and the page says why.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(ENV)
    if value is not None and value != "":
        return Password("plain", value.encode("utf-8"), source="env")
    secrets = _read_secrets_file() if secrets is None else secrets
    try:
        if secrets.get("__broken__"):
            return Password("invalid", source="secrets")
        if secrets.get(SECRET_HASH):
            return parse_hash(str(secrets[SECRET_HASH]))
        if secrets.get(SECRET_SHA256):
            digest = bytes.fromhex(str(secrets[SECRET_SHA256]).strip())
            if len(digest) != 32:
                raise ValueError("a sha256 hash has 64 hex digits")
            return Password("sha256", digest, source="secrets")
        if secrets.get(SECRET_PLAIN):
            return Password("plain", str(secrets[SECRET_PLAIN]).encode("utf-8"), source="secrets")
    except (ValueError, TypeError, AttributeError):
        return Password("invalid", source="secrets")
    return None


def redact(text: str, password: Password | None | bool = True) -> str:
    """``text`` with the editor password replaced by ``***``, before it is written anywhere.

    A plain password is found anywhere in the text; a hashed one when it is the whole text or one
    of its words (a hash cannot be searched for inside text).
    """
    if not text:
        return text
    if password is True:
        password = configured()
    if not isinstance(password, Password) or not password.valid:
        return text
    if password.scheme == "plain":
        plain = password.secret.decode("utf-8", errors="ignore")
        return text.replace(plain, REDACTED) if plain else text
    if password.verify(text):
        return REDACTED
    words = text.split()
    if password.scheme == "sha256" or len(words) <= 3:
        return " ".join(REDACTED if password.verify(word) else word for word in words) if len(words) > 1 else text
    return text


# --- slowing down wrong attempts ----------------------------------------------------------------


@dataclass
class Throttle:
    """Wrong attempts in one session: a few free, then 1, 2, 4 … seconds (capped), then a lockout."""

    free: int = 3
    base: float = 1.0
    cap: float = 60.0
    lock_after: int = 10
    lock_seconds: float = 900.0
    failures: int = 0
    next_allowed: float = 0.0

    def wait(self, now: float) -> float:
        return max(0.0, self.next_allowed - now)

    @property
    def locked(self) -> bool:
        return self.failures >= self.lock_after

    def failed(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.lock_after:
            self.next_allowed = now + self.lock_seconds
        elif self.failures >= self.free:
            self.next_allowed = now + min(self.base * 2 ** (self.failures - self.free), self.cap)

    def succeeded(self) -> None:
        self.failures, self.next_allowed = 0, 0.0


class _ProcessThrottle:
    """All sessions together: beyond ``limit`` failures in ``window`` seconds, one attempt per ``spacing``."""

    def __init__(self, limit: int = 30, window: float = 900.0, spacing: float = 5.0):
        self.limit, self.window, self.spacing = limit, window, spacing
        self.failures: deque[float] = deque()
        self.last_attempt = 0.0
        self.lock = threading.Lock()

    def _trim(self, now: float) -> None:
        while self.failures and self.failures[0] < now - self.window:
            self.failures.popleft()

    def wait(self, now: float) -> float:
        with self.lock:
            self._trim(now)
            if len(self.failures) < self.limit:
                return 0.0
            return max(0.0, self.last_attempt + self.spacing - now)

    def attempted(self, now: float, ok: bool) -> None:
        with self.lock:
            self.last_attempt = now
            if not ok:
                self.failures.append(now)
            self._trim(now)

    def reset(self) -> None:
        with self.lock:
            self.failures.clear()
            self.last_attempt = 0.0


PROCESS_THROTTLE = _ProcessThrottle()


@dataclass(frozen=True)
class Attempt:
    ok: bool
    wait: float = 0.0  # seconds until the next attempt is allowed (0: now)
    locked: bool = False
    checked: bool = True  # False when refused without looking at the password


def attempt(password: Password | None, candidate: str | None, throttle: Throttle, now: float | None = None) -> Attempt:
    """Check one login attempt, refusing without checking while the session or process must wait."""
    now = time.monotonic() if now is None else now
    waiting = max(throttle.wait(now), PROCESS_THROTTLE.wait(now))
    if waiting > 0:
        return Attempt(False, waiting, throttle.locked, checked=False)
    ok = password is not None and password.verify(candidate)
    PROCESS_THROTTLE.attempted(now, ok)
    if ok:
        throttle.succeeded()
        return Attempt(True)
    throttle.failed(now)
    return Attempt(False, throttle.wait(now), throttle.locked)
