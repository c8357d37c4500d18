"""The API and web pages: the app object served by Chalice's own local server (what `chalice local` runs),
in a thread of the launcher, on the loopback address. Requests are handled in threads; Chalice's local app
class keeps `current_request` per thread.

Two things differ from `chalice local`, both where API Gateway differs from it: the app sees the client's real
socket address as its source IP (Chalice's local server says 127.0.0.1 for everyone, which would make every
client one for the throttles), and a request whose Content-Length is not a number, or larger than any path
accepts, is answered in the contract's error shape (400 / 413) without its body being read."""
from __future__ import annotations

import errno
import json
import logging
import threading

from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer

from local.processes import PortInUse
from local.settings import HOST, ROOT

log = logging.getLogger("local.api")
# The largest body any path accepts (an import, 1 MiB) with room for multipart overhead: beyond it, 413 unread.
MAX_BODY = 2 * 1024 * 1024


def chalice_config(stage: str = "local"):
    """The stage's Chalice configuration from .chalice/config.json (what `chalice local --stage` reads)."""
    from chalice.cli.factory import CLIFactory
    from chalice.config import Config

    try:
        return CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name=stage)
    except RuntimeError:
        return Config.create(chalice_stage=stage)


class LocalRequestHandler(ChaliceRequestHandler):
    """Chalice's request handler with the client's socket address and a checked Content-Length."""

    def _generic_handle(self) -> None:
        refusal = self._length_refusal(self.headers.get("content-length", "0"))
        if refusal is not None:
            self._refuse(*refusal)
            return
        self.local_gateway.event_converter.LOCAL_SOURCE_IP = self.client_address[0]  # this handler's own
        super()._generic_handle()

    def _refuse(self, status: int, code: str, message: str) -> None:
        self.close_connection = True     # the body (if any) was not read: the connection cannot go on
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
        self._send_http_response(status, {"Content-Type": "application/json; charset=utf-8",
                                          "X-Content-Type-Options": "nosniff", "Connection": "close"}, body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server refuses before the app sees the request (a method it has no handler for, a request
        line or headers it cannot read), in the contract's shape rather than an HTML page."""
        if code == 501:
            self._refuse(405, "method_not_allowed", "Phương thức không được hỗ trợ.")
        else:
            self._refuse(code, "bad_request", "Yêu cầu không hợp lệ.")

    @staticmethod
    def _length_refusal(value: str) -> tuple[int, str, str] | None:
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            return 400, "bad_request", "Yêu cầu không hợp lệ: Content-Length không phải là số."
        if int(text) > MAX_BODY:
            return 413, "payload_too_large", "Dữ liệu gửi lên vượt quá giới hạn cho phép."
        return None

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle


def create_server(app, config, host: str, port: int) -> LocalDevServer:
    """chalice.local.create_local_server, with LocalRequestHandler."""
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=LocalRequestHandler)


class ApiServer:
    def __init__(self, app, port: int = 0, stage: str = "local", what: str = "API and pages",
                 variable: str = "") -> None:
        self.app = app
        self._app_class = app.__class__        # create_server swaps it for a thread-safe local one
        try:
            self.server = create_server(app, chalice_config(stage), HOST, port)
        except OSError as error:
            app.__class__ = self._app_class
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(port, what, variable) from None
            raise
        self.server.server.socket.listen(128)  # a deeper accept queue than http.server's 5, for bursts
        self.port = self.server.server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> ApiServer:
        self._thread = threading.Thread(target=self.server.server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="api-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(10)
            self._thread = None
        self.server.server.server_close()
        self.app.__class__ = self._app_class

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
