"""Organizer paths: every one but the login needs an organizer token; every change is audited."""
from chalicelib import auth
from chalicelib.api import guard
from chalicelib.api.http import Routes, client, json_object, raw_body, respond, upload
from chalicelib.contest.tables import CSV_MIME, XLSX_MIME
from chalicelib.services import admin, standings

bp = Routes(__name__)
IMPORT_TYPES = ["application/json", CSV_MIME, XLSX_MIME]


def _organizer(action: str = "operate") -> auth.Principal:
    """The organizer asking, if their role may do `action` (contest/roles.py); 401/403 otherwise."""
    return guard.organizer(bp.current_request, action)


def _audit(principal: auth.Principal, action: str, target: str, details: dict | None = None) -> None:
    guard.record(bp.current_request, principal, action, target, details)


@bp.route("/api/admin/sessions", methods=["POST"])
def login():
    request = bp.current_request
    return respond(admin.login(json_object(request), client(request)))


@bp.route("/api/admin/units", methods=["PUT"], content_types=IMPORT_TYPES)
def import_units():
    principal = _organizer()
    answer = admin.import_units(upload(bp.current_request))
    _audit(principal, "units.import", "units", answer)
    return respond(answer)


@bp.route("/api/admin/rounds", methods=["POST"])
def create_round():
    principal = _organizer()
    body = json_object(bp.current_request)
    answer = admin.create_round(body)
    _audit(principal, "round.create", f"round:{answer['round']['id']}", body)
    return respond(answer, 201)


@bp.route("/api/admin/rounds/{round_id}", methods=["PUT"])
def update_round(round_id):
    principal = _organizer()
    body = json_object(bp.current_request)
    answer = admin.update_round(round_id, body)
    _audit(principal, "round.update", f"round:{round_id}", body)
    return respond(answer)


@bp.route("/api/admin/rounds/{round_id}/questions", methods=["PUT"], content_types=IMPORT_TYPES)
def import_questions(round_id):
    principal = _organizer()
    answer = admin.import_questions(upload(bp.current_request), round_id)
    _audit(principal, "round.questions", f"round:{round_id}", answer)
    return respond(answer)


@bp.route("/api/admin/rounds/{round_id}/close", methods=["POST"])
def close_round(round_id):
    principal = _organizer()
    raw_body(bp.current_request)  # no body is read, but an oversized one is refused like anywhere else (413)
    answer = admin.close_round(round_id)
    _audit(principal, "round.close", f"round:{round_id}")
    return respond(answer, 202)


@bp.route("/api/admin/rounds/{round_id}/results", methods=["GET"])
def results(round_id):
    _organizer("results")
    return respond(admin.results(round_id))


@bp.route("/api/admin/stats", methods=["GET"])
def stats():
    _organizer("dashboard")
    return respond(standings.stats(per_unit=True))
