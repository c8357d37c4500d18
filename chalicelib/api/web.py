"""The web pages (participants at /, organizers at /admin) and their static files, served by the app itself.

Everything is read once, on the first request (not at import: a cold start of a function that never serves a
page skips it): each static file gets a hash of its content, and the pages refer to it as
`/static/<stem>.<hash>.<ext>`, a name that is cached for good (`immutable`); the plain `/static/<name>` keeps
working with a short cache for pages loaded before a deploy. No build step: the hashes are computed here.

A body is gzip-compressed when the request's Accept-Encoding allows it. A compressed body is bytes, which a
Lambda proxy response carries as base64 with `isBase64Encoded` (`Compressed.to_dict`); Chalice's local server and
its test client decode it, and so does API Gateway when the API's binary media types cover the request's first
Accept type, which for the scripts a browser loads is `*/*` (the API's `binaryMediaTypes` must hold `*/*`).
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
from functools import cache

from chalice import Response

from chalicelib import errors
from chalicelib.api.http import Routes
from chalicelib.contest.records import Struct

bp = Routes(__name__)

WEB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "web")
STATIC_DIR = os.path.join(WEB_DIR, "static")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
PAGE_CACHE = "no-cache"                                    # revalidated every time (ETag), so a deploy shows at once
HASHED_CACHE = "public, max-age=31536000, immutable"       # the name changes with the content
PLAIN_CACHE = "public, max-age=300"
HASH_LENGTH = 10
HASHED_NAME = re.compile(r"^(?P<stem>[A-Za-z0-9][A-Za-z0-9_-]*)\.(?P<hash>[0-9a-f]{%d})\.(?P<ext>[a-z0-9]+)$"
                         % HASH_LENGTH)
STATIC_REFERENCE = re.compile(r"/static/([A-Za-z0-9][A-Za-z0-9_.-]*)")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
}


class Asset(Struct, frozen=True):
    body: bytes
    gzipped: bytes
    content_type: str
    digest: str

    @classmethod
    def of(cls, body: bytes, extension: str) -> Asset:
        return cls(body, gzip.compress(body, compresslevel=9, mtime=0), CONTENT_TYPES[extension],
                   hashlib.sha256(body).hexdigest()[:HASH_LENGTH])

    def hashed_name(self, name: str) -> str:
        stem, extension = name.rsplit(".", 1)
        return f"{stem}.{self.digest}.{extension}"


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def load_static(folder: str = STATIC_DIR) -> dict[str, Asset]:
    """Every file of the static folder with a known extension, by its plain name (subfolders are not served)."""
    assets = {}
    for name in sorted(os.listdir(folder)):
        extension = name.rsplit(".", 1)[-1] if "." in name else ""
        if extension in CONTENT_TYPES and not name.startswith(".") and os.path.isfile(os.path.join(folder, name)):
            assets[name] = Asset.of(_read(os.path.join(folder, name)), extension)
    return assets


def load_page(path: str, assets: dict[str, Asset]) -> Asset:
    """An HTML page whose references to static files carry their content hashes."""
    def hashed(match: re.Match) -> str:
        name = match.group(1)
        return "/static/" + assets[name].hashed_name(name) if name in assets else match.group(0)
    html = STATIC_REFERENCE.sub(hashed, _read(path).decode("utf-8"))
    return Asset.of(html.encode("utf-8"), "html")


@cache
def assets() -> dict[str, Asset]:
    """The static files, read and hashed once per process."""
    return load_static()


@cache
def page(name: str) -> Asset:
    return load_page(os.path.join(WEB_DIR, f"{name}.html"), assets())


def static_url(name: str) -> str:
    """The cached-for-good address of a static file (what the pages refer to)."""
    return "/static/" + assets()[name].hashed_name(name)


def find_static(name: str) -> tuple[Asset, bool] | None:
    """The static file a requested name stands for, and whether the name carries its current hash."""
    if name in assets():
        return assets()[name], False
    match = HASHED_NAME.match(name or "")
    if match is None:
        return None
    asset = assets().get(f"{match['stem']}.{match['ext']}")
    if asset is None:
        return None
    # An older hash (a page from before a deploy) still gets the current file, but not for good.
    return asset, match["hash"] == asset.digest


class Compressed(Response):
    """A gzip body, handed to Lambda's proxy integration as base64 text with isBase64Encoded."""

    def to_dict(self, binary_types=None):
        response = super().to_dict()
        response["body"] = base64.b64encode(self.body).decode("ascii")
        response["isBase64Encoded"] = True
        return response


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip: named (or `*`) with a q-value above zero."""
    allowed: dict[str, bool] = {}
    for part in (header or "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding.strip():
            allowed[coding.strip()] = quality > 0
    return allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", False)))


def _send(asset: Asset, cache: str) -> Response:
    request = bp.current_request
    headers = request.headers if request is not None else {}
    etag = f'"{asset.digest}"'
    common: dict[str, str | list[str]] = {"Cache-Control": cache, "ETag": etag, "Vary": "Accept-Encoding",
                                          **SECURITY_HEADERS}
    if etag in [tag.strip() for tag in (headers.get("if-none-match") or "").split(",")]:
        return Response(body="", status_code=304, headers=common)
    if accepts_gzip(headers.get("accept-encoding")):
        return Compressed(body=asset.gzipped, status_code=200,
                          headers={"Content-Type": asset.content_type, "Content-Encoding": "gzip", **common})
    return Response(body=asset.body.decode("utf-8"), status_code=200,
                    headers={"Content-Type": asset.content_type, **common})


@bp.route("/", methods=["GET"])
def index():
    return _send(page("index"), PAGE_CACHE)


@bp.route("/admin", methods=["GET"])
def admin():
    """The organizers' pages: a separate small page and bundle, so the participant pages stay light."""
    return _send(page("admin"), PAGE_CACHE)


@bp.route("/static/{name}", methods=["GET"])
def static(name):
    found = find_static(name)
    if found is None:
        raise errors.not_found()
    asset, current = found
    return _send(asset, HASHED_CACHE if current else PLAIN_CACHE)
