"""Participants for organizers (every change audited) and coordinators (their unit's subtree, read only)."""
from chalicelib.api import guard
from chalicelib.api.http import Routes, json_object, raw_body, respond
from chalicelib.services import roster

bp = Routes(__name__)


@bp.route("/api/admin/participants", methods=["GET"])
def search():
    principal = guard.organizer(bp.current_request, "participants")
    return respond(roster.search(principal, bp.current_request.query_params or {}))


@bp.route("/api/admin/participants/{participant_id}", methods=["GET"])
def card(participant_id):
    principal = guard.organizer(bp.current_request, "participants")
    return respond(roster.card(principal, participant_id))


@bp.route("/api/admin/participants/{participant_id}", methods=["PUT"])
def update(participant_id):
    principal = guard.organizer(bp.current_request, "operate")
    body = json_object(bp.current_request)
    answer = roster.update(principal, participant_id, body)
    guard.record(bp.current_request, principal, "participant.update", f"participant:{participant_id}", body)
    return respond(answer)


@bp.route("/api/admin/participants/{participant_id}/disqualify", methods=["POST"])
def disqualify(participant_id):
    principal = guard.organizer(bp.current_request, "operate")
    body = json_object(bp.current_request)
    answer = roster.disqualify(principal, participant_id, body)
    guard.record(bp.current_request, principal, "participant.disqualify", f"participant:{participant_id}", body)
    return respond(answer)


@bp.route("/api/admin/participants/{participant_id}/reinstate", methods=["POST"])
def reinstate(participant_id):
    principal = guard.organizer(bp.current_request, "operate")
    raw_body(bp.current_request)  # no body is read; an oversized one is refused (413)
    answer = roster.reinstate(principal, participant_id)
    guard.record(bp.current_request, principal, "participant.reinstate", f"participant:{participant_id}")
    return respond(answer)


@bp.route("/api/admin/participants/{participant_id}/password", methods=["POST"])
def temporary_password(participant_id):
    principal = guard.organizer(bp.current_request, "operate")
    raw_body(bp.current_request)
    answer = roster.temporary_password(principal, participant_id)
    guard.record(bp.current_request, principal, "participant.password", f"participant:{participant_id}")
    return respond(answer)
