"""Long work in the window: the residents import (dry run, then import on a worker with progress and
Cancel) and the admin's demo data, never freezing the desk."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from booking.store.changes import Changes
from booking.store import audit
from ui.office.admin import AdminMenu
from ui.office.residents_view import ResidentsView
from ui.office.admin_models import audit_word
from ui.office.demo_dialog import DemoDialog
from ui.desk.session import Desk
from ui.office.import_dialog import CheckModel

HEADER = "姓名,门牌,手机,车牌"
WAIT_MS = 20_000


@pytest.fixture
def admin_desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


@pytest.fixture
def clerk_desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def many(count: int) -> str:
    return "\n".join([HEADER] + [f"居民{i},{i % 99 + 1}-{i % 9 + 1}-{i % 32 + 1}{i % 20 + 1:02d},13{i:09d},"
                                 for i in range(count)])


def residents_in(store) -> int:
    return store.conn.execute("SELECT count(*) FROM resident").fetchone()[0]


def bookings_in(store) -> int:
    return store.conn.execute("SELECT count(*) FROM booking").fetchone()[0]


MIXED = "\n".join([HEADER, "王五,3-2-502,13712345678,川A54321", "赵六,3-2-503,12345,", "钱七,3-2-504,13612345678,"])


def checked_dialog(qtbot, desk, path):
    view = ResidentsView(desk)
    qtbot.addWidget(view)
    view.show()
    dialog = view.import_residents(path)
    with qtbot.waitSignal(dialog.checked, timeout=WAIT_MS):
        pass
    return view, dialog


# --- the dry run -----------------------------------------------------------------------------------

def test_the_check_model_is_a_proper_model(qtmodeltester):
    model = CheckModel()
    model.set_entries([{"line": 3, "field": "phone", "error": "手机号应为11位数字", "value": "12345"},
                       {"line": 9, "field": "plate", "error": "车牌号里没有字母 I 和 O", "value": "川A1O345"}])
    qtmodeltester.check(model)
    assert [model.index(1, c).data() for c in range(4)] == [9, "车牌", "车牌号里没有字母 I 和 O", "川A1O345"]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "问题"


def test_the_dry_run_lists_each_mistake_and_offers_to_import_the_rest(qtbot, tmp_path, admin_desk, store):
    before = residents_in(store)
    _view, dialog = checked_dialog(qtbot, admin_desk, write(tmp_path, MIXED, "gbk"))
    assert dialog.model.rowCount() == 1
    assert [dialog.model.index(0, c).data() for c in range(2)] == [3, "手机"]
    assert dialog.import_button.text() == "导入 2 位(&I)" and dialog.import_button.isEnabled()
    assert "有误 1 行" in dialog.summary.text() and residents_in(store) == before


def test_an_unreadable_file_says_why_and_offers_no_import(qtbot, tmp_path, admin_desk):
    view = ResidentsView(admin_desk)
    qtbot.addWidget(view)
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    dialog = view.import_residents(str(path))
    with qtbot.waitSignal(dialog.stopped, timeout=WAIT_MS):
        pass
    assert "不是文本格式" in dialog.message.text() and not dialog.message.isHidden()
    assert not dialog.import_button.isEnabled()


# --- the import ----------------------------------------------------------------------------------

def test_the_import_runs_on_a_worker_with_progress_and_announces_residents(qtbot, tmp_path, admin_desk, store):
    view, dialog = checked_dialog(qtbot, admin_desk, write(tmp_path, MIXED))
    heard: list[Changes] = []
    admin_desk.changed.connect(lambda changes, _origin: heard.append(changes))
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        dialog.import_button.click()
    assert dialog.work.runner.isFinished() and dialog.work.dialog.maximum() == 6  # 3 rows checked, then written
    assert dialog.done_report.added == 2 and heard == [Changes(residents=True)]
    assert residents_in(store) == 2 and "2" in view.count.text()  # the view refreshed itself
    assert "已导入" in dialog.summary.text() and not dialog.import_button.isEnabled()
    entry = audit.entries(store, "resident")[0]
    assert entry["actor"] == admin_desk.actor.name and audit_word(entry["action"]) == "导入"


def test_cancel_during_the_import_leaves_the_store_as_it_was(qtbot, tmp_path, admin_desk, store):
    _view, dialog = checked_dialog(qtbot, admin_desk, write(tmp_path, many(20_000)))
    with qtbot.waitSignal(dialog.stopped, timeout=WAIT_MS) as stopped:
        dialog.import_button.click()
        dialog.work.dialog.canceled.emit()  # what the progress dialog's Cancel button sends
    assert stopped.args[0].code == "state" and "已取消" in dialog.message.text()
    assert residents_in(store) == 0 and dialog.work.cancelled
    assert dialog.import_button.isEnabled()  # it may be tried again


def test_the_window_keeps_answering_while_a_big_file_is_imported(qtbot, tmp_path, admin_desk):
    _view, dialog = checked_dialog(qtbot, admin_desk, write(tmp_path, many(20_000)))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        dialog.import_button.click()
    timer.stop()
    # Behaviour, not speed: the window's event loop kept running all through the import (an import
    # on the GUI thread would let the timer fire once or twice at most). How short the gaps are
    # depends on the machine's load and belongs to bench/.
    assert len(ticks) > 10


# --- demo data -------------------------------------------------------------------------------------

def test_a_clerk_gets_no_demo_data_from_the_menu_or_the_dialog(qtbot, clerk_desk, store):
    menu = AdminMenu(clerk_desk)
    assert not menu.demo_action.isEnabled() and "管理员" in menu.demo_action.toolTip()
    assert menu.open_demo() is None
    dialog = DemoDialog(clerk_desk)
    qtbot.addWidget(dialog)
    dialog.confirm.setChecked(True)
    assert not dialog.start_button.isEnabled() and dialog.start() is None
    assert "管理员" in dialog.message.text() and bookings_in(store) == 0


def test_demo_data_needs_the_tick_then_runs_with_progress_and_announces(qtbot, admin_desk, store):
    menu = AdminMenu(admin_desk)
    assert menu.demo_action.isEnabled()
    dialog = menu.open_demo()
    qtbot.addWidget(dialog)
    assert str(store.path) in dialog.warning.text() and not dialog.start_button.isEnabled()
    assert dialog.start() is None  # not confirmed yet
    dialog.years.setValue(0.1)
    dialog.confirm.setChecked(True)
    heard: list[Changes] = []
    admin_desk.changed.connect(lambda changes, _origin: heard.append(changes))
    with qtbot.waitSignal(dialog.finished_work, timeout=WAIT_MS) as done:
        dialog.start_button.click()
    assert done.args[0]["cancelled"] is False and bookings_in(store) == done.args[0]["bookings"] > 0
    assert heard == [Changes(bookings=True, residents=True)] and "已生成" in dialog.message.text()
    assert not dialog.confirm.isChecked()  # another run needs another tick


def test_cancelled_demo_data_keeps_whole_chunks_only(qtbot, admin_desk, store):
    dialog = DemoDialog(admin_desk)
    qtbot.addWidget(dialog)
    dialog.years.setValue(3)
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(dialog.finished_work, timeout=WAIT_MS) as done:
        dialog.start_button.click()
        dialog.work.dialog.canceled.emit()
    result = done.args[0]
    assert result["cancelled"] is True and bookings_in(store) == result["bookings"]
    assert result["bookings"] < 110 * 365  # far less than three years' worth
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "已停止" in dialog.message.text()


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_demo_data_on_a_server_store_is_refused_in_the_dialog_saying_how_and_nothing_is_written(
        qtbot, admin_desk, store):
    dialog = DemoDialog(admin_desk)
    qtbot.addWidget(dialog)
    dialog.years.setValue(0.1)
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(dialog.stopped, timeout=WAIT_MS) as stopped:
        dialog.start_button.click()
    assert stopped.args[0].key == "demo_server_store"
    assert "copy-store" in dialog.message.text() and "b3261e" in dialog.message.styleSheet()  # said in red
    assert dialog.start_button.isEnabled()  # the tick is still there: nothing half done to undo
    assert store.sql("SELECT count(*) FROM booking").fetchone()[0] == 0
    assert store.sql("SELECT count(*) FROM household").fetchone()[0] == 0


def test_a_store_in_memory_is_refused_rather_than_worked_on_in_a_second_empty_one(qtbot):
    from ui.widgets.longwork import LongWork
    work = LongWork(":memory:", lambda store, progress: 1, "…")
    with qtbot.waitSignal(work.failed, timeout=WAIT_MS) as failed:
        work.start()
    assert failed.args[0].code == "store"


def test_the_demo_dialogs_message_is_not_cut_off_after_it_appears(qtbot, admin_desk):
    dialog = DemoDialog(admin_desk)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog._say("已生成 123456 个预约（365 天，从 2025-11-24 起）。" * 3)
    qtbot.wait(10)
    label = dialog.message
    assert label.height() >= label.heightForWidth(label.width())
