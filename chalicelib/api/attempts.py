"""Timed attempts: start, read, submit."""
from chalicelib.api.http import Routes, client, json_object, participant, raw_body, respond
from chalicelib.services import attempts

bp = Routes(__name__)


@bp.route("/api/rounds/{round_id}/attempts", methods=["POST"])
def start(round_id):
    request = bp.current_request
    principal = participant(request)
    raw_body(request)  # no body is read, but an oversized one is refused like anywhere else (413)
    started = attempts.start(principal, round_id, client(request))
    return respond(started.body, 201 if started.created else 200)


@bp.route("/api/attempts/{attempt_id}", methods=["GET"])
def read(attempt_id):
    return respond(attempts.read(participant(bp.current_request), attempt_id))


@bp.route("/api/attempts/{attempt_id}/submission", methods=["POST"])
def submit(attempt_id):
    principal = participant(bp.current_request)
    return respond(attempts.submit(principal, attempt_id, json_object(bp.current_request)))
