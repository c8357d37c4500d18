"""Public read paths of the contest."""
from chalice import Blueprint

from chalicelib import config, runtime
from chalicelib.api.http import respond
from chalicelib.services import standings
from chalicelib.services.views import round_view, unit_view
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store

bp = Blueprint(__name__)


@bp.route("/api/health", methods=["GET"])
def health():
    return respond({"status": "ok"})


@bp.route("/api/contest", methods=["GET"])
def contest():
    settings = config.current()
    now = runtime.now_ms()
    return respond({
        "name": settings.contest_name, "description": settings.contest_description,
        "timezone": settings.contest_timezone,
        "targets": {"official_rate": settings.target_official_rate, "citizen_rate": settings.target_citizen_rate},
        "rounds": [round_view(r, now) for r in round_store.list_rounds()],
    })


@bp.route("/api/units", methods=["GET"])
def units():
    return respond({"units": [unit_view(u) for u in unit_store.list_units()]})


@bp.route("/api/stats", methods=["GET"])
def stats():
    return respond(standings.stats())


@bp.route("/api/rounds/{round_id}/leaderboard", methods=["GET"])
def leaderboard(round_id):
    return respond(standings.leaderboard(round_id, bp.current_request.query_params or {}))


@bp.route("/api/rounds/{round_id}/units", methods=["GET"])
def unit_table(round_id):
    return respond(standings.unit_table(round_id))
