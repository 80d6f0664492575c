"""The editor password: where it comes from, how it is compared, slowed-down guessing, no leaks."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from kpi.cli import main
from kpi.write import auth


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv(auth.ENV, raising=False)
    auth.CLIENT_THROTTLES.reset()
    auth.SHARED_BUDGET.reset()
    yield
    auth.CLIENT_THROTTLES.reset()
    auth.SHARED_BUDGET.reset()


FAST = dict(iterations=1_000, salt=b"0123456789abcdef")  # real hashes use 600 000 iterations


def test_nothing_configured_means_editing_is_off():
    assert auth.configured({}, environ={}) is None


def test_environment_wins_then_hash_then_plain():
    hashed = auth.legacy_pbkdf2_hash("från-hash", **FAST)
    secrets = {
        "editor_password_hash": hashed,
        "editor_password": "från-text",
        "editor_password_sha256": hashlib.sha256(b"fran-sha").hexdigest(),
    }
    assert auth.configured(secrets, environ={auth.ENV: "från-miljö"}).verify("från-miljö")
    from_secrets = auth.configured(secrets, environ={})
    assert from_secrets.scheme == "pbkdf2_sha256" and from_secrets.verify("från-hash")
    assert not from_secrets.verify("från-text")
    assert auth.configured({"editor_password_sha256": secrets["editor_password_sha256"]}, environ={}).verify("fran-sha")
    assert auth.configured({"editor_password": "från-text"}, environ={}).verify("från-text")


@pytest.mark.parametrize(
    "secrets",
    [
        {"editor_password_hash": "pbkdf2_sha256$x$y$z"},
        {"editor_password_hash": "md5$abc"},
        {"editor_password_sha256": "abc"},
        {"__broken__": True},
    ],
)
def test_a_broken_setting_keeps_editing_locked(secrets):
    password = auth.configured(secrets, environ={})
    assert password is not None and not password.valid and not password.verify("")


def test_hash_format_and_verification():
    text = auth.legacy_pbkdf2_hash("Rödbeta-2026", **FAST)
    assert (
        text
        == "pbkdf2_sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$"
        + __import__("base64")
        .b64encode(hashlib.pbkdf2_hmac("sha256", "Rödbeta-2026".encode(), b"0123456789abcdef", 1000))
        .decode()
    )
    password = auth.parse_hash(text)
    assert password.verify("Rödbeta-2026")
    assert not password.verify("rödbeta-2026") and not password.verify("") and not password.verify(None)
    assert (
        auth.parse_hash(auth.legacy_pbkdf2_hash("x", iterations=1_000)).salt
        != auth.parse_hash(auth.legacy_pbkdf2_hash("x", iterations=1_000)).salt
    )  # a fresh salt each time


def test_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    password = auth.Password("plain", b"hemligt")
    assert password.verify("hemligt") and not password.verify("h") and not password.verify("hemligt" * 100)
    assert calls == [(32, 32)] * 3  # digests of equal length, whatever was typed


def test_the_password_never_shows_in_repr():
    password = auth.Password("plain", "Rödbeta-2026".encode())
    assert "Rödbeta" not in repr(password) and "R\\xc3" not in repr(password)


def test_throttle_free_attempts_then_doubling_waits_then_lockout():
    throttle = auth.Throttle()
    waits = []
    for attempt in range(10):
        throttle.failed(now=100.0)
        waits.append(throttle.wait(now=100.0))
    # 3 free, then 1, 2, 4, 8, 16, 32 s (capped at 60), and the 10th wrong attempt locks for 15 minutes.
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 900]
    assert throttle.locked
    throttle.succeeded()
    assert throttle.wait(now=100.0) == 0 and not throttle.locked


def test_attempts_are_refused_unchecked_while_waiting():
    password = auth.Password("plain", b"hemligt")
    throttle = auth.Throttle(free=1)
    first = auth.attempt(password, "fel", throttle, now=0.0)
    assert not first.ok and first.checked and first.wait == 1.0
    early = auth.attempt(password, "hemligt", throttle, now=0.5)  # even the right password waits
    assert not early.ok and not early.checked and early.wait == 0.5
    later = auth.attempt(password, "hemligt", throttle, now=1.5)
    assert later.ok and throttle.failures == 0


def test_a_new_session_cannot_reset_the_count_of_its_address():
    password = auth.Password("plain", b"hemligt")
    now = 1000.0
    for index in range(10):  # ten sessions from one address, each waiting as told, one wrong attempt each
        outcome = auth.attempt(password, f"gissning {index}", auth.Throttle(), now=now, client="203.0.113.9")
        assert outcome.checked
        now += outcome.wait
    fresh = auth.attempt(password, "hemligt", auth.Throttle(), now=now - 1, client="203.0.113.9")
    assert not fresh.ok and not fresh.checked and fresh.locked  # locked for 15 minutes, whatever the session
    assert auth.attempt(password, "hemligt", now=now, client="203.0.113.9").ok


def test_someone_elses_guessing_never_makes_the_editor_wait():
    password = auth.Password("plain", b"hemligt")
    for index in range(50):
        auth.attempt(password, f"gissning {index}", now=2000.0 + index / 10, client="198.51.100.7")
    editor = auth.attempt(password, "hemligt", now=2005.0, client="192.0.2.44")
    assert editor.ok and editor.checked and editor.wait == 0


def test_the_client_address_is_the_one_the_trusted_proxy_saw(monkeypatch):
    monkeypatch.delenv(auth.CLIENT_HEADER_ENV, raising=False)
    monkeypatch.delenv(auth.TRUSTED_HOPS_ENV, raising=False)
    # The client sent "X-Forwarded-For: 203.0.113.9"; nginx's $proxy_add_x_forwarded_for appended
    # the address it saw, 198.51.100.20. The left-most entry is the client's choice.
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.20", "Host": "x"}
    assert auth.client_address("127.0.0.1", headers, header="x-forwarded-for") == "198.51.100.20"
    monkeypatch.setenv(auth.CLIENT_HEADER_ENV, "X-Forwarded-For")
    assert auth.client_address("127.0.0.1", headers) == "198.51.100.20"
    chain = {"X-Forwarded-For": "203.0.113.9, 198.51.100.20, 10.0.0.5"}  # a CDN, then our nginx
    assert auth.client_address("127.0.0.1", chain, hops=2) == "198.51.100.20"
    monkeypatch.setenv(auth.TRUSTED_HOPS_ENV, "2")
    assert auth.client_address("127.0.0.1", chain) == "198.51.100.20"
    assert auth.client_address("127.0.0.1", {"X-Real-IP": "198.51.100.20"}, header="X-Real-IP") == "198.51.100.20"
    # Configured, but the request did not come through the proxy: no address to trust.
    assert auth.client_address("127.0.0.1", {}, header="X-Real-IP") == auth.SHARED


def test_without_the_setting_a_proxied_client_is_shared_not_the_proxy_address(monkeypatch):
    monkeypatch.delenv(auth.CLIENT_HEADER_ENV, raising=False)
    assert auth.client_address("10.0.0.1", {"Host": "x"}) == "10.0.0.1"  # no proxy: the peer address
    assert auth.client_address("127.0.0.1", {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"}) == auth.SHARED
    assert auth.client_address(None, {}) == auth.SHARED == "unknown"


def test_without_the_setting_one_visitor_cannot_lock_the_editor_out(monkeypatch):
    """Behind a proxy with no header configured every client looks like the proxy: the guesser's
    count is their session's, and all such checks share a slow budget, so nobody is locked out."""
    monkeypatch.setattr(auth, "SHARED_BUDGET", auth.SharedBudget(burst=10, every=6.0))
    password = auth.Password("plain", b"hemligt")
    now, checked = 3000.0, 0
    for index in range(200):  # one guesser, one session, as fast as it is let
        outcome = auth.attempt(password, f"gissning {index}", now=now, client=auth.SHARED, session="guesser")
        checked += outcome.checked
        assert not outcome.locked
        now += 0.25
    assert checked <= 8  # 3 free, then 1, 2, 4, 8, 16, 32 s: 50 seconds of guessing
    editor = auth.attempt(password, "hemligt", now=now, client=auth.SHARED, session="editor")
    assert editor.ok and editor.checked
    # Many guessing sessions at once drain the shared budget: the editor waits seconds, never 15 minutes.
    for index in range(100):
        auth.attempt(password, f"g{index}", now=now, client=auth.SHARED, session=f"s{index}")
    slowed = auth.attempt(password, "hemligt", now=now, client=auth.SHARED, session="editor")
    assert not slowed.ok and not slowed.locked and 0 < slowed.wait <= 6.0
    assert auth.attempt(password, "hemligt", now=now + slowed.wait, client=auth.SHARED, session="editor").ok


def test_thirty_guesses_at_once_get_the_free_checks_only(monkeypatch):
    import threading
    import time

    password = auth.Password("plain", b"hemligt")
    checked, start = [], threading.Barrier(30)
    real = auth.Password._verify

    def slow(self, candidate):
        checked.append(candidate)
        time.sleep(0.05)
        return real(self, candidate)

    monkeypatch.setattr(auth.Password, "_verify", slow)

    def guess(index):
        start.wait()
        auth.attempt(password, f"gissning {index}", now=5000.0, client="203.0.113.9")

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 3  # the three free attempts, not every one that arrived before a failure


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_slow_hash_checks_are_bounded_process_wide(monkeypatch):
    import threading
    import time

    password = auth.parse_hash(auth.hash_password("Rödbeta-2026"))
    running, peak, lock, start = [0], [0], threading.Lock(), threading.Barrier(30)
    real = auth.Password._verify

    def counted(self, candidate):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.02)
            return real(self, candidate)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(auth.Password, "_verify", counted)
    outcomes = []

    def guess(index):  # thirty addresses, so no throttle holds any of them back
        start.wait()
        outcomes.append(auth.attempt(password, f"gissning {index}", client=f"192.0.2.{index}"))

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] <= auth.MAX_SLOW_CHECKS == 2  # 2 × 64 MiB for Argon2id, whatever arrives
    assert len(outcomes) == 30 and not any(outcome.ok for outcome in outcomes)


def test_the_address_registry_is_bounded():
    registry = auth.ClientThrottles(max_clients=3)
    for index in range(5):
        registry.for_client(f"192.0.2.{index}").failed(now=0.0)
    assert registry.for_client("192.0.2.4").failures == 1  # kept
    assert registry.for_client("192.0.2.0").failures == 0  # forgotten, the oldest


def test_no_password_configured_never_lets_anyone_in():
    assert not auth.attempt(None, "", auth.Throttle(), now=0.0).ok


def test_redact_plain_and_hashed():
    assert auth.redact("mitt lösen är hemligt123!", auth.Password("plain", b"hemligt123")) == "mitt lösen är ***!"
    hashed = auth.parse_hash(auth.legacy_pbkdf2_hash("Rödbeta", **FAST))
    assert auth.redact("Rödbeta", hashed) == "***"
    assert auth.redact("det är Rödbeta", hashed) == "det är ***"
    assert auth.redact("inget här", None) == "inget här"


def test_hash_password_command_reads_stdin_and_prints_only_the_hash(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Rödbeta-2026\n"))
    assert main(["hash-password", "--lang", "en"]) == 0
    out = capsys.readouterr()
    line = out.out.strip()
    assert line.startswith('editor_password_hash = "$argon2id$') and "Rödbeta" not in out.out + out.err
    assert auth.parse_hash(line.split('"')[1]).verify("Rödbeta-2026")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["hash-password"]) == 1


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_new_hashes_are_argon2id_and_old_pbkdf2_hashes_still_work():
    text = auth.hash_password("Rödbeta-2026")
    assert text.startswith("$argon2id$") and auth.hash_password("Rödbeta-2026") != text  # a fresh salt
    new = auth.configured({"editor_password_hash": text}, environ={})
    assert new.scheme == "argon2" and new.verify("Rödbeta-2026") and not new.verify("rödbeta-2026")
    assert not new.verify("") and not new.verify(None)
    old = auth.configured({"editor_password_hash": auth.legacy_pbkdf2_hash("Rödbeta-2026", **FAST)}, environ={})
    assert old.scheme == "pbkdf2_sha256" and old.verify("Rödbeta-2026")
    broken = auth.configured({"editor_password_hash": "$argon2id$v=19$garbage"}, environ={})
    assert not broken.valid and not broken.verify("Rödbeta-2026")


def test_redact_never_runs_the_slow_hash_per_word_of_a_long_comment(monkeypatch):
    password = auth.parse_hash(auth.legacy_pbkdf2_hash("Rödbeta-7", **FAST))
    calls = []
    real = auth.Password.verify
    monkeypatch.setattr(
        auth.Password, "verify", lambda self, candidate, **kw: calls.append(candidate) or real(self, candidate, **kw)
    )
    comment = " ".join(f"ord{index}" for index in range(50)) + " Rödbeta-7"
    assert auth.redact(comment, password) == comment  # not recognised: never signed in, too long to search
    assert calls == []
    assert auth.attempt(password, "Rödbeta-7", auth.Throttle(), now=0.0).ok  # the editor signs in
    calls.clear()
    assert auth.redact(comment, password).endswith(" ***") and calls == []  # recognised by its keyed digest
    assert auth.redact("Rödbeta-7", password) == "***" and calls == []
    auth.redact("tre korta ord", password)
    auth.redact("tre korta ord", password)
    assert len(calls) == 4  # the whole text and three words, once each: the second time is remembered


def test_board_pack_comments_and_authors_are_redacted_like_the_change_log(monkeypatch, tmp_path):
    import json
    import shutil

    from kpi.read.load import load_dataset
    from kpi.write.packs import save_pack
    from tests.support import FIXTURES, TODAY, d

    shutil.copytree(FIXTURES / "basic", tmp_path / "basic")
    monkeypatch.setenv(auth.ENV, "Rödbeta-2026")
    data = load_dataset(tmp_path / "basic" / "data", tmp_path / "basic" / "targets.yaml", today=TODAY)
    path = save_pack(
        data, d("2026-06-30"), {"social_followers": "lösen: Rödbeta-2026 (glöm inte)"}, author="Anna Rödbeta-2026"
    )
    text = path.read_text(encoding="utf-8")
    assert "Rödbeta-2026" not in text
    document = json.loads(text)
    assert document["author"] == "Anna ***"
    comments = {record["id"]: record["comment"] for record in document["metrics"]}
    assert comments["social_followers"] == "lösen: *** (glöm inte)"
