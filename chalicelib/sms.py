"""Sending SMS: one interface, two senders. In the cloud, Amazon SNS (transactional SMS to the phone in E.164,
with the registered sender ID and a per-message price cap when configured; the account's monthly spending limit
is the real cap, see the README). Locally and in tests (SMS_OUTBOX set), each message is appended to that file
as one JSON line in the contract's format and logged, so the launcher shows it and tests read it."""
from __future__ import annotations

import json
import logging
import os
import threading
from typing import Protocol

from chalicelib import config
from chalicelib.contest.records import Struct, asdict
from chalicelib.store.cache import remembered


class Sms(Struct, frozen=True):
    to: str             # the national form, 0xxxxxxxxx
    text: str
    code: str
    purpose: str
    at: str             # ISO 8601


class Sender(Protocol):
    def send(self, sms: Sms) -> None: ...


def e164(phone: str) -> str:
    """0912345678 → +84912345678."""
    return "+84" + phone[1:]


class SnsSender:
    def __init__(self, settings: config.Config) -> None:
        import boto3

        self._client = boto3.client("sns", region_name=settings.region)
        self._attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if settings.sms_sender_id:
            self._attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": settings.sms_sender_id}
        if settings.sms_max_price_usd:
            self._attributes["AWS.SNS.SMS.MaxPrice"] = {"DataType": "Number", "StringValue": settings.sms_max_price_usd}

    def send(self, sms: Sms) -> None:
        self._client.publish(PhoneNumber=e164(sms.to), Message=sms.text, MessageAttributes=self._attributes)


class OutboxSender:
    """Appends every SMS to a JSON-lines file (the local stack's .local/sms.jsonl) and logs it."""

    _lock = threading.Lock()

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, sms: Sms) -> None:
        line = json.dumps(asdict(sms), ensure_ascii=False)
        with self._lock:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(line + "\n")
        logging.getLogger("sms.outbox").info("SMS to %s: %s", sms.to, sms.text)


@remembered(maxsize=1)
def sender() -> Sender:
    settings = config.current()
    return OutboxSender(settings.sms_outbox) if settings.sms_outbox else SnsSender(settings)
