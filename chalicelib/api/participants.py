"""Registration, login and the participant's own view."""
from chalicelib import auth, runtime
from chalicelib.api.http import Routes, json_object, respond
from chalicelib.services import participants

bp = Routes(__name__)


@bp.route("/api/participants", methods=["POST"])
def register():
    return respond(participants.register(json_object(bp.current_request)), 201)


@bp.route("/api/sessions", methods=["POST"])
def login():
    return respond(participants.login(json_object(bp.current_request)))


@bp.route("/api/me", methods=["GET"])
def me():
    principal = auth.require(bp.current_request.headers.get("authorization"), auth.PARTICIPANT, runtime.now_ms())
    return respond(participants.me(principal.subject))
