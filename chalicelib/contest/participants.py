"""Participants: one account per phone (and per CCCD), registered under one unit in one category."""
from __future__ import annotations

from chalicelib.contest.records import Struct


class Participant(Struct, frozen=True):
    id: str
    full_name: str
    phone: str                  # normalised, 0xxxxxxxxx
    unit_id: str
    category: str               # official | citizen (ranking.CATEGORIES)
    password_hash: str
    registered_at: int
    birth_year: int | None = None
    id_number: str | None = None    # CCCD, 12 digits
    email: str | None = None
    token_version: int = 0          # moved on by a reset, a change or a temporary password: older tokens end
    verified: bool = False          # the phone was confirmed by an SMS code
    status: str = "active"          # active | disqualified
    disqualified_reason: str | None = None
    signals: tuple[str, ...] = ()   # signals of the participant's attempts (RULES.md, Fairness), for the lists

    @property
    def is_disqualified(self) -> bool:
        return self.status == "disqualified"
