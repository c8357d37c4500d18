"""The house stays one-way: api → services → (contest, store), the domain free of AWS and the framework, PynamoDB
only inside the store, small files and thin handlers. Read off the source with `ast`, so it holds for every
module, imported or not."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_FILE_LINES = 350
MAX_HANDLER_LINES = 15
AWS_AND_FRAMEWORK = ("boto3", "botocore", "chalice", "pynamodb", "aws_lambda_powertools", "aws_xray_sdk")


def python_files(*folders: str) -> list[Path]:
    files = []
    for folder in folders:
        path = ROOT / folder
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if ".venv" not in f.parts]


def imported(path: Path) -> set[str]:
    """Every module name the file imports, at any depth (lazy imports inside functions included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def importers(files: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in files:
        bad = sorted(n for n in imported(path) if any(n == f or n.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_nothing_below_the_api_imports_it():
    below = python_files("chalicelib/services", "chalicelib/events", "chalicelib/store", "chalicelib/contest",
                         "chalicelib/fields.py", "chalicelib/errors.py", "chalicelib/auth.py")
    assert importers(below, ("chalicelib.api",)) == {}


def test_the_store_and_the_domain_import_no_use_case():
    below = python_files("chalicelib/store", "chalicelib/contest", "chalicelib/fields.py")
    assert importers(below, ("chalicelib.services", "chalicelib.events")) == {}


def test_only_the_store_touches_pynamodb_and_the_models():
    store = ROOT / "chalicelib" / "store"
    outside = [f for f in python_files("app.py", "chalicelib", "local", "infra", "bench", "tests")
               if store not in f.parents]
    assert importers(outside, ("pynamodb", "chalicelib.store.models", "chalicelib.store.admin_models")) == {}


def test_the_domain_is_plain_python():
    domain = python_files("chalicelib/contest")
    assert importers(domain, AWS_AND_FRAMEWORK) == {}
    assert importers(domain, ("chalicelib.store", "chalicelib.config", "chalicelib.runtime")) == {}


@pytest.mark.parametrize("folder", ["chalicelib", "local", "infra"])
def test_files_are_small(folder):
    long = {str(f.relative_to(ROOT)): n for f in python_files(folder)
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES}
    assert long == {}


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ("route", "on_dynamodb_record", "schedule")


def test_handlers_are_thin():
    thick = {}
    for path in python_files("app.py", "chalicelib/api"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(_is_route(d) for d in node.decorator_list):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_HANDLER_LINES:
                    thick[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert thick == {}


def test_the_checks_see_what_they_check():
    # a guard against checks passing on nothing: the trees and the handlers are really there
    assert len(python_files("chalicelib")) > 30
    assert "chalicelib.api.http.Routes" in imported(ROOT / "chalicelib" / "api" / "public.py")
    assert "pynamodb.models" in {n for f in python_files("chalicelib/store") for n in imported(f)}
