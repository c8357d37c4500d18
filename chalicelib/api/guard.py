"""What every organizer path does first and, when it changed something, last: who asks (an organizer token
whose account still honours it, with a role that may do the action: services/access.py) and the audit entry
of the change (services/audit.py)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib import auth, runtime
from chalicelib.api.http import client
from chalicelib.services import access, audit


def organizer(request, action: str = "operate") -> auth.Principal:
    """The organizer asking, if their role may do `action` (contest/roles.py); 401/403 otherwise."""
    principal = auth.require(request.headers.get("authorization"), auth.ORGANIZER, runtime.now_ms())
    return access.check(principal, action)


def record(request, principal: auth.Principal, action: str, target: str,
           details: Mapping[str, Any] | None = None) -> None:
    """The audit entry of a change that succeeded, with the request's client address."""
    audit.record(principal, client(request), action, target, details)
