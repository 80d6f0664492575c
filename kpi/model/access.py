"""Who may see and do what: roles from ``access.yaml``, and one check every page and report asks.

Members' names, their survey answers and leave reasons are personal data (a sole trader's business
name is the person's name), so what a viewer may see is decided here, in the library, not by a page
reading another page's session state. Roles are ordered: each includes the ones before it.

* anonymous visitors see aggregates (statuses, values, charts) when ``public: aggregates`` (the
  default), or nothing at all when ``public: none``;
* ``board`` also sees member-level listings ("which ones?"), board packs with comments and the
  change log, and may comment on board packs;
* ``staff`` also edits data (the change log then records the signed-in e-mail);
* ``admin`` also undoes saves, prunes history and forgets former members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kpi.model.registers import PERSONAL_REGISTERS

Role = Literal["board", "staff", "admin"]
ROLES: tuple[Role, ...] = ("board", "staff", "admin")
Permission = Literal[
    "view_dashboard",
    "view_member_data",
    "view_comments",
    "view_changelog",
    "comment_packs",
    "edit_data",
    "undo",
    "prune_history",
    "forget_member",
]
# The least role that has each permission; None: anonymous visitors have it when public is aggregates.
_LEAST_ROLE: dict[str, Role | None] = {
    "view_dashboard": None,
    "view_member_data": "board",
    "view_comments": "board",
    "view_changelog": "board",
    "comment_packs": "board",
    "edit_data": "staff",
    "undo": "admin",
    "prune_history": "admin",
    "forget_member": "admin",
}
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^@?[a-z0-9-]+(\.[a-z0-9-]+)+$")


class AccessPolicy(BaseModel):
    """The contents of ``access.yaml``: what the public sees, and which e-mails have which role.

    ``roles`` maps a role to e-mail addresses (``anna@matkluster.se``) or whole domains
    (``@matkluster.se``); an address matches case-insensitively, and the highest matching role wins.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    public: Literal["aggregates", "none"] = "aggregates"
    roles: dict[Role, list[str]] = Field(default_factory=dict)
    # Identity providers (their issuer URL, the ``iss`` claim) documented as verifying every address
    # they issue, e.g. a Microsoft Entra tenant, which sends no ``email_verified`` claim. An address
    # from any other provider gets a role only with ``email_verified: true``.
    verified_email_issuers: list[str] = Field(default_factory=list)
    # Years after the day a member left that their name is kept (docs/privacy.md); then
    # ``kpi member forget --expired`` replaces it by a pseudonym.
    retention_years: int = Field(default=2, ge=1, le=50)

    @field_validator("verified_email_issuers")
    @classmethod
    def _issuers(cls, value: list[str]) -> list[str]:
        cleaned = []
        for entry in value:
            text = str(entry).strip().rstrip("/")
            if not text.startswith("https://") and not text.startswith("http://127.0.0.1"):
                raise ValueError(f"{entry!r} is not an issuer URL (https://…)")
            cleaned.append(text)
        return cleaned

    def trusts_issuer(self, issuer: str | None) -> bool:
        """Whether ``issuer`` is listed as verifying every address it issues."""
        return bool(issuer) and str(issuer).strip().rstrip("/") in self.verified_email_issuers

    @field_validator("roles")
    @classmethod
    def _addresses(cls, value: dict[Role, list[str]]) -> dict[Role, list[str]]:
        cleaned: dict[Role, list[str]] = {}
        for role, entries in value.items():
            normalised = []
            for entry in entries:
                text = str(entry).strip().lower()
                if not (_ADDRESS.match(text) or _DOMAIN.match(text)):
                    raise ValueError(
                        f"{entry!r} under {role} is neither an e-mail address nor a domain like @example.se"
                    )
                normalised.append(text if "@" in text else "@" + text)
            cleaned[role] = normalised
        return cleaned

    def role_of(self, email: str | None) -> Role | None:
        """The highest role an e-mail address has, or ``None``."""
        if not email:
            return None
        address = email.strip().lower()
        domain = "@" + address.rsplit("@", 1)[-1] if "@" in address else None
        found: Role | None = None
        for role in ROLES:
            entries = self.roles.get(role, [])
            if address in entries or (domain is not None and domain in entries):
                found = role
        return found


@dataclass(frozen=True)
class Viewer:
    """The person looking: signed in (with an e-mail) or not, and the role that gives them."""

    email: str | None = None
    role: Role | None = None
    name: str | None = None
    # Signed in with an address the provider did not say it verified: no role, and told why.
    unverified: bool = False

    @property
    def signed_in(self) -> bool:
        """Signed in with an identity provider, or unlocked with the shared editor password."""
        return self.email is not None or self.role is not None

    @property
    def label(self) -> str:
        """How the change log names this person: the signed-in e-mail; only without an identity
        provider, the name typed when unlocking with the shared password."""
        return self.email or self.name or ""


ANONYMOUS = Viewer()
# Registers whose rows are about people (names, logins, survey answers): listing them ("which ones?")
# needs view_member_data.
MEMBER_LEVEL_REGISTERS = PERSONAL_REGISTERS  # defined on each register (kpi.model.registers)


def password_editor(name: str) -> Viewer:
    """Whoever unlocked editing with the shared password (installations without an identity
    provider). The shared password was and stays the one key to everything, so its holder is an
    administrator, named by what they typed, since there is no verified address."""
    return Viewer(email=None, role="admin", name=name)


def member_level(register: str | None) -> bool:
    """Whether rows of ``register`` name people (members), so that showing them needs a role."""
    return register in MEMBER_LEVEL_REGISTERS


def email_verified(claim: object) -> bool:
    """Whether an ``email_verified`` claim says yes: ``true`` (some providers send the text "true")."""
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def viewer_for(
    policy: AccessPolicy,
    email: str | None,
    name: str | None = None,
    *,
    verified: object = False,
    issuer: str | None = None,
) -> Viewer:
    """The viewer a signed-in e-mail (or ``None``: anonymous) becomes under ``policy``.

    Anyone can type any address into an account at a provider that does not check it, so only an
    address the provider verified (``verified``: the ``email_verified`` claim) or one from a
    provider listed in ``verified_email_issuers`` maps to a role; otherwise the viewer is signed in
    without a role and marked ``unverified`` so the page can say why.
    """
    if not email:
        return ANONYMOUS
    address = email.strip().lower()
    if not (email_verified(verified) or policy.trusts_issuer(issuer)):
        return Viewer(email=address, role=None, name=name, unverified=True)
    return Viewer(email=address, role=policy.role_of(address), name=name)


def may(viewer: Viewer, permission: Permission, policy: AccessPolicy) -> bool:
    """The one access check: does ``viewer`` have ``permission`` under ``policy``?"""
    least = _LEAST_ROLE[permission]
    if least is None:
        return policy.public == "aggregates" or viewer.signed_in
    if viewer.role is None:
        return False
    return ROLES.index(viewer.role) >= ROLES.index(least)
