"""``kpi remind``: one message per owner to a real SMTP server (aiosmtpd on 127.0.0.1, started here).

tests/fixtures/basic on 2026-07-11: newsletter_subscribers and social_followers await June's values
(due 10 July, overdue); the owners are set in the test's copy of targets.yaml.
"""

from __future__ import annotations

import email
import email.policy
import socket

import pytest

from kpi.cli import main

pytestmark = pytest.mark.slow  # a server in a thread, a few hundred milliseconds

ACCESS = "roles:\n  staff: [anna@example.org, bo@example.org, '@example.org']\n"


class Inbox:
    def __init__(self, refuse: str | None = None) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    def start(refuse: str | None = None) -> Inbox:
        inbox = Inbox(refuse)
        with socket.socket() as probe:  # a free port (aiosmtpd's start() checks it by connecting)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        monkeypatch.setenv("KPI_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("KPI_SMTP_PORT", str(port))
        monkeypatch.setenv("KPI_SMTP_FROM", "malbild@example.org")
        monkeypatch.delenv("KPI_SMTP_USER", raising=False)
        monkeypatch.delenv("KPI_SMTP_STARTTLS", raising=False)
        monkeypatch.setenv("KPI_APP_URL", "https://malbild.example.org/")
        return inbox

    started: list = []
    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def folder(copy_fixture, monkeypatch):
    data, targets = copy_fixture("basic")
    text = targets.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: newsletter_subscribers\n", "  - id: newsletter_subscribers\n    owner: anna@example.org\n"
    )
    text = text.replace("  - id: social_followers\n", "  - id: social_followers\n    owner: staff\n")
    targets.write_text(text, encoding="utf-8")
    access = targets.parent / "access.yaml"
    access.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("KPI_ACCESS", str(access))
    return data, targets


def remind(folder, *more: str) -> int:
    data, targets = folder
    return main(["remind", "--data", str(data), "--targets", str(targets), "--as-of", "2026-07-11", *more])


def test_each_owner_gets_one_message_listing_what_is_due_and_nothing_twice_the_same_day(folder, smtp, capsys):
    inbox = smtp()
    assert remind(folder) == 0
    got = {tuple(to): message for to, message in inbox.messages}
    assert set(got) == {("anna@example.org",), ("bo@example.org",)}  # the role's addresses, not its domain
    anna = got[("anna@example.org",)]
    assert anna["Subject"] == "Målbild: 2 värden att uppdatera"
    assert anna["From"] == "malbild@example.org"
    body = anna.get_content()
    assert "- Prenumeranter på nyhetsbrevet: värdet för 30 juni 2026 ska in senast 10 juli 2026 (försenat)" in body
    assert "- Följare i sociala medier: värdet för 30 juni 2026" in body
    assert "Uppdatera på sidan Data: https://malbild.example.org/data" in body
    assert "Prenumeranter" not in got[("bo@example.org",)].get_content()
    out = capsys.readouterr().out
    assert "Påminnelse skickad till anna@example.org: 2 mål" in out

    assert remind(folder) == 0  # the same day again: nothing new
    assert len(inbox.messages) == 2
    assert "anna@example.org: redan påmind i dag, inget skickat" in capsys.readouterr().out
    data, _ = folder
    for path in (data / ".sent").iterdir():
        assert b"anna@example.org" not in path.read_bytes()  # only hashes are kept


def test_a_refused_send_reports_the_servers_answer_and_exits_1(folder, smtp, capsys):
    smtp(refuse="550 5.1.1 Mailbox unavailable")
    assert remind(folder) == 1
    err = capsys.readouterr().err
    assert "e-postservern tog inte emot meddelandet: 550 5.1.1 Mailbox unavailable" in err
    data, _ = folder
    assert not (data / ".sent").exists() or not any((data / ".sent").iterdir())


def test_without_smtp_settings_it_is_a_usage_error(folder, monkeypatch, capsys):
    monkeypatch.delenv("KPI_SMTP_HOST", raising=False)
    monkeypatch.delenv("KPI_SMTP_FROM", raising=False)
    assert remind(folder) == 2
    assert "KPI_SMTP_HOST, KPI_SMTP_FROM" in capsys.readouterr().err


def test_the_latest_board_pack_goes_to_the_board_as_a_pdf_once_a_day(folder, smtp, capsys):
    inbox = smtp()
    data, targets = folder
    access = targets.parent / "access.yaml"
    access.write_text(ACCESS + "  board: [ordforande@example.org, kassor@example.org]\n", encoding="utf-8")
    common = ["--data", str(data), "--targets", str(targets)]
    assert main(["board-pack", "save", "--date", "2026-03-31", *common]) == 0
    assert main(["board-pack", "save", "--date", "2026-06-30", *common]) == 0
    assert main(["send", "board-pack", "--to", "board", *common]) == 0
    assert sorted(to for to, _ in inbox.messages) == [["kassor@example.org"], ["ordforande@example.org"]]
    message = inbox.messages[0][1]
    assert message["Subject"] == "Styrelsepaket inför mötet 30 juni 2026"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "board-pack-2026-06-30.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert main(["send", "board-pack", "--to", "board", *common]) == 0
    assert len(inbox.messages) == 2  # not twice the same day


def test_send_without_a_pack_exits_1_and_an_unknown_role_2(folder, smtp, capsys):
    smtp()
    data, targets = folder
    common = ["--data", str(data), "--targets", str(targets)]
    assert main(["send", "board-pack", "--to", "board", *common]) == 2  # no board addresses in access.yaml
    assert main(["send", "board-pack", "--to", "staff", *common]) == 1
    assert "det finns inget sparat styrelsepaket" in capsys.readouterr().err
