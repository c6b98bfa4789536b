"""Who a staff member is, and what their role lets them see and do.

reviewer    works on the submissions of their units: sees them, opens their
            personal data, changes their status
supervisor  all of that for every unit, and reassigns submissions to units
admin       manages accounts and units, webhooks and content; sees no case
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

import sqlite_utils

from central import audit
from central.errors import NotFound
from central.staff import store
from content.schema import UNIT_CODES
from ventanilla import accounts
from ventanilla.i18n import N_

Role = Literal["reviewer", "supervisor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_LABELS = {
    "reviewer": N_("Revisor"),
    "supervisor": N_("Supervisor"),
    "admin": N_("Administrador"),
}
CASE_ROLES = ("reviewer", "supervisor")


@dataclass(frozen=True)
class StaffUser:
    username: str
    role: Role
    units: tuple[str, ...] = ()

    @property
    def sees_all_units(self) -> bool:
        return self.role == "supervisor"

    def visible_units(self) -> tuple[str, ...] | None:
        """The units whose submissions this user sees; None for all of them."""
        if self.role == "supervisor":
            return None
        return self.units if self.role == "reviewer" else ()

    def can_see(self, submission: dict[str, Any]) -> bool:
        units = self.visible_units()
        return units is None or submission["assigned_unit"] in units


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class AccountRefused(ValueError):
    """An account that cannot be made as asked; the message is a msgid with values."""

    def __init__(self, message: str, **values: object):
        super().__init__(message)
        self.message, self.values = message, values


def check_account(username: str, password: str | None, role: str, units: list[str]) -> None:
    """AccountRefused unless these make a sound account (`password` None: unchanged)."""
    if not USERNAME.match(username):
        raise AccountRefused(
            N_("El usuario «{username}» no sirve: use de 2 a 40 minúsculas, cifras, . _ o -."),
            username=username,
        )
    if password is not None and len(password) < accounts.MIN_PASSWORD:
        raise AccountRefused(
            N_("La contraseña necesita al menos {n} caracteres."), n=accounts.MIN_PASSWORD
        )
    if role not in ROLES:
        raise AccountRefused(N_("No existe el rol «{role}»."), role=role)
    unknown = [unit for unit in units if unit not in UNIT_CODES]
    if unknown:
        raise AccountRefused(N_("No existe la unidad «{unit}»."), unit=unknown[0])
    if role == "reviewer" and not units:
        raise AccountRefused(N_("Un revisor necesita al menos una unidad."))


def add_account(
    db: sqlite_utils.Database, actor: str, username: str, password: str, role: str, units: list[str]
) -> None:
    """Make an account (a writer task); AccountRefused if it cannot be, or exists."""
    check_account(username, password, role, units)
    if store.user(db, username) is not None:
        raise AccountRefused(N_("El usuario «{username}» ya existe."), username=username)
    store.add_user(db, username, accounts.hash_password(password), role, units)
    audit.record(db, actor, "user.add", username, role=role, units=units)


def update_account(
    db: sqlite_utils.Database,
    actor: str,
    username: str,
    role: str,
    units: list[str],
    enabled: bool,
    password: str | None,
) -> None:
    """Change an account's role, units, state or password (a writer task)."""
    check_account(username, password, role, units)
    before = store.user(db, username)
    if before is None:
        raise NotFound(username)
    if actor == username and (role != "admin" or not enabled):
        # Someone must always be left who can manage accounts.
        raise AccountRefused(N_("No puede quitarse a sí mismo el rol de administrador."))
    store.set_role(db, username, role)
    store.set_units(db, username, units)
    store.set_disabled(db, username, not enabled)
    if password is not None:
        store.set_password(db, username, accounts.hash_password(password))
    audit.record(
        db, actor, "user.update", username,
        role=role, units=units, enabled=enabled, password_changed=password is not None,
    )  # fmt: skip
