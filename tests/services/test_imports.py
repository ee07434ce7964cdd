"""Imports point down (views -> services -> models), with no cycle held apart by a late import.

A cycle between services shows when one of them is imported first, so each module is
imported first in an interpreter of its own. An import inside a function is how a cycle
hides, so there is none in the package (the factory's named steps excepted: they keep
importing `course.exercises` alone free of the blueprints and the database).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "course"
SERVICES = sorted(
    f"course.services.{path.stem}"
    for path in (PACKAGE / "services").glob("*.py")
    if path.stem != "__init__"
)

# One interpreter loads the third-party libraries the package imports (none of `course`),
# then forks a child per module: each child imports its module first, as a fresh interpreter
# would, without paying for Flask and SQLAlchemy twenty times.
_EACH_FIRST = """
import importlib, os, sys
for name in sys.argv[2].split():
    try:
        importlib.import_module(name)
    except ImportError:
        pass
assert not any(m == "course" or m.startswith("course.") for m in sys.modules)
failed = []
for module in sys.argv[1].split():
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(module)
        except BaseException as error:
            print(f"{module}: {type(error).__name__}: {error}", flush=True)
            os._exit(1)
        os._exit(0)
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
        failed.append(module)
sys.exit(1 if failed else 0)
"""


def _third_party_imports() -> list[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return sorted(n for n in names if n.split(".")[0] != "course")


def test_each_service_module_imports_first_in_a_fresh_interpreter():
    done = subprocess.run(
        [sys.executable, "-c", _EACH_FIRST, " ".join(SERVICES), " ".join(_third_party_imports())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert len(SERVICES) > 10
    assert done.returncode == 0, done.stdout + done.stderr


def _late_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [
                f"{path.relative_to(PACKAGE.parent)}:{inner.lineno} in {node.name}()"
                for inner in ast.walk(node)
                if isinstance(inner, ast.Import | ast.ImportFrom)
            ]
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p != PACKAGE / "__init__.py"],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_import_inside_a_function(path):
    assert _late_imports(path) == []
