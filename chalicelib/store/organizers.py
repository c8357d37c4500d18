"""Organizer accounts."""
from __future__ import annotations

from chalicelib.contest.accounts import Organizer
from chalicelib.store.items import get_or_none
from chalicelib.store.models import OrganizerModel


def get(username: str) -> Organizer | None:
    item = get_or_none(OrganizerModel, username)
    return None if item is None else Organizer(item.username, item.password_hash)


def save(organizer: Organizer) -> None:
    OrganizerModel(organizer.username, password_hash=organizer.password_hash).save()
