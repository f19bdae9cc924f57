"""The README documents what the program offers: the Quick start and every headless command."""
from __future__ import annotations

import re
from pathlib import Path

from booking import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == ["python -m pip install -r requirements.txt && python app.py",
                        "python -m pip install -r requirements-dev.txt && python -m pytest"]


def test_ci_runs_the_second_quick_start_command():
    assert "python -m pip install -r requirements-dev.txt && python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_every_headless_command_has_a_readme_section():
    top_level = {name.split()[0] for name in cli.commands()}
    missing = [name for name in sorted(top_level) if f"### `{name}`" not in README]
    assert missing == []


def test_the_module_map_names_every_package():
    section = README.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    packages = sorted(f"{path.parent.parent.name}/{path.parent.name}/" for top in ("booking", "ui")
                      for path in (ROOT / top).glob("*/__init__.py"))
    assert [p for p in packages if f"`{p}`" not in section] == []
