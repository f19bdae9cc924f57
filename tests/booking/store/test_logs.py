"""The log file: in the app-data folder, rotating, set up once."""
from __future__ import annotations

import logging
import os
import re
import sys

import pytest

from booking.store import logs, paths


@pytest.fixture
def root_logger():
    """Put the root logger back as it was: other tests must not write into this one's file."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_log_is_in_the_app_data_folder(root_logger):
    path = logs.setup()
    logging.getLogger("linli").warning("扫码枪未连接")
    assert path == paths.data_dir() / "logs" / "linli-desk.log"
    assert "扫码枪未连接" in path.read_text(encoding="utf-8")
    assert logs.log_file() == path


def test_setting_up_twice_adds_no_second_handler(root_logger, tmp_path):
    logs.setup(tmp_path)
    logs.setup(tmp_path)
    logging.getLogger("linli").warning("once")
    assert (tmp_path / "linli-desk.log").read_text(encoding="utf-8").count("once") == 1


def test_the_log_rotates_at_one_megabyte_keeping_five(root_logger, tmp_path):
    logs.setup(tmp_path)
    line = "x" * 1000
    for _ in range(7000):  # about 7 MB
        logging.getLogger("linli").warning(line)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["linli-desk.log"] + [f"linli-desk.log.{n}" for n in range(1, 6)]
    assert all(p.stat().st_size <= logs.MAX_BYTES for p in tmp_path.iterdir())


def test_a_log_that_cannot_be_written_does_not_stop_the_program(root_logger, tmp_path):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the folder should be")
    assert logs.setup(blocker) is None


def _lines_in(folder) -> list[str]:
    return [line for p in sorted(folder.iterdir()) for line in p.read_text(encoding="utf-8").splitlines()]


def test_a_rotation_that_cannot_rename_the_open_file_loses_no_line_and_no_older_file(root_logger, tmp_path,
                                                                                      monkeypatch):
    """Windows: another process holds linli-desk.log open, so renaming it fails (PermissionError)."""
    base = tmp_path / "linli-desk.log"
    for n in range(1, 6):
        (tmp_path / f"linli-desk.log.{n}").write_text(f"older file {n}\n", encoding="utf-8")
    real_rename, real_replace = os.rename, os.replace

    def held_open(rename):
        def attempt(src, dst, *args, **kwargs):
            if os.fspath(src) == str(base):
                raise PermissionError(32, "The process cannot access the file because it is being used "
                                          "by another process", str(src))
            return rename(src, dst, *args, **kwargs)
        return attempt

    monkeypatch.setattr(os, "rename", held_open(real_rename))
    monkeypatch.setattr(os, "replace", held_open(real_replace))
    logs.setup(tmp_path)
    for n in range(2500):  # about 2.5 MB: rotation is due, and tried again, many times over
        logging.getLogger("linli").warning("line %05d %s", n, "x" * 1000)
    lines = _lines_in(tmp_path)
    numbers = sorted(int(m.group(1)) for line in lines if (m := re.search(r" line (\d{5}) ", line)))
    assert numbers == list(range(2500))
    assert [f"older file {n}" in lines for n in range(1, 6)] == [True] * 5


def test_each_kind_of_process_has_its_own_log(root_logger, tmp_path):
    paths_by_kind = {kind: logs.setup(tmp_path, kind=kind) for kind in ("window", "commands", "tasks")}
    assert len(set(paths_by_kind.values())) == 3
    assert paths_by_kind["window"] == tmp_path / "linli-desk.log"


def test_the_windowed_program_running_a_command_is_a_scheduled_task(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    assert logs.process_kind(wants_window=False) == "tasks"
    assert logs.process_kind(wants_window=True) == "window"


def test_every_command_writes_its_result_to_the_log(root_logger, tmp_path, run_cli):
    log = logs.setup(tmp_path, kind="commands")
    run_cli("init")
    run_cli("resources", "--kind", "room")
    written = log.read_text(encoding="utf-8")
    assert "command init exit 0: " in written
    assert 'command resources exit 0: {"resources": "[7]"}' in written


def test_a_refused_command_writes_its_exit_code_and_message_to_the_log(root_logger, tmp_path, run_cli):
    log = logs.setup(tmp_path, kind="commands")
    run_cli("init")
    run_cli("cancel", "999999")
    line = [x for x in log.read_text(encoding="utf-8").splitlines() if "command cancel" in x][0]
    assert "exit 1: " in line and '"code": "not_found"' in line


def test_a_pass_text_never_reaches_the_log(root_logger, tmp_path, run_cli, store, tonight_booking):
    log = logs.setup(tmp_path, kind="commands")
    answer = run_cli("reissue", str(tonight_booking.id), "--reason", "丢失").json
    written = log.read_text(encoding="utf-8")
    assert "command reissue exit 0: " in written
    assert answer["payload"] not in written and answer["grouped"] not in written


def test_no_resident_data_reaches_the_log(root_logger, tmp_path, run_cli, store):
    log = logs.setup(tmp_path, kind="commands")
    added = run_cli("resident", "add", "--name", "王秀英", "--door", "3栋2单元501", "--phone", "13812345678",
                    "--plate", "川A12345")
    assert added.code == 0
    line = [x for x in log.read_text(encoding="utf-8").splitlines() if "command resident add" in x][0]
    assert "exit 0" in line and not any(secret in line for secret in ("王秀英", "13812345678", "川A12345", "501"))


@pytest.fixture
def tonight_booking(store, admin, resident, now):
    from datetime import datetime

    from booking.schedule import bookings
    return bookings.book(store, admin, bookings.Request("P001", datetime(2026, 11, 24, 19),
                                                        datetime(2026, 11, 25, 7, 30), resident.id), now)
