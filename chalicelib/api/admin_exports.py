"""Exports (organizers: any unit or the whole contest; coordinators: their unit's subtree)."""
from chalicelib.api import guard
from chalicelib.api.http import Routes, json_object, respond
from chalicelib.services import exports

bp = Routes(__name__)


@bp.route("/api/admin/exports", methods=["POST"])
def request_export():
    principal = guard.organizer(bp.current_request, "participants")
    body = json_object(bp.current_request)
    answer = exports.request(principal, body)
    guard.record(bp.current_request, principal, "export.create", f"export:{answer['export']['id']}", body)
    return respond(answer, 202)


@bp.route("/api/admin/exports/{export_id}", methods=["GET"])
def export_status(export_id):
    principal = guard.organizer(bp.current_request, "participants")
    return respond(exports.status(principal, export_id))
