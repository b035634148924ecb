"""The package's shape: one import direction, one error base, one settings table."""

import ast
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import geo
from geo import settings
from geo.bundled import bundled_dir, dashboard_script
from geo.errors import FaultlinesError

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(geo.__path__, prefix="geo.")]
    return sorted(name for name in names if name != "geo.__main__")


def test_the_import_contract_holds() -> None:
    tool = BIN / "lint-imports"
    if not tool.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([str(tool)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module_name", _modules())
def test_every_exception_of_the_package_descends_from_the_base(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name, value in vars(module).items():
        if (
            inspect.isclass(value)
            # a BaseException that no ``except Exception`` may swallow (a time budget's
            # interrupt) is control flow, not an error for people
            and issubclass(value, Exception)
            and value.__module__ == module_name
        ):
            assert issubclass(value, FaultlinesError), f"{module_name}.{name}"


def _environment_names_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in [*sorted((ROOT / "geo").rglob("*.py")), ROOT / "dashboard.py"]:
        found.update(re.findall(r"\bFAULTLINES_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    return found


def test_every_environment_variable_is_in_the_settings_table() -> None:
    known = {setting.name for setting in settings.SETTINGS}
    assert _environment_names_read_by_the_code() <= known


def test_the_readme_lists_every_setting_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `((?:FAULTLINES|ARROW)_[A-Z_]+)` \| (.+?) \|", readme, re.M)
    }
    assert set(rows) == {setting.name for setting in settings.SETTINGS}
    for setting in settings.SETTINGS:
        assert rows[setting.name] == setting.default


def test_a_blank_setting_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.STORE.name, "   ")
    assert settings.STORE.value() is None
    monkeypatch.setenv(settings.STORE.name, " /srv/faultlines ")
    assert settings.STORE.value() == "/srv/faultlines"


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "geo").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert on_disk <= listed


def test_the_bundled_files_are_found_in_a_checkout() -> None:
    assert (bundled_dir("seeds") / "events.yaml").is_file()
    assert (bundled_dir("assets") / "faultlines.css").is_file()
    assert dashboard_script() == ROOT / "dashboard.py"


MAX_MODULE_LINES = 800
"""A module that grows to this many lines is split along one of its seams."""


def test_no_module_of_the_package_passes_the_line_limit() -> None:
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((ROOT / "geo").rglob("*.py"))
    }
    assert {name: n for name, n in lengths.items() if n >= MAX_MODULE_LINES} == {}


#: Modules only some of the dashboard's actions need (adding articles, polling a feed): its
#: start, which every visitor waits for, must not import them.
_NOT_AT_THE_DASHBOARDS_START = (
    "geo.ingest.pipeline",
    "geo.ingest.commit",
    "geo.events.extract",
    "trafilatura",
)


def test_the_dashboards_start_imports_no_ingest_code() -> None:
    imports = [
        ast.unparse(node)
        for node in ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo")
    ]
    check = "import sys\n" + "\n".join(imports) + "\nprint(sorted(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(ast.literal_eval(result.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(_NOT_AT_THE_DASHBOARDS_START)
