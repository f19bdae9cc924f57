"""The log file: in the app-data folder, rotating, set up once."""
from __future__ import annotations

import logging

import pytest

from booking import logs, paths


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
