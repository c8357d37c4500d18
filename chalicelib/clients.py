"""Who sends a request, as far as a server can tell: the client's address (API Gateway's source IP; locally the
socket's) and the random device id the pages keep and send as `X-Device-Id`. The api reads them once per
request; the services use them for throttles, signals and the audit log."""
from __future__ import annotations

import re

from chalicelib.contest.records import Struct

DEVICE_HEADER = "x-device-id"
_DEVICE = re.compile(r"[A-Za-z0-9_-]{8,64}")


class Client(Struct, frozen=True):
    address: str | None = None
    device: str | None = None       # None when the header is missing or not a plausible id


def client_of(source_ip: object, device_header: object) -> Client:
    address = source_ip if isinstance(source_ip, str) and 0 < len(source_ip) <= 64 else None
    device = device_header if isinstance(device_header, str) and _DEVICE.fullmatch(device_header) else None
    return Client(address, device)
