"""The one access check of the organizer paths: the stored account behind the token (still enabled, token not
older than the account's version), its role against contest/roles.PERMISSIONS, and a coordinator's unit scope.
Organizer traffic is small: the account is read once per request."""
from __future__ import annotations

from chalicelib import auth, errors
from chalicelib.contest import roles
from chalicelib.contest.records import replace
from chalicelib.contest.units import UnitTree
from chalicelib.store import organizers as organizer_store
from chalicelib.store import units as unit_store


def check(principal: auth.Principal, action: str) -> auth.Principal:
    """The principal with its account's current role and unit, if the account still honours the token (401
    otherwise) and its role may do `action` (403 `forbidden` otherwise)."""
    account = organizer_store.get(principal.subject)
    if account is None or not account.honours(principal.version):
        raise errors.unauthorized()
    current = replace(principal, role=account.role, unit_id=account.unit_id)
    if not roles.may(current.role, action):
        raise errors.forbidden()
    return current


def check_unit(principal: auth.Principal, unit_id: str) -> None:
    """403 `forbidden` when a scoped role asks about a unit outside its subtree (or an unknown unit)."""
    if principal.role not in roles.SCOPED:
        return
    tree = UnitTree(unit_store.list_units())
    if unit_id not in tree or not roles.in_scope(principal.role, principal.unit_id, tree.lineage(unit_id)):
        raise errors.forbidden()
