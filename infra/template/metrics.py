"""The metrics the code emits: every `metric(...)` call in chalicelib/, with the dimensions CloudWatch sees
(what `observability.metric` prints for them under the stage's service name)."""
from __future__ import annotations

import ast
import contextlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from infra.template.inputs import CODE_DIR


def metric_calls(code_dir: Path = CODE_DIR) -> set[tuple[str, frozenset[str]]]:
    """(metric name, extra dimension names) for every `metric(...)` / `metrics_count(...)` call in the code."""
    calls = set()
    for path in sorted(code_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in ("metric", "metrics_count") or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                calls.add((first.value, frozenset(k.arg for k in node.keywords if k.arg is not None)))
    return calls


@dataclass(frozen=True)
class EmittedMetric:
    """One metric as CloudWatch sees it: a name and its dimensions. Values of `fixed` are known (service);
    names in `varying` take values only the code knows (reason), so the dashboard searches over them."""
    namespace: str
    name: str
    unit: str
    fixed: tuple[tuple[str, str], ...]
    varying: tuple[str, ...]

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(sorted([k for k, _ in self.fixed] + list(self.varying)))


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """The environment with these variables set (None: unset), restored afterwards."""
    with mock.patch.dict(os.environ):
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield


def emf_lines(name: str, dimensions: dict[str, str], service: str | None) -> list[dict]:
    """The EMF documents `observability.metric` prints for these dimensions, under the stage's service name."""
    from chalicelib import observability

    out = io.StringIO()
    with _environment(POWERTOOLS_SERVICE_NAME=service, POWERTOOLS_METRICS_DISABLED="false",
                      POWERTOOLS_METRICS_NAMESPACE=None), contextlib.redirect_stdout(out):
        observability.metric(name, 1, **dimensions)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def emitted_metrics(service: str | None, code_dir: Path = CODE_DIR) -> list[EmittedMetric]:
    """Every metric of METRICS with each dimension set the code emits it with (none found: no extra ones)."""
    from chalicelib import observability

    calls = metric_calls(code_dir)
    unknown = sorted({name for name, _ in calls} - set(observability.METRICS))
    if unknown:
        raise SystemExit(f"the code emits metrics missing from observability.METRICS: {unknown}")
    result = []
    for name, unit in observability.METRICS.items():
        sets = sorted({dims for n, dims in calls if n == name}, key=sorted) or [frozenset()]
        for extra in sets:
            for doc in emf_lines(name, dict.fromkeys(sorted(extra), "x"), service):
                for directive in doc["_aws"]["CloudWatchMetrics"]:
                    for dimension_set in directive["Dimensions"]:
                        fixed = tuple(sorted((k, doc[k]) for k in dimension_set if k not in extra))
                        result.append(EmittedMetric(directive["Namespace"], name, unit, fixed,
                                                    tuple(sorted(k for k in dimension_set if k in extra))))
    return result
