"""Organizer paths for a round's bank and results: the questions with their answers, finalize again, publish,
the prize list before publication."""
from chalicelib.api.access import organizer
from chalicelib.api.http import Routes, raw_body, respond
from chalicelib.services import bank, publication

bp = Routes(__name__)


@bp.route("/api/admin/rounds/{round_id}/questions", methods=["GET"])
def questions(round_id):
    organizer(bp.current_request)
    return respond(bank.questions(round_id))


@bp.route("/api/admin/rounds/{round_id}/finalize", methods=["POST"])
def finalize_again(round_id):
    organizer(bp.current_request)
    raw_body(bp.current_request)  # no body is read, but an oversized one is refused like anywhere else (413)
    return respond(publication.finalize_again(round_id), 202)


@bp.route("/api/admin/rounds/{round_id}/publish", methods=["POST"])
def publish(round_id):
    organizer(bp.current_request)
    raw_body(bp.current_request)
    return respond(publication.publish(round_id))


@bp.route("/api/admin/rounds/{round_id}/prizes", methods=["GET"])
def prizes(round_id):
    organizer(bp.current_request, "results")
    return respond(publication.prizes_for_review(round_id))
