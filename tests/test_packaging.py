"""The installed package: one import name, `yulu`, with every data file it needs at run time."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools leaves build/ behind, and a stale one would hide a change.
    source = tmp_path_factory.mktemp("source") / "yulu"
    skip = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".*cache")
    shutil.copytree(ROOT, source, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    [wheel] = out.glob("yulu-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_only_top_level_package_is_yulu(wheel_files: set[str]) -> None:
    top = {name.split("/")[0] for name in wheel_files}
    assert {t for t in top if not t.endswith(".dist-info")} == {"yulu"}
    # The required folders install as subpackages (never as bot/, nlu/, storage/ of their own).
    for module in ("yulu/bot/handlers/__init__.py", "yulu/nlu/classifier.py",
                   "yulu/storage/models.py", "yulu/services/signup.py",
                   "yulu/sandbox/server.py", "yulu/core/config.py"):  # fmt: skip
        assert module in wheel_files


def test_the_data_files_travel_with_the_code(wheel_files: set[str]) -> None:
    needed = [
        "yulu/locales/zh-CN/signup.ftl",
        "yulu/sandbox/static/index.html",
        "yulu/services/data/majors.yml",
        "yulu/nlu/data/status_work.yml",
        "yulu/storage/migrations/script.py.mako",
    ]
    assert [name for name in needed if name not in wheel_files] == []
    migrations = sorted(n for n in wheel_files if n.startswith("yulu/storage/migrations/versions/"))
    on_disk = sorted((ROOT / "storage/migrations/versions").glob("0*.py"))
    assert len([m for m in migrations if m.endswith(".py")]) == len(on_disk)
