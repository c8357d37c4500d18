"""The API and web pages: the app object served by Chalice's own local server (what `chalice local` runs),
in a thread of the launcher, on the loopback address. Requests are handled in threads; Chalice's local app
class keeps `current_request` per thread."""
from __future__ import annotations

import errno
import logging
import threading

from local.processes import PortInUse
from local.settings import HOST, ROOT

log = logging.getLogger("local.api")


def chalice_config(stage: str = "local"):
    """The stage's Chalice configuration from .chalice/config.json (what `chalice local --stage` reads)."""
    from chalice.cli.factory import CLIFactory
    from chalice.config import Config

    try:
        return CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name=stage)
    except RuntimeError:
        return Config.create(chalice_stage=stage)


class ApiServer:
    def __init__(self, app, port: int = 0, stage: str = "local", what: str = "API and pages",
                 variable: str = "") -> None:
        from chalice.local import create_local_server

        self.app = app
        self._app_class = app.__class__        # create_local_server swaps it for a thread-safe local one
        try:
            self.server = create_local_server(app, chalice_config(stage), HOST, port)
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
