"""Organizer roles and what each may do (RULES.md, Organizer roles). One table, read by the one access check."""
from __future__ import annotations

ROLES = ("owner", "organizer", "coordinator", "viewer")

# action → the roles allowed to do it
PERMISSIONS: dict[str, frozenset[str]] = {
    "me": frozenset(ROLES),                                            # one's own account
    "accounts": frozenset({"owner"}),                                  # organizer accounts
    "operate": frozenset({"owner", "organizer"}),                      # settings, pages, units, rounds, questions,
                                                                       # participants, closing, publishing
    "audit": frozenset({"owner", "organizer"}),                        # read the audit log
    "participants": frozenset({"owner", "organizer", "coordinator"}),  # see participants, their signals; export
    "results": frozenset({"owner", "organizer", "viewer"}),            # result files
    "dashboard": frozenset({"owner", "organizer", "viewer"}),          # the contest-wide dashboard
}
# Roles limited to one unit and its descendants.
SCOPED = frozenset({"coordinator"})


def may(role: str | None, action: str) -> bool:
    return role in PERMISSIONS[action]


def in_scope(role: str | None, scope_unit: str | None, lineage: list[str]) -> bool:
    """Whether a unit (given by its lineage: itself, then its ancestors) is within the role's reach."""
    return role not in SCOPED or (scope_unit is not None and scope_unit in lineage)
