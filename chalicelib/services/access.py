"""The one access check of the organizer paths: the token's role against contest/roles.PERMISSIONS, and a
coordinator's unit scope. (Stored accounts and their token versions are checked here too.)"""
from __future__ import annotations

from chalicelib import auth, errors
from chalicelib.contest import roles
from chalicelib.contest.units import UnitTree
from chalicelib.store import units as unit_store


def check(principal: auth.Principal, action: str) -> auth.Principal:
    """The principal, if its role may do `action`; 403 `forbidden` otherwise."""
    if not roles.may(principal.role, action):
        raise errors.forbidden()
    return principal


def check_unit(principal: auth.Principal, unit_id: str) -> None:
    """403 `forbidden` when a scoped role asks about a unit outside its subtree (or an unknown unit)."""
    if principal.role not in roles.SCOPED:
        return
    tree = UnitTree(unit_store.list_units())
    if unit_id not in tree or not roles.in_scope(principal.role, principal.unit_id, tree.lineage(unit_id)):
        raise errors.forbidden()
