"""Organizer accounts: a small table (a few dozen accounts), read once per organizer request."""
from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib.contest.accounts import Organizer
from chalicelib.store.items import condition_failed, get_or_none
from chalicelib.store.models import OrganizerModel


class AccountExists(Exception):
    pass


class AccountMissing(Exception):
    pass


def _to_organizer(item: OrganizerModel) -> Organizer:
    return Organizer(item.username, item.password_hash, role=item.role or "owner", unit_id=item.unit_id,
                     disabled=bool(item.disabled), version=int(item.version or 0),
                     created_at=int(item.created_at or 0))


def _to_item(organizer: Organizer) -> OrganizerModel:
    return OrganizerModel(organizer.username, password_hash=organizer.password_hash, role=organizer.role,
                          unit_id=organizer.unit_id, disabled=organizer.disabled, version=organizer.version,
                          created_at=organizer.created_at)


def get(username: str) -> Organizer | None:
    item = get_or_none(OrganizerModel, username)
    return None if item is None else _to_organizer(item)


def all_accounts() -> list[Organizer]:
    """Every account, by username (a Scan of a table of a few dozen items)."""
    return sorted((_to_organizer(item) for item in OrganizerModel.scan()), key=lambda o: o.username)


def save(organizer: Organizer) -> None:
    """Stores the account as it is (the launcher's first owner; tools)."""
    _to_item(organizer).save()


def create(organizer: Organizer) -> None:
    try:
        _to_item(organizer).save(condition=OrganizerModel.username.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            raise AccountExists() from error
        raise


def update(organizer: Organizer) -> None:
    """Stores the changed account; AccountMissing when there is no such account."""
    try:
        _to_item(organizer).save(condition=OrganizerModel.username.exists())
    except PutError as error:
        if condition_failed(error):
            raise AccountMissing() from error
        raise
