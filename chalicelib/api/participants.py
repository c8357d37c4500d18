"""Registration, login and the participant's own view."""
from chalice import Response

from chalicelib.api.http import NOSNIFF, Routes, client, json_object, participant, respond
from chalicelib.services import accounts, participants
from chalicelib.services import own_certificate as own_certificate_service
from chalicelib.services import own_standing as own_standing_service

bp = Routes(__name__)


@bp.route("/api/participants", methods=["POST"])
def register():
    return respond(participants.register(json_object(bp.current_request)), 201)


@bp.route("/api/sessions", methods=["POST"])
def login():
    request = bp.current_request
    return respond(accounts.login(json_object(request), client(request)))


@bp.route("/api/me", methods=["GET"])
def me():
    return respond(participants.me(participant(bp.current_request)))


@bp.route("/api/me/rounds/{round_id}/standing", methods=["GET"])
def own_standing(round_id):
    return respond(own_standing_service.own_standing(participant(bp.current_request), round_id))


@bp.route("/api/me/rounds/{round_id}/certificate", methods=["GET"])
def own_certificate(round_id):
    pdf = own_certificate_service.certificate(participant(bp.current_request), round_id)
    return Response(body=pdf, status_code=200, headers={
        "Content-Type": "application/pdf", "Cache-Control": "private, no-store", **NOSNIFF,
        "Content-Disposition": f'attachment; filename="giay-chung-nhan-{round_id}.pdf"'})
