"""Organizer accounts."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Organizer:
    username: str
    password_hash: str
