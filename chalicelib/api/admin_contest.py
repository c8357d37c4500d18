"""Organizer paths for the contest itself: settings, pages, announcements, deleting a unit."""
from chalice import Response

from chalicelib.api.access import organizer
from chalicelib.api.http import Routes, json_object, raw_body, respond
from chalicelib.services import contest_admin, pages

bp = Routes(__name__)


def _deleted(delete, key: str) -> Response:
    """An organizer's DELETE: no body is read (an oversized one is still refused, 413); 204 once done."""
    organizer(bp.current_request)
    raw_body(bp.current_request)
    delete(key)
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})


@bp.route("/api/admin/contest", methods=["GET"])
def contest_settings():
    organizer(bp.current_request)
    return respond(contest_admin.contest_settings())


@bp.route("/api/admin/contest", methods=["PUT"])
def update_contest():
    organizer(bp.current_request)
    return respond(contest_admin.update_contest(json_object(bp.current_request)))


@bp.route("/api/admin/pages/{slug}", methods=["PUT"])
def put_page(slug):
    organizer(bp.current_request)
    return respond(pages.put_page(slug, json_object(bp.current_request)))


@bp.route("/api/admin/previews", methods=["POST"])
def preview():
    organizer(bp.current_request)
    return respond(pages.preview(json_object(bp.current_request)))


@bp.route("/api/admin/announcements", methods=["POST"])
def post_announcement():
    organizer(bp.current_request)
    return respond(pages.post_announcement(json_object(bp.current_request)), 201)


@bp.route("/api/admin/announcements/{announcement_id}", methods=["DELETE"])
def delete_announcement(announcement_id):
    return _deleted(pages.delete_announcement, announcement_id)


@bp.route("/api/admin/units/{unit_id}", methods=["DELETE"])
def delete_unit(unit_id):
    return _deleted(contest_admin.delete_unit, unit_id)
