"""Roles from access.yaml and the one access check (kpi.model.access.may)."""

from __future__ import annotations

import pytest

from kpi import paths
from kpi.model.access import ANONYMOUS, AccessPolicy, may, member_level, password_editor, viewer_for
from kpi.model.problems import DataError
from kpi.read.access import load_access

POLICY = AccessPolicy.model_validate(
    {
        "public": "aggregates",
        "roles": {
            "board": ["@matkluster.se", "ordf@example.org"],
            "staff": ["anna@matkluster.se"],
            "admin": ["Admin@Matkluster.se"],
        },
    }
)


def test_roles_by_address_or_domain_the_highest_wins():
    assert POLICY.role_of("bo@matkluster.se") == "board"  # by domain
    assert POLICY.role_of("ORDF@example.org") == "board"  # case does not matter
    assert POLICY.role_of("anna@matkluster.se") == "staff"  # address beats the domain's board
    assert POLICY.role_of("admin@matkluster.se") == "admin"
    assert POLICY.role_of("eve@evil.example") is None and POLICY.role_of(None) is None
    assert POLICY.role_of("eve@notmatkluster.se") is None  # a domain is matched whole


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        (None, {"view_dashboard"}),
        ("eve@evil.example", {"view_dashboard"}),  # signed in, no role: like the public
        (
            "bo@matkluster.se",
            {"view_dashboard", "view_member_data", "view_comments", "view_changelog", "comment_packs"},
        ),
        (
            "anna@matkluster.se",
            {"view_dashboard", "view_member_data", "view_comments", "view_changelog", "comment_packs", "edit_data"},
        ),
        (
            "admin@matkluster.se",
            {
                "view_dashboard",
                "view_member_data",
                "view_comments",
                "view_changelog",
                "comment_packs",
                "edit_data",
                "undo",
                "prune_history",
                "forget_member",
            },
        ),
    ],
)
def test_what_each_role_may(email, allowed):
    viewer = viewer_for(POLICY, email, verified=True)
    permissions = {
        "view_dashboard",
        "view_member_data",
        "view_comments",
        "view_changelog",
        "comment_packs",
        "edit_data",
        "undo",
        "prune_history",
        "forget_member",
    }
    assert {permission for permission in permissions if may(viewer, permission, POLICY)} == allowed


def test_public_none_hides_everything_from_anonymous_visitors():
    closed = AccessPolicy(public="none")
    assert not may(ANONYMOUS, "view_dashboard", closed)
    assert may(viewer_for(closed, "anyone@example.org"), "view_dashboard", closed)
    assert not may(viewer_for(closed, "anyone@example.org"), "view_member_data", closed)


def test_the_change_log_names_the_signed_in_address():
    assert viewer_for(POLICY, " Anna@Matkluster.se ").label == "anna@matkluster.se"
    assert ANONYMOUS.label == "" and not ANONYMOUS.signed_in
    fallback = password_editor("Anna")
    assert fallback.signed_in and fallback.role == "admin" and fallback.label == "Anna"
    assert may(fallback, "edit_data", POLICY) and may(fallback, "undo", POLICY)
    assert member_level("members") and member_level("surveys") and member_level("logins")
    assert not member_level("agreements") and not member_level(None)


def test_access_yaml_beside_targets_missing_file_is_the_safe_default(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ACCESS_ENV, raising=False)
    assert paths.access_path(targets=tmp_path / "targets.yaml") == tmp_path / "access.yaml"
    policy = load_access(tmp_path / "access.yaml")
    assert policy.public == "aggregates" and policy.roles == {}
    assert not may(viewer_for(policy, "anna@matkluster.se"), "view_member_data", policy)


def test_a_broken_access_file_names_the_field(tmp_path):
    path = tmp_path / "access.yaml"
    path.write_text("public: everyone\nroles:\n  owner: [a@b.se]\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_access(path)
    messages = [problem.format("en") for problem in caught.value.problems]
    assert any(message.startswith("access.yaml::public: field public:") for message in messages)
    assert any("roles.owner" in message for message in messages)
    path.write_text("roles:\n  board: [not-an-address]\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_access(path)
    assert "'not-an-address' under board is neither an e-mail address nor a domain" in caught.value.problems[0].format(
        "en"
    )
    path.write_text("public: [\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_access(path)
    assert caught.value.problems[0].format("sv").startswith("access.yaml:")
    assert "access.yaml kan inte läsas" in caught.value.problems[0].format("sv")


def test_public_none_shows_only_the_sign_in_prompt(tmp_path, use_data, run_page, monkeypatch):
    from tests.support import FIXTURES

    (tmp_path / "access.yaml").write_text("public: none\n", encoding="utf-8")
    monkeypatch.setenv(paths.ACCESS_ENV, str(tmp_path / "access.yaml"))
    use_data(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml")
    at = run_page("app.py")
    assert not at.exception
    assert [info.value for info in at.info] == [
        "Logga in för att se det här. Uppgifter om enskilda medlemmar visas bara för styrelse och personal."
    ]
    assert not at.metric and not at.table  # nothing of the dashboard
    opened = run_page("app.py", unlocked_as="Anna")
    assert not opened.exception and not opened.info


@pytest.mark.slow  # the full suite runs it; the quick suite keeps its budget
def test_a_signed_in_staff_member_saves_as_their_address(copy_fixture, use_data, run_page, monkeypatch):
    """The Data page with a provider configured: no password, and the change log names the e-mail.
    (The sign-in itself, through a real provider in Chromium, is tests/test_e2e_signin.py.)"""
    from kpi.model.access import Viewer
    from kpi.write import store
    from ui import access

    data, targets = copy_fixture("basic")
    use_data(data, targets)
    monkeypatch.delenv("KPI_EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr(access, "sign_in_configured", lambda: True)
    monkeypatch.setattr(access, "current_viewer", lambda: Viewer(email="anna@matkluster.se", role="staff"))
    at = run_page("data")
    assert not at.exception and not [w for w in at.text_input if w.key == "data_login_password"]
    at.selectbox(key="data_quick_metric").set_value("stores_local_food_pct").run()
    at.text_input(key="data_quick_value").input("62,5")
    at.button[[b.label for b in at.button].index("Förhandsgranska")].click().run()
    at.button(key="data_quick_preview_save").click().run()
    assert not at.exception
    [entry] = store.read_changelog(data)
    assert entry.editor == "anna@matkluster.se"
    assert not [b for b in at.button if b.key == "data_undo"]  # undo is the administrator's


def test_validate_checks_access_yaml_too(copy_fixture, capsys, monkeypatch):
    from kpi.cli import main

    monkeypatch.delenv(paths.ACCESS_ENV, raising=False)
    data, targets = copy_fixture("basic")
    assert main(["validate", "--data", str(data), "--targets", str(targets)]) == 0
    (targets.parent / "access.yaml").write_text("public: everybody\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", "--data", str(data), "--targets", str(targets), "--lang", "en"]) == 1
    assert "access.yaml::public: field public:" in capsys.readouterr().err


def test_the_overview_keeps_the_boards_comments_and_the_change_log_for_signed_in_roles(
    copy_fixture, use_data, run_page
):
    from kpi.read.load import load_dataset
    from kpi.write import packs
    from tests.support import TODAY, d, page_tables, page_texts

    data, targets = copy_fixture("basic")
    use_data(data, targets)
    dataset = load_dataset(data, targets, today=TODAY)
    packs.save_pack(dataset, d("2026-03-31"), {"social_followers": "Kampanjen med Gårdsbutiken Ekhaga"}, author="Bo")
    public = run_page("overview", as_of="2026-06-30")
    assert not public.exception
    shown = page_texts(public) + page_tables(public) + "\n".join(e.value for e in public.get("text"))
    assert "Gårdsbutiken Ekhaga" not in shown and "Ändrad av (i appen)" not in shown
    board = run_page("overview", as_of="2026-06-30", unlocked_as="Anna")
    shown = page_texts(board) + page_tables(board) + "\n".join(e.value for e in board.get("text"))
    assert "Kampanjen med Gårdsbutiken Ekhaga" in shown and "Ändrad av (i appen)" in shown


@pytest.mark.slow
def test_on_the_example_data_no_page_shows_an_anonymous_visitor_a_members_name(run_page, use_data):
    """The issue's "done when": the bundled example data (187 members), every page, anonymous."""
    import csv

    from tests.support import ROOT

    use_data(ROOT / "data", ROOT / "targets.yaml")
    text = (ROOT / "data" / "members.csv").read_bytes().decode("utf-8-sig")
    names = [row["name"] for row in csv.DictReader(text.splitlines(), delimiter=";" if ";" in text[:200] else ",")]
    assert len(names) > 100

    def shown(at) -> str:
        parts = [
            str(e.value)
            for kind in (
                "markdown",
                "caption",
                "text",
                "info",
                "subheader",
                "header",
                "title",
                "success",
                "warning",
                "error",
            )
            for e in at.get(kind)
        ]
        parts += [expander.label for expander in at.expander] + [table.value.to_csv() for table in at.table]
        return "\n".join(parts)

    pages = [
        "overview",
        "metric",
        "members",
        "communication",
        "municipalities",
        "activities",
        "organisation",
        "business",
        "projects",
        "reports",
        "data",
        "about",
    ]
    for page in pages:
        at = run_page(page, timeout=60, as_of="2026-11-23")
        assert not at.exception, page
        assert [name for name in names if name in shown(at)] == [], page
    signed_in = run_page("members", timeout=60, as_of="2026-11-23", unlocked_as="Anna")
    assert any(name in shown(signed_in) for name in names)  # the check can see names when they are there


def test_only_a_verified_address_maps_to_a_role():
    # A provider that does not check addresses lets anyone type anna@… or ADMIN@… into an account.
    for email in ("anna@matkluster.se", "ADMIN@MATKLUSTER.SE"):
        for claim in (False, None, "false", "", 0):
            viewer = viewer_for(POLICY, email, verified=claim)
            assert viewer.role is None and viewer.unverified and viewer.signed_in
            assert not may(viewer, "view_member_data", POLICY)
    assert viewer_for(POLICY, "ADMIN@MATKLUSTER.SE", verified=True).role == "admin"
    assert viewer_for(POLICY, "anna@matkluster.se", verified="true").role == "staff"
    assert viewer_for(POLICY, "anna@matkluster.se").role is None  # no claim given: unverified


def test_a_provider_listed_as_verifying_every_address_needs_no_claim(tmp_path):
    path = tmp_path / "access.yaml"
    entra = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"
    path.write_text(f"roles:\n  staff: [anna@matkluster.se]\nverified_email_issuers: ['{entra}/']\n", encoding="utf-8")
    policy = load_access(path)
    assert viewer_for(policy, "anna@matkluster.se", verified=None, issuer=entra).role == "staff"
    other = viewer_for(policy, "anna@matkluster.se", verified=None, issuer="https://accounts.example.org")
    assert other.role is None and other.unverified
    path.write_text("verified_email_issuers: [not-a-url]\n", encoding="utf-8")
    with pytest.raises(DataError):
        load_access(path)
