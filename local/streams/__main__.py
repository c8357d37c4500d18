"""`python -m local.streams`: the stream runner alone, against $DYNAMODB_ENDPOINT."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import local.streams
from local.streams.runner import from_config

log = logging.getLogger("local.streams")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.streams", description=local.streams.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, help="checkpoint file (default: in memory)")
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between reads when idle")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from app import app

    runner = from_config(app, args.checkpoint, poll_interval=args.poll)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    log.info("stream runner started (pid %d): %s", os.getpid(), "; ".join(runner.describe()))
    while not stop.wait(1.0):
        pass
    runner.stop()
    log.info("stream runner stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
