"""Organizer paths for the contest itself: settings, pages, announcements, deleting a unit. Every change is audited."""
from chalice import Response

from chalicelib.api import guard
from chalicelib.api.http import Routes, json_object, raw_body, respond
from chalicelib.services import contest_admin, pages

bp = Routes(__name__)


def _deleted(delete, key: str, action: str, target: str) -> Response:
    """An organizer's DELETE: no body is read (an oversized one is still refused, 413); 204 once done."""
    principal = guard.organizer(bp.current_request)
    raw_body(bp.current_request)
    delete(key)
    guard.record(bp.current_request, principal, action, target)
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})


@bp.route("/api/admin/contest", methods=["GET"])
def contest_settings():
    guard.organizer(bp.current_request)
    return respond(contest_admin.contest_settings())


@bp.route("/api/admin/contest", methods=["PUT"])
def update_contest():
    principal = guard.organizer(bp.current_request)
    body = json_object(bp.current_request)
    answer = contest_admin.update_contest(body)
    guard.record(bp.current_request, principal, "contest.update", "contest", body)
    return respond(answer)


@bp.route("/api/admin/pages/{slug}", methods=["PUT"])
def put_page(slug):
    principal = guard.organizer(bp.current_request)
    body = json_object(bp.current_request)
    answer = pages.put_page(slug, body)
    guard.record(bp.current_request, principal, "page.write", f"page:{slug}", {"title": body.get("title")})
    return respond(answer)


@bp.route("/api/admin/previews", methods=["POST"])
def preview():
    guard.organizer(bp.current_request)
    return respond(pages.preview(json_object(bp.current_request)))


@bp.route("/api/admin/announcements", methods=["POST"])
def post_announcement():
    principal = guard.organizer(bp.current_request)
    body = json_object(bp.current_request)
    answer = pages.post_announcement(body)
    guard.record(bp.current_request, principal, "announcement.create",
                 f"announcement:{answer['announcement']['id']}", {"title": body.get("title")})
    return respond(answer, 201)


@bp.route("/api/admin/announcements/{announcement_id}", methods=["DELETE"])
def delete_announcement(announcement_id):
    return _deleted(pages.delete_announcement, announcement_id, "announcement.delete",
                    f"announcement:{announcement_id}")


@bp.route("/api/admin/units/{unit_id}", methods=["DELETE"])
def delete_unit(unit_id):
    return _deleted(contest_admin.delete_unit, unit_id, "unit.delete", f"unit:{unit_id}")
