"""Start-up speed for the in-process servers of the local stack and the tests.

PynamoDB makes a botocore session per model connection and thread; each new session parses botocore's
service JSON again. A threaded local server (a thread per request) facing a burst would parse it dozens of
times at once (seconds of CPU). One shared loader parses it once per process. Lambda is unaffected: it runs
one request at a time per process and never imports this module.
"""
from __future__ import annotations

import botocore.loaders
import botocore.session

_shared = None


def share_botocore_loader() -> None:
    global _shared
    if _shared is None:
        _shared = botocore.loaders.create_loader()
        botocore.session.create_loader = lambda *args, **kwargs: _shared
