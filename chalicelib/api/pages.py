"""Public paths of what organizers publish: the contest's pages, announcements and a round's prize list."""
from chalicelib.api.http import Routes, respond
from chalicelib.services import pages, publication

bp = Routes(__name__)


@bp.route("/api/pages/{slug}", methods=["GET"])
def page(slug):
    return respond(pages.get_page(slug))


@bp.route("/api/announcements", methods=["GET"])
def announcements():
    return respond(pages.announcements())


@bp.route("/api/rounds/{round_id}/prizes", methods=["GET"])
def prizes(round_id):
    return respond(publication.prizes(round_id))
