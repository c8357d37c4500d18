"""Accounts (API.md, Accounts (extensions)): SMS codes, password reset and change, logout, the profile."""
from chalicelib.api.http import Routes, client, json_object, no_content, participant, raw_body, respond
from chalicelib.services import accounts, verifications

bp = Routes(__name__)


@bp.route("/api/verifications", methods=["POST"])
def request_code():
    request = bp.current_request
    return respond(verifications.request(json_object(request), client(request)), 202)


@bp.route("/api/password-resets", methods=["POST"])
def reset_password():
    return respond(accounts.reset_password(json_object(bp.current_request)))


@bp.route("/api/me/password", methods=["PUT"])
def change_password():
    request = bp.current_request
    principal = participant(request)
    return respond(accounts.change_password(principal, json_object(request), client(request)))


@bp.route("/api/me", methods=["PUT"])
def update_profile():
    principal = participant(bp.current_request)
    return respond(accounts.update_profile(principal, json_object(bp.current_request)))


@bp.route("/api/sessions/current", methods=["DELETE"])
def logout():
    principal = participant(bp.current_request)
    raw_body(bp.current_request)  # no body is read, but an oversized one is refused like anywhere else (413)
    accounts.logout(principal)
    return no_content()
