"""The web pages (participants at /, organizers at /admin) and a few static files, served by the app itself (no CDN)."""
from __future__ import annotations

import os
import re

from chalice import Response

from chalicelib import errors
from chalicelib.api.http import Routes

bp = Routes(__name__)

WEB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "web")
STATIC_DIR = os.path.join(WEB_DIR, "static")

# Text files only (served as UTF-8 strings, so API Gateway needs no binary media types).
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.([a-z0-9]+)$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
}


def _file(path: str, content_type: str, cache: str) -> Response:
    try:
        with open(path, encoding="utf-8") as handle:
            body = handle.read()
    except (FileNotFoundError, IsADirectoryError):
        raise errors.not_found() from None
    return Response(body=body, status_code=200,
                    headers={"Content-Type": content_type, "Cache-Control": cache, **SECURITY_HEADERS})


def static_path(name: str) -> tuple[str, str] | None:
    """The file and content type for a static name, or None when the name is not a safe, known file name."""
    match = SAFE_NAME.match(name or "")
    if not match or ".." in name or match.group(2) not in CONTENT_TYPES:
        return None
    path = os.path.realpath(os.path.join(STATIC_DIR, name))
    if os.path.dirname(path) != os.path.realpath(STATIC_DIR):
        return None
    return path, CONTENT_TYPES[match.group(2)]


@bp.route("/", methods=["GET"])
def index():
    return _file(os.path.join(WEB_DIR, "index.html"), CONTENT_TYPES["html"], "no-cache")


@bp.route("/admin", methods=["GET"])
def admin():
    """The organizers' pages: a separate small page and bundle, so the participant pages stay light."""
    return _file(os.path.join(WEB_DIR, "admin.html"), CONTENT_TYPES["html"], "no-cache")


@bp.route("/static/{name}", methods=["GET"])
def static(name):
    found = static_path(name)
    if found is None:
        raise errors.not_found()
    return _file(found[0], found[1], "public, max-age=300")
