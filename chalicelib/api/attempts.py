"""Timed attempts: start, read, submit."""
from chalicelib import auth, runtime
from chalicelib.api.http import Routes, json_object, raw_body, respond
from chalicelib.services import attempts

bp = Routes(__name__)


def _participant() -> str:
    header = bp.current_request.headers.get("authorization")
    return auth.require(header, auth.PARTICIPANT, runtime.now_ms()).subject


@bp.route("/api/rounds/{round_id}/attempts", methods=["POST"])
def start(round_id):
    participant_id = _participant()
    raw_body(bp.current_request)  # no body is read, but an oversized one is refused like anywhere else (413)
    started = attempts.start(participant_id, round_id)
    return respond(started.body, 201 if started.created else 200)


@bp.route("/api/attempts/{attempt_id}", methods=["GET"])
def read(attempt_id):
    return respond(attempts.read(_participant(), attempt_id))


@bp.route("/api/attempts/{attempt_id}/submission", methods=["POST"])
def submit(attempt_id):
    participant_id = _participant()
    return respond(attempts.submit(participant_id, attempt_id, json_object(bp.current_request)))
