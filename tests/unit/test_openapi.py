"""docs/openapi.yaml is valid OpenAPI 3.1 and kept in step with the app: the same routes, every error code."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "openapi.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

# How the code names an error code (chalicelib/errors.py has the helpers; the rest call them).
CODE_PATTERNS = [
    re.compile(r"\bconflict\(\s*\"([a-z_]+)\""),             # errors.conflict("round_exists", ...)
    re.compile(r"\bnot_found\(\s*\"([a-z_]+)\""),            # errors.not_found("round_not_found", ...)
    # errors.TooLarge("payload_too_large", ...) and the other kinds of refusal
    re.compile(r"\b(?:Invalid|Unauthorized|Forbidden|NotFound|Conflict|TooLarge|Unsupported|TooMany|Busy)"
               r"\(\s*\"([a-z_]+)\""),
    re.compile(r"\berrors\.(invalid|unauthorized|forbidden)\("),
    re.compile(r"\berrors\.(not_found)\(\s*\)"),             # the default code
    re.compile(r"\bcode = \"([a-z_]+)\""),                   # chalicelib/api/errors.py: internal_error
]


@lru_cache(maxsize=1)
def spec() -> dict:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def operations():
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def code_strings_in_source() -> set[str]:
    codes: set[str] = set()
    for source in (ROOT / "chalicelib").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for pattern in CODE_PATTERNS:
            codes.update(pattern.findall(text))
    from chalicelib.api.errors import _CHALICE_CODES  # the framework's refusals, renamed by the middleware

    return codes | set(_CHALICE_CODES.values())


def documented_codes() -> set[str]:
    """Codes a response schema names (error.code const/enum), plus those the overview lists for every path."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            code = node.get("properties", {}).get("error", {}).get("properties", {}).get("code", {})
            if isinstance(code, dict):
                found.update([code["const"]] if "const" in code else code.get("enum", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec())
    every_path = spec()["info"]["description"].split("**Errors every path can give**", 1)[1]
    found.update(re.findall(r"[0-9]{3} `([a-z_]+)`", every_path))
    return found


def test_the_file_is_valid_openapi_3_1():
    assert spec()["openapi"].startswith("3.1.")
    validate(spec())


def test_every_route_of_the_app_is_documented_and_nothing_else():
    from app import app

    routes = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    documented = {(path, method) for path, method, _ in operations()}
    assert routes - documented == set(), "routes missing from docs/openapi.yaml"
    assert documented - routes == set(), "docs/openapi.yaml documents routes the app does not have"


def test_every_error_code_the_code_can_return_is_documented():
    codes = code_strings_in_source()
    # the scan itself must keep working: these are known to exist
    assert {"invalid", "unauthorized", "forbidden", "not_found", "round_not_found", "attempt_not_found",
            "phone_taken", "round_exists", "payload_too_large", "unsupported_media_type", "too_many_attempts",
            "attempt_conflict", "internal_error", "method_not_allowed"} <= codes
    assert codes - documented_codes() == set(), "error codes missing from docs/openapi.yaml"


def test_operations_document_auth_and_body_refusals():
    for path, method, operation in operations():
        responses = operation["responses"]
        assert any(status.startswith("2") for status in responses), (method, path)
        if operation.get("security", spec().get("security")):
            assert {"401", "403"} <= set(responses), (method, path)
        if method in ("post", "put"):
            assert {"413", "415"} <= set(responses), (method, path)
        if "requestBody" in operation:
            assert "400" in responses, (method, path)
