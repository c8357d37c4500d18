"""Organizer accounts."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.models import OrganizerModel


def get(username: str) -> OrganizerModel | None:
    try:
        return OrganizerModel.get(username, consistent_read=True)
    except DoesNotExist:
        return None


def save(username: str, password_hash: str) -> None:
    OrganizerModel(username, password_hash=password_hash).save()
