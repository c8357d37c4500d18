"""Organizer accounts and the audit log: the organizer's own account, the owner's account management."""
from chalicelib.api import guard
from chalicelib.api.http import Routes, json_object, respond
from chalicelib.services import audit, organizers

bp = Routes(__name__)


@bp.route("/api/admin/me", methods=["GET"])
def me():
    principal = guard.organizer(bp.current_request, "me")
    return respond(organizers.me(principal))


@bp.route("/api/admin/accounts", methods=["GET"])
def list_accounts():
    guard.organizer(bp.current_request, "accounts")
    return respond(organizers.list_accounts())


@bp.route("/api/admin/accounts", methods=["POST"])
def create_account():
    principal = guard.organizer(bp.current_request, "accounts")
    body = json_object(bp.current_request)
    answer = organizers.create_account(body)
    guard.record(bp.current_request, principal, "account.create", f"account:{answer['account']['username']}", body)
    return respond(answer, 201)


@bp.route("/api/admin/accounts/{username}", methods=["PUT"])
def update_account(username):
    principal = guard.organizer(bp.current_request, "accounts")
    body = json_object(bp.current_request)
    answer = organizers.update_account(username, body)
    guard.record(bp.current_request, principal, "account.update", f"account:{answer['account']['username']}", body)
    return respond(answer)


@bp.route("/api/admin/audit", methods=["GET"])
def audit_log():
    guard.organizer(bp.current_request, "audit")
    return respond(audit.entries(bp.current_request.query_params or {}))
