"""A fuzz run of every documented operation (schemathesis against docs/openapi.yaml): the app served by the local
stack's own server over DynamoDB Local, with a participant's and an organizer's token, valid and invalid inputs
generated from the schema. No answer may be a 5xx, and every refusal is the contract's error shape. Bounded:
FUZZ_EXAMPLES (default 15) examples per operation, about two minutes on the development machine."""
from __future__ import annotations

import itertools
import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from local.settings import ROOT
from tests.support import Api, UrlHttp, iso, organizer_contest

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
_prefixes = itertools.count(1)


@pytest.fixture(scope="module")
def target(dynamodb_local):
    """The app on a free port over tables of this module's own, with a contest to act on, and tokens."""
    from app import app
    from chalicelib import config, runtime
    from local.api import ApiServer
    from tests.localstack import bind_local_store
    from tests.support import Clock

    saved = {name: os.environ.get(name) for name in ("DYNAMODB_ENDPOINT", "TABLE_PREFIX")}
    bind_local_store(dynamodb_local, f"fz{os.getpid()}x{next(_prefixes)}-")
    try:
        with ApiServer(app, 0) as server:
            api = Api(UrlHttp(server.url))
            clock = Clock(runtime.now_ms())
            contest = organizer_contest(api, clock)
            contest.add_round("dot-1", opens_in=60_000, n_questions=8)
            api.put("/api/admin/rounds/dot-1", {"opens_at": iso(runtime.now_ms())}, token=contest.admin)
            participant, _ = contest.register()
            leaving, _ = contest.register("Trần Thị Bình")
            yield {"url": server.url, "admin": contest.admin, "participant": participant, "leaving": leaving}
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
        config.current.cache_clear()


schema = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.yaml")


def token_for(method: str, path: str, target: dict) -> str:
    if path.startswith("/api/admin/"):
        return target["admin"]
    # logging out ends the account's tokens: a second participant of its own keeps the first one's alive
    return target["leaving"] if (method, path) == ("DELETE", "/api/sessions/current") else target["participant"]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_documented_operation_answers_a_server_error(case, target):
    headers = {"Authorization": f"Bearer {token_for(case.method, case.path, target)}", **(case.headers or {})}
    response = case.call(base_url=target["url"], headers=headers, timeout=30)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} " \
                                        f"{response.content[:300]!r}"
    if response.status_code >= 400 and case.path.startswith("/api/"):
        error = json.loads(response.content)["error"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", error["code"]) and error["message"], error
