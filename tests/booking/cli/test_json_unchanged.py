"""The commands whose results became typed (issue 14) print, with --json, exactly what they printed
when the domain returned dicts: the same keys in the same order, the same values, byte for byte.

json_before_typed_results.json holds what they printed before the change; only what differs from
run to run or with the schema is masked first (the test's folder, a backup's size and how long it
took, the list of migrations).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest


def _masked(text: str, folder: Path) -> str:
    text = text.replace(str(folder), "{tmp}")
    text = re.sub(r'"(ms|bytes)": \d+', r'"\1": 0', text)
    return re.sub(r'"migrations": \[[^\]]*\]', '"migrations": ["..."]', text)


@pytest.fixture
def outputs(run_cli, tmp_path, monkeypatch) -> dict[str, str]:
    """Each command's --json text, masked (`_masked`), in the order they ran."""
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path / "data"))
    out: dict[str, str] = {}

    def run(name: str, *args: str, **kw: str) -> None:
        result = run_cli(*args, **kw)
        assert result.code == 0, result.text
        out[name] = _masked(result.text, tmp_path)

    assert run_cli("resident", "add", "--name", "张三丰", "--door", "3-2-501", "--phone", "13812345678",
                   "--plate", "川A12345").code == 0
    assert run_cli("book", "--resource", "R04", "--start", "2026-11-27 14:00", "--end", "2026-11-27 16:00",
                   "--resident", "1").code == 0
    run("pay", "pay", "1", "--amount", "12.50", "--method", "wechat", "--user", "值班员乙")
    run("ledger --receipt", "ledger", "--receipt", "1")
    run("ledger --csv", "ledger", "--month", "2026-11", "--csv", str(tmp_path / "ledger.csv"))
    run("export", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--csv", str(tmp_path / "b.csv"),
        "--xlsx", str(tmp_path / "b.xlsx"))
    run("export --unmasked", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--unmasked",
        "--reason", "区里要", "--csv", str(tmp_path / "u.csv"))
    run("backup --to", "backup", "--to", str(tmp_path / "copy.sqlite3"))
    run("backup --daily", "backup", "--daily")
    run("backup --daily again", "backup", "--daily")
    run("restore", "restore", "--from", str(tmp_path / "copy.sqlite3"))
    earlier = tmp_path / "earlier" / "desk.sqlite3"
    earlier.parent.mkdir()
    (tmp_path / "copy.sqlite3").replace(earlier)
    run("store-adopt", "--db", str(tmp_path / "adopted.sqlite3"), "store-adopt", "--from", str(earlier))
    return out


EXPECTED = Path(__file__).with_name("json_before_typed_results.json")


def test_the_typed_results_print_the_json_they_printed_as_dicts(outputs):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert list(outputs) == list(expected)
    for name, text in outputs.items():
        assert text == expected[name], name
