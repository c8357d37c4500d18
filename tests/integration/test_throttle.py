"""The login throttle under real parallel requests, over HTTP on DynamoDB Local: every try is counted before the
password is checked, so 40 simultaneous wrong passwords for one phone reach scrypt at most 5 times; the owner
then logs in with an SMS code at once. And the local server answers malformed requests in the error shape."""
from __future__ import annotations

import hashlib
import json
import socket
import threading

from tests.integration.conftest import together


def test_forty_parallel_wrong_passwords_cause_at_most_five_password_checks(api, contest, monkeypatch,
                                                                           sms_outbox):
    _, participant = contest.register()
    phone = participant["phone"]
    checks = []
    real = hashlib.scrypt
    lock = threading.Lock()

    def counted(*args, **kwargs):
        with lock:
            checks.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    replies = together(40, lambda i: api.post("/api/sessions", {"phone": phone, "password": f"sai-{i}"}))
    statuses = sorted(reply.status for reply in replies)
    print(f"\n40 parallel wrong passwords: {len(checks)} password checks, {statuses.count(429)} refused 429")
    assert len(checks) <= 5, f"{len(checks)} password checks"
    assert statuses.count(401) == len(checks) and statuses.count(429) == 40 - len(checks), statuses
    assert all(reply.code in ("bad_credentials", "too_many_attempts") for reply in replies)
    assert all(int(reply.headers["retry-after"]) >= 1 for reply in replies if reply.status == 429)
    # the owner is not locked out: a code login goes through at once
    assert api.post("/api/verifications", {"phone": phone, "purpose": "login"}).status == 202
    logged_in = api.post("/api/sessions", {"phone": phone, "code": sms_outbox.code(phone, "login")})
    assert logged_in.status == 200, logged_in.text


def raw_request(url: str, head: bytes) -> tuple[int, dict]:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    body = rest.split(b"\r\n\r\n", 1)[1]
    return int(status_line.split()[1]), json.loads(body)


def test_the_local_server_answers_a_malformed_content_length_in_the_error_shape(server):
    for length, status, code in ((b"abc", 400, "bad_request"), (b"99999999999", 413, "payload_too_large"),
                                 (b"-5", 400, "bad_request"), (b"1e3", 400, "bad_request")):
        answer = raw_request(server, b"POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                                     b"\r\nContent-Length: " + length + b"\r\n\r\n{}")
        assert answer[0] == status and answer[1]["error"]["code"] == code, (length, answer)
        assert answer[1]["error"]["message"]
