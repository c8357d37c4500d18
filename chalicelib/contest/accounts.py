"""Organizer accounts: who may sign in to the organizer pages, with which role (contest/roles.py) and, for a
coordinator, which unit. An account's `version` moves on when its password changes or it is disabled: tokens
issued before no longer open anything."""
from __future__ import annotations

import re

from chalicelib.contest.records import Struct
from chalicelib.contest.roles import SCOPED

# Lower case letters without accents, digits, dot, dash and underscore; 3 to 32 characters.
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,31}")


class Organizer(Struct, frozen=True):
    username: str
    password_hash: str
    role: str = "owner"
    unit_id: str | None = None      # a coordinator's unit (its descendants included); None for other roles
    disabled: bool = False
    version: int = 0
    created_at: int = 0

    def honours(self, token_version: int) -> bool:
        """Whether a token issued at `token_version` still speaks for this account."""
        return not self.disabled and token_version == self.version

    @property
    def is_active_owner(self) -> bool:
        return self.role == "owner" and not self.disabled


def scope_problem(role: str, unit_id: str | None) -> str | None:
    """Why a role and unit do not go together (Vietnamese), or None: a scoped role needs a unit, others none."""
    if role in SCOPED and unit_id is None:
        return "Điều phối viên phải được gắn với một đơn vị."
    if role not in SCOPED and unit_id is not None:
        return "Chỉ điều phối viên mới gắn với một đơn vị."
    return None
