"""Organizer paths: every one but the login needs an organizer token."""
from chalicelib import auth, runtime
from chalicelib.api.http import Routes, client, json_object, raw_body, respond, upload
from chalicelib.contest.tables import CSV_MIME, XLSX_MIME
from chalicelib.services import access, admin, standings

bp = Routes(__name__)
IMPORT_TYPES = ["application/json", CSV_MIME, XLSX_MIME]


def _organizer(action: str = "operate") -> auth.Principal:
    """The organizer asking, if their role may do `action` (contest/roles.py); 401/403 otherwise."""
    principal = auth.require(bp.current_request.headers.get("authorization"), auth.ORGANIZER, runtime.now_ms())
    return access.check(principal, action)


@bp.route("/api/admin/sessions", methods=["POST"])
def login():
    request = bp.current_request
    return respond(admin.login(json_object(request), client(request)))


@bp.route("/api/admin/units", methods=["PUT"], content_types=IMPORT_TYPES)
def import_units():
    _organizer()
    return respond(admin.import_units(upload(bp.current_request)))


@bp.route("/api/admin/rounds", methods=["POST"])
def create_round():
    _organizer()
    return respond(admin.create_round(json_object(bp.current_request)), 201)


@bp.route("/api/admin/rounds/{round_id}", methods=["PUT"])
def update_round(round_id):
    _organizer()
    return respond(admin.update_round(round_id, json_object(bp.current_request)))


@bp.route("/api/admin/rounds/{round_id}/questions", methods=["PUT"], content_types=IMPORT_TYPES)
def import_questions(round_id):
    _organizer()
    return respond(admin.import_questions(upload(bp.current_request), round_id))


@bp.route("/api/admin/rounds/{round_id}/close", methods=["POST"])
def close_round(round_id):
    _organizer()
    raw_body(bp.current_request)  # no body is read, but an oversized one is refused like anywhere else (413)
    return respond(admin.close_round(round_id), 202)


@bp.route("/api/admin/rounds/{round_id}/results", methods=["GET"])
def results(round_id):
    _organizer("results")
    return respond(admin.results(round_id))


@bp.route("/api/admin/stats", methods=["GET"])
def stats():
    _organizer("dashboard")
    return respond(standings.stats(per_unit=True))
