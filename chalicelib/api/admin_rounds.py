"""Organizer paths for a round's bank and results: the questions with their answers, finalize again, publish,
the prize list before publication."""
from chalicelib.api import guard
from chalicelib.api.http import Routes, raw_body, respond
from chalicelib.services import bank, publication

bp = Routes(__name__)


@bp.route("/api/admin/rounds/{round_id}/questions", methods=["GET"])
def questions(round_id):
    guard.organizer(bp.current_request)
    return respond(bank.questions(round_id))


@bp.route("/api/admin/rounds/{round_id}/finalize", methods=["POST"])
def finalize_again(round_id):
    principal = guard.organizer(bp.current_request)
    raw_body(bp.current_request)  # no body is read, but an oversized one is refused like anywhere else (413)
    answer = publication.finalize_again(round_id)
    guard.record(bp.current_request, principal, "round.finalize_again", f"round:{round_id}")
    return respond(answer, 202)


@bp.route("/api/admin/rounds/{round_id}/publish", methods=["POST"])
def publish(round_id):
    principal = guard.organizer(bp.current_request)
    raw_body(bp.current_request)
    answer = publication.publish(round_id)
    guard.record(bp.current_request, principal, "round.publish", f"round:{round_id}")
    return respond(answer)


@bp.route("/api/admin/rounds/{round_id}/prizes", methods=["GET"])
def prizes(round_id):
    guard.organizer(bp.current_request, "results")
    return respond(publication.prizes_for_review(round_id))
