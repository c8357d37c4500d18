"""Logs carry no personal data: no phone number and no CCCD appears in anything the app writes."""
import io
import logging
import re

from chalicelib.observability import logger

PHONE_DIGITS = re.compile(r"(?<!\d)(0|84)?9\d{8}(?!\d)")  # a mobile number standing alone


def test_no_phone_or_cccd_in_logs(api, contest, capsys, caplog, monkeypatch):
    app_log = io.StringIO()  # the app's JSON logger writes to the stdout it found at import: read it here
    monkeypatch.setattr(logger.registered_handler, "stream", app_log)
    caplog.set_level(logging.INFO)  # the level the functions log at; libraries log requests only at DEBUG
    contest.open_round()
    token, participant = contest.register(id_number="044201000123")
    api.post("/api/participants", {"full_name": "Trùng Số", "phone": participant["phone"], "password": "mat-khau-123",
                                   "unit_id": "so-noi-vu", "category": "citizen", "id_number": "044201000123"})
    for _ in range(6):
        api.post("/api/sessions", {"phone": participant["phone"], "password": "sai-mat-khau"})
    attempt = contest.start(token)
    contest.submit(token, attempt, right=2)
    api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": {}, "prediction": 1}, token=token)
    written = capsys.readouterr()
    text = written.out + written.err + caplog.text + app_log.getvalue()
    assert participant["phone"][1:] not in text
    assert "044201000123" not in text
    assert not PHONE_DIGITS.search(text), PHONE_DIGITS.search(text)
