"""Who is asking on an organizer path: the one guard every admin route calls first."""
from chalicelib import auth, runtime
from chalicelib.services import access


def organizer(request, action: str = "operate") -> auth.Principal:
    """The organizer asking, if their role may do `action` (contest/roles.py); 401/403 otherwise."""
    principal = auth.require(request.headers.get("authorization"), auth.ORGANIZER, runtime.now_ms())
    return access.check(principal, action)
