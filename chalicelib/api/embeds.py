"""Embeds for unit websites: the live figures as an SVG banner and as JSON, open to every origin."""
from chalice import Response

from chalicelib import config
from chalicelib.api.http import Routes, respond
from chalicelib.services import embeds

bp = Routes(__name__)
EMBED_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}


def _figures() -> dict:
    request = bp.current_request
    query: dict = dict(request.query_params or {})
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or "localhost"
    site = config.current().public_url or f"https://{host}/"
    return embeds.figures(query.get("unit_id"), query.get("round_id"), site)


@bp.route("/api/embed/stats.svg", methods=["GET"])
def stats_svg():
    body = embeds.banner_svg(_figures())
    return Response(body=body, status_code=200,
                    headers={"Content-Type": "image/svg+xml; charset=utf-8", **EMBED_HEADERS})


@bp.route("/api/embed/stats.json", methods=["GET"])
def stats_json():
    response = respond(_figures())
    response.headers.update(EMBED_HEADERS)
    return response
