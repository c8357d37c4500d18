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


def _change(participant_id: str, action: str, change, reads_body: bool = True):
    """An organizer's change to a participant: checked (owner, organizer), done, audited with what was asked."""
    principal = guard.organizer(bp.current_request, "operate")
    body = json_object(bp.current_request) if reads_body else None
    if body is None:
        raw_body(bp.current_request)  # no body is read; an oversized one is refused (413)
    answer = change(principal, participant_id) if body is None else change(principal, participant_id, body)
    guard.record(bp.current_request, principal, action, f"participant:{participant_id}", body)
    return respond(answer)


@bp.route("/api/admin/participants/{participant_id}", methods=["PUT"])
def update(participant_id):
    return _change(participant_id, "participant.update", roster.update)


@bp.route("/api/admin/participants/{participant_id}/disqualify", methods=["POST"])
def disqualify(participant_id):
    return _change(participant_id, "participant.disqualify", roster.disqualify)


@bp.route("/api/admin/participants/{participant_id}/reinstate", methods=["POST"])
def reinstate(participant_id):
    return _change(participant_id, "participant.reinstate", roster.reinstate, reads_body=False)


@bp.route("/api/admin/participants/{participant_id}/password", methods=["POST"])
def temporary_password(participant_id):
    return _change(participant_id, "participant.password", roster.temporary_password, reads_body=False)
