"""The API behind a Lambda function URL: CloudFront's origin (infra/template/cdn.py), so that a request pays no
API Gateway fee. A function URL hands the function an HTTP API (payload 2.0) event; Chalice routes REST API
proxy events by their resource path (`/api/attempts/{attempt_id}`). `RestEvents` matches the request's path
against the app's routes the way API Gateway does (a literal segment before a `{capture}`), builds the REST event
Chalice reads and turns Chalice's answer into the function URL's (one value a header; cookies apart).

Who may call: CloudFront adds the origin secret (`x-origin-verify`) to every request it forwards; a request
without it (someone calling the URL directly, around the cache) is refused with 403. The client's address is the
last one in `X-Forwarded-For`, the one CloudFront appended (the function URL's own source is CloudFront's edge);
without an origin secret configured (local runs, tests) it is the URL's source address."""
from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

from chalicelib import errors
from chalicelib.api.http import refused

VERIFY_HEADER = "x-origin-verify"


class RestEvents:
    """Function URL events as Chalice's REST events, for one app's routes."""

    def __init__(self, paths: Iterable[str]) -> None:
        # sorted, a literal segment comes before a capture at the same place ('{' sorts after every letter)
        self._routes = [(path, path.split("/")) for path in sorted(paths)]

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The route a concrete path stands for, and its captured parameters (decoded)."""
        if path != "/" and path.endswith("/"):
            path = path[:-1]
        parts = path.split("/")
        for route, pattern in self._routes:
            if len(pattern) != len(parts):
                continue
            captured = {}
            for want, got in zip(pattern, parts, strict=True):
                if want.startswith("{") and want.endswith("}"):
                    if not got:
                        break
                    captured[want[1:-1]] = unquote(got)
                elif want != got:
                    break
            else:
                return route, captured
        return None

    def rest_event(self, event: dict, secret: str | None) -> dict | None:
        """The REST proxy event of a function URL event; None when no route has its path."""
        http = event["requestContext"]["http"]
        found = self.match(event.get("rawPath") or http.get("path") or "/")
        if found is None:
            return None
        route, parameters = found
        headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()
                   if name.lower() != VERIFY_HEADER}
        if event.get("cookies"):
            headers["cookie"] = "; ".join(event["cookies"])
        query = parse_qs(event.get("rawQueryString") or "", keep_blank_values=True)
        return {
            "resource": route, "path": http.get("path"), "httpMethod": http["method"], "headers": headers,
            "multiValueQueryStringParameters": query or None, "pathParameters": parameters or None,
            "stageVariables": None, "body": event.get("body"), "isBase64Encoded": event.get("isBase64Encoded", False),
            "requestContext": {"resourcePath": route, "httpMethod": http["method"], "path": http.get("path"),
                               "requestId": event["requestContext"].get("requestId"),
                               "identity": {"sourceIp": _client_address(event, headers, secret)}},
        }



def trusted(event: dict, secret: str | None) -> bool:
    """Whether the request came through CloudFront (any request does while no secret is configured)."""
    if secret is None:
        return True
    given = (event.get("headers") or {}).get(VERIFY_HEADER, "")
    return hmac.compare_digest(given.encode(), secret.encode())


def _client_address(event: dict, headers: dict[str, str], secret: str | None) -> str | None:
    forwarded = [part.strip() for part in headers.get("x-forwarded-for", "").split(",") if part.strip()]
    if secret is not None and forwarded:
        return forwarded[-1]
    return event["requestContext"]["http"].get("sourceIp")


def url_response(answer: dict) -> dict:
    """Chalice's REST answer as a function URL's: multi-valued headers joined, Set-Cookie as `cookies`."""
    headers = dict(answer.get("headers") or {})
    cookies: list[str] = []
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        if name.lower() == "set-cookie":
            cookies += values
        else:
            headers[name] = ", ".join(str(value) for value in values)
    out: dict[str, Any] = {"statusCode": answer["statusCode"], "headers": headers, "body": answer.get("body", ""),
                           "isBase64Encoded": answer.get("isBase64Encoded", False)}
    if cookies:
        out["cookies"] = cookies
    return out


def handle(app, events: RestEvents, event: dict, context: Any, secret: str | None) -> dict:
    """One function URL request through the Chalice app; `secret`: the origin secret, if one is configured."""
    if not trusted(event, secret):
        refusal: errors.Refusal = errors.Forbidden("forbidden", "Yêu cầu phải đi qua địa chỉ chính thức của trang.")
        return url_response(refused(refusal).to_dict())
    rest = events.rest_event(event, secret)
    if rest is None:
        return url_response(refused(errors.not_found()).to_dict())
    return url_response(app(rest, context))
