"""Builds the deployable template once per session: infra/build_template.py, then `chalice package` with it
(no AWS credentials needed), into a temporary directory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGE = "prod"


@dataclass(frozen=True)
class Package:
    directory: Path
    merge_template: dict
    template: dict

    @property
    def resources(self) -> dict:
        return self.template["Resources"]

    def of_type(self, kind: str) -> dict[str, dict]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == kind}


def _run(args: list[str], **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-1")}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, **kw)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def package(tmp_path_factory) -> Package:
    out = tmp_path_factory.mktemp("package")
    merge = out / "merge-template.json"
    _run([sys.executable, "infra/build_template.py", "--stage", STAGE, "--out", str(merge)])
    _run([str(BIN / "chalice"), "package", "--stage", STAGE, "--merge-template", str(merge), str(out / "package")],
         timeout=300)
    _run([sys.executable, "infra/bundle.py", str(out / "package" / "deployment.zip")])
    return Package(out / "package", json.loads(merge.read_text()),
                   json.loads((out / "package" / "sam.json").read_text()))
