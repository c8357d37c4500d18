"""Public read paths of the contest."""
from chalicelib.api.http import Routes, respond
from chalicelib.services import contest as contest_service
from chalicelib.services import standings

bp = Routes(__name__)


@bp.route("/api/health", methods=["GET"])
def health():
    return respond({"status": "ok"})


@bp.route("/api/contest", methods=["GET"])
def contest():
    return respond(contest_service.overview())


@bp.route("/api/units", methods=["GET"])
def units():
    return respond(contest_service.units())


@bp.route("/api/stats", methods=["GET"])
def stats():
    return respond(standings.stats())


@bp.route("/api/rounds/{round_id}/leaderboard", methods=["GET"])
def leaderboard(round_id):
    return respond(standings.leaderboard(round_id, bp.current_request.query_params or {}))


@bp.route("/api/rounds/{round_id}/units", methods=["GET"])
def unit_table(round_id):
    return respond(standings.unit_table(round_id))
