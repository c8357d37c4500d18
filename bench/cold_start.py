"""Cold start: how long `import app` takes against `import boto3`, each in a fresh interpreter, several times
(a Lambda init imports the handler's module once). Target: `import app` ÷ `import boto3` ≤ 1.5.

Both run with the environment of a deployed function without tracing (the X-Ray SDK is imported only when
tracing is on) and with the bytecode already compiled (a first untimed run of each)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
TARGET = 1.5
ENV = {"AWS_REGION": "ap-southeast-1", "AWS_DEFAULT_REGION": "ap-southeast-1", "TOKEN_SECRET": "bench",
       "TABLE_PREFIX": "cuocthi-prod-", "RESULTS_BUCKET": "bench-results", "STAGE": "prod",
       "POWERTOOLS_SERVICE_NAME": "cuocthi", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
PROBE = "import time; began = time.perf_counter(); import {module}; print((time.perf_counter() - began) * 1000)"


def import_ms(module: str) -> float:
    env = {"PATH": os.environ.get("PATH", ""), **ENV}
    done = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def heaviest(module: str, count: int = 5) -> list[tuple[str, int]]:
    """The top-level packages that cost `import module` the most (cumulative, from -X importtime)."""
    env = {"PATH": os.environ.get("PATH", ""), **ENV}
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True)
    packages: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit() and "." not in parts[2] and parts[2] != module:
            packages[parts[2]] = max(packages.get(parts[2], 0), int(parts[1]) // 1000)
    return sorted(packages.items(), key=lambda item: -item[1])[:count]


def main() -> None:
    for module in ("boto3", "app"):
        import_ms(module)                      # compiles the bytecode; not timed
    samples: dict[str, list[float]] = {"boto3": [], "app": []}
    for _ in range(RUNS):
        for module in samples:
            samples[module].append(import_ms(module))
    boto3_ms, app_ms = (statistics.median(samples[m]) for m in ("boto3", "app"))
    print(f"cold start, median of {RUNS} fresh interpreters each:")
    print(f"  import boto3 {boto3_ms:.0f} ms, import app {app_ms:.0f} ms: "
          f"ratio {app_ms / boto3_ms:.2f} (target <= {TARGET})")
    print("  heaviest top-level imports of app: " + ", ".join(f"{name} {ms} ms" for name, ms in heaviest("app")))


if __name__ == "__main__":
    main()
