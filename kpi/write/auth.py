"""Who may edit: one editor password for the staff; viewing needs none.

The password is set by the environment variable ``KPI_EDITOR_PASSWORD`` (a deployment secret) or in
``.streamlit/secrets.toml``, preferably as a hash made with ``kpi hash-password``:

    editor_password_hash = "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>"   # recommended (Argon2id)
    editor_password_hash = "pbkdf2_sha256$600000$<salt>$<hash>"             # still read (older hashes)
    editor_password_sha256 = "<64 hex digits>"                               # accepted (unsalted)
    editor_password = "plain text"                                           # accepted, least safe

New hashes are Argon2id (argon2-cffi, its recommended parameters); PBKDF2 hashes made before are
still read, so nobody has to change a working installation. Candidates are compared in constant
time (argon2's verifier, or ``hmac.compare_digest`` on digests of equal length). Wrong attempts are
slowed down per client address (free attempts, then an exponential wait, capped, then a lockout),
shared by every session from that address, so a new browser session does not reset an attacker's
count, and never across addresses, so someone else's guessing never makes the real editor wait.
The password is
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
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

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

    scheme: str  # "plain", "sha256", "pbkdf2_sha256", "argon2" or "invalid"
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

    def verify(self, candidate: str | None, *, timeout: float | None = None) -> bool:
        """Constant-time comparison of digests (equal length whatever the candidate's length).

        A slow hash waits for one of the process's :data:`MAX_SLOW_CHECKS` slots, at most
        ``timeout`` seconds (``None``: as long as it takes), else raises :class:`Busy`."""
        if not self.valid or not isinstance(candidate, str):
            return False
        if self.scheme in SLOW_SCHEMES:
            if not SLOW_CHECKS.acquire(timeout=timeout):
                raise Busy
            try:
                return self._verify(candidate)
            finally:
                SLOW_CHECKS.release()
        return self._verify(candidate)

    def _verify(self, candidate: str) -> bool:
        if self.scheme == "argon2":
            try:
                return _HASHER.verify(self.secret.decode("ascii"), candidate)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False
        expected = hashlib.sha256(self.secret).digest() if self.scheme == "plain" else self.secret
        return hmac.compare_digest(self.digest(candidate), expected)


class Busy(Exception):
    """Too many slow password checks are running in this process; try again in a moment."""


# Argon2id with argon2-cffi's parameters takes 64 MiB and tens of milliseconds per check, PBKDF2
# 600 000 rounds a few hundred milliseconds of CPU: at most this many run at once in the process,
# whoever asks (sign-in attempts and redaction alike), so thirty guesses at once cost what two do.
SLOW_SCHEMES = frozenset({"argon2", "pbkdf2_sha256"})
MAX_SLOW_CHECKS = 2
SLOW_CHECK_TIMEOUT = 5.0  # seconds a check waits for a free slot before it is refused (not checked)
SLOW_CHECKS = threading.BoundedSemaphore(MAX_SLOW_CHECKS)


_HASHER = PasswordHasher()  # Argon2id with argon2-cffi's recommended parameters


def hash_password(password: str) -> str:
    """The text to put in ``editor_password_hash``: an Argon2id hash with a fresh salt."""
    if not password:
        raise ValueError("the password is empty")
    return _HASHER.hash(password)


def legacy_pbkdf2_hash(password: str, *, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """A hash in the older ``pbkdf2_sha256$iterations$salt$hash`` form, which is still read.

    Kept so that the tests (and anyone checking an old installation) can make one; new hashes are
    made by :func:`hash_password`.
    """
    if not password:
        raise ValueError("the password is empty")
    salt = salt or _secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"pbkdf2_sha256${iterations}${encode(salt)}${encode(digest)}"


def parse_hash(text: str, source: str = "secrets") -> Password:
    """Read ``$argon2id$...`` or ``pbkdf2_sha256$...``; raises ``ValueError`` for anything else."""
    text = (text or "").strip()
    if text.startswith("$argon2"):
        try:
            _HASHER.check_needs_rehash(text)  # parses the parameters; a malformed hash raises
        except (InvalidHashError, ValueError) as exc:
            raise ValueError("not a valid argon2 hash") from exc
        return Password("argon2", text.encode("ascii"), source=source)
    parts = text.split("$")
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

    A plain password is found anywhere in the text. A hashed one cannot be searched for inside
    text, so each word is compared: quickly against the passwords that signed in on this server
    (:func:`remember_verified`, a keyed digest kept in memory only), and with the slow hash only
    for short texts (the whole text and up to three words), each distinct word at most once per
    process. A long comment therefore costs microseconds, not a slow hash per word.
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
    words = text.split()
    slow = len(words) <= 3
    if _is_password(password, text, slow):
        return REDACTED
    if len(words) <= 1:
        return text
    return " ".join(REDACTED if _is_password(password, word, slow) else word for word in words)


_PROCESS_KEY = _secrets.token_bytes(32)
_verified: set[bytes] = set()


def _fingerprint(candidate: str) -> bytes:
    return hmac.new(_PROCESS_KEY, candidate.encode("utf-8"), hashlib.sha256).digest()


def remember_verified(candidate: str) -> None:
    """Note (as a keyed digest, in memory) a password that just verified, so :func:`redact` can
    recognise it in any comment without running the slow hash."""
    _verified.add(_fingerprint(candidate))


def _is_password(password: Password, candidate: str, slow: bool) -> bool:
    if password.scheme == "sha256":
        return password.verify(candidate)
    if _fingerprint(candidate) in _verified:
        return True
    return slow and _slow_check(password, candidate)


_checked: dict[bytes, bool] = {}  # keyed digests of words already compared with the slow hash
_CHECKED_MAX = 4096


def _slow_check(password: Password, candidate: str) -> bool:
    key = _fingerprint(candidate + "\x00" + password.secret.hex())
    if key not in _checked:
        if len(_checked) >= _CHECKED_MAX:
            _checked.clear()
        _checked[key] = password.verify(candidate)  # waits for a slot: a comment is never saved unredacted
        if _checked[key]:
            remember_verified(candidate)
    return _checked[key]


# --- slowing down wrong attempts ----------------------------------------------------------------


@dataclass
class Throttle:
    """Wrong attempts from one client: a few free, then 1, 2, 4 … seconds (capped), then a lockout."""

    free: int = 3
    base: float = 1.0
    cap: float = 60.0
    lock_after: int = 10
    lock_seconds: float = 900.0
    failures: int = 0
    next_allowed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

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


class ClientThrottles:
    """One :class:`Throttle` per client address, shared by every browser session from it.

    A new session cannot reset an attacker's count (it is kept per address, in the process), and
    nobody else is slowed down by it: the real editor, from another address, is checked at once.
    There is deliberately no process-wide slot that a guesser could keep busy. At most
    ``max_clients`` addresses are remembered; the least recently seen are forgotten first.
    """

    def __init__(self, max_clients: int = 10_000) -> None:
        self.max_clients = max_clients
        self._by_client: OrderedDict[str, Throttle] = OrderedDict()
        self._lock = threading.Lock()

    def for_client(self, client: str) -> Throttle:
        with self._lock:
            throttle = self._by_client.pop(client, None) or Throttle()
            self._by_client[client] = throttle
            while len(self._by_client) > self.max_clients:
                self._by_client.popitem(last=False)
            return throttle

    def reset(self) -> None:
        with self._lock:
            self._by_client.clear()


CLIENT_THROTTLES = ClientThrottles()
CLIENT_HEADER_ENV = "KPI_CLIENT_IP_HEADER"
TRUSTED_HOPS_ENV = "KPI_TRUSTED_PROXY_HOPS"
SHARED = "unknown"  # the client cannot be told apart: behind a proxy whose header is not configured
_FORWARDING_HEADERS = frozenset({"x-forwarded-for", "x-real-ip", "forwarded"})


def client_address(
    ip_address: str | None,
    headers: Mapping[str, str] | None = None,
    header: str | None = None,
    hops: int | None = None,
) -> str:
    """The address wrong attempts are counted against, or :data:`SHARED`.

    Behind a reverse proxy every request comes from the proxy, so the address the proxy saw is
    taken from the header it sets, named by ``header`` or ``$KPI_CLIENT_IP_HEADER``:

    * ``X-Real-IP`` (nginx ``proxy_set_header X-Real-IP $remote_addr``, Caddy
      ``header_up X-Real-IP {remote_host}``): the proxy overwrites it, so its value is the client;
    * ``X-Forwarded-For``: the client may send one of its own, and the proxy *appends* the address
      it saw (nginx ``$proxy_add_x_forwarded_for``), so the entry counted is the right-most one, or
      with ``hops`` (``$KPI_TRUSTED_PROXY_HOPS``: proxies you run in a chain) the one that many
      entries from the right. The left-most entry is whatever the client chose.

    Without a configured header, a request that carries forwarding headers came through a proxy
    and the peer address is the proxy's: :data:`SHARED` (counted per browser session, see
    :func:`attempt`), never one count that a single guesser could lock for everyone.
    """
    header = header or os.environ.get(CLIENT_HEADER_ENV) or None
    seen = {str(name).lower(): value for name, value in (headers or {}).items() if isinstance(value, str)}
    if header:
        value = seen.get(header.lower(), "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries:
            if hops is None:
                try:
                    hops = int(os.environ.get(TRUSTED_HOPS_ENV) or 1)
                except ValueError:
                    hops = 1
            hops = max(1, hops)
            return entries[-hops if len(entries) >= hops else 0][:64]
        return SHARED  # configured, but this request did not come through the proxy as expected
    if _FORWARDING_HEADERS & seen.keys():
        return SHARED
    return ip_address[:64] if isinstance(ip_address, str) and ip_address else SHARED


class SharedBudget:
    """Checks for clients that cannot be told apart (:data:`SHARED`): a token bucket for all of them.

    ``burst`` checks at once, then one per ``every`` seconds. A guesser with many sessions is slowed
    to that rate, and so is anyone else without a known address, but nobody is ever locked out: the
    real editor waits at most until the next token.
    """

    def __init__(self, burst: int = 10, every: float = 6.0) -> None:
        self.burst, self.every = burst, every
        self._tokens = float(burst)
        self._stamp: float | None = None
        self._lock = threading.Lock()

    def take(self, now: float) -> float:
        """0 when a check may run now (a token is taken), else the seconds until the next token."""
        with self._lock:
            if self._stamp is not None:
                self._tokens = min(float(self.burst), self._tokens + max(0.0, now - self._stamp) / self.every)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) * self.every

    def refund(self) -> None:
        """Give back the token of a check that found the right password: only wrong ones cost."""
        with self._lock:
            self._tokens = min(float(self.burst), self._tokens + 1.0)

    def reset(self) -> None:
        with self._lock:
            self._tokens, self._stamp = float(self.burst), None


SHARED_BUDGET = SharedBudget()


@dataclass(frozen=True)
class Attempt:
    ok: bool
    wait: float = 0.0  # seconds until the next attempt is allowed (0: now)
    locked: bool = False
    checked: bool = True  # False when refused without looking at the password


def attempt(
    password: Password | None,
    candidate: str | None,
    throttle: Throttle | None = None,
    now: float | None = None,
    *,
    client: str | None = None,
    session: str | None = None,
) -> Attempt:
    """Check one sign-in attempt, refusing without checking while this client must wait.

    ``client`` (see :func:`client_address`) selects the shared per-address throttle; for
    :data:`SHARED` the throttle is the browser ``session``'s own and every such check also needs a
    token of :data:`SHARED_BUDGET`. Without ``client``, ``throttle`` is used (a caller's own, e.g.
    the command line's).

    An attempt counts as failed from the moment it is let through (and is cleared if the password
    was right), so attempts sent at once see each other: thirty guesses at once get the same free
    checks as thirty in a row. The password is verified outside any lock, in one of the process's
    few slots for slow hashes (:data:`MAX_SLOW_CHECKS`).
    """
    now = time.monotonic() if now is None else now
    shared = client == SHARED
    if client is not None:
        throttle = CLIENT_THROTTLES.for_client(f"session:{session or ''}" if shared else client)
    throttle = throttle if throttle is not None else Throttle()
    if shared:
        throttle.lock_after = 10**9  # a session's own count never locks; the budget bounds the rest
    with throttle.lock:
        waiting = throttle.wait(now)
        if waiting > 0:
            return Attempt(False, waiting, throttle.locked, checked=False)
        if shared:
            waiting = SHARED_BUDGET.take(now)
            if waiting > 0:
                return Attempt(False, waiting, False, checked=False)
        throttle.failed(now)  # provisionally: cleared below if the password is right
    try:
        ok = password is not None and password.verify(candidate, timeout=SLOW_CHECK_TIMEOUT)
    except Busy:
        return Attempt(False, 1.0, False, checked=False)
    with throttle.lock:
        if ok:
            throttle.succeeded()
            if shared:
                SHARED_BUDGET.refund()
        result = Attempt(True) if ok else Attempt(False, throttle.wait(now), throttle.locked)
    if ok and candidate is not None:
        remember_verified(candidate)
    return result
