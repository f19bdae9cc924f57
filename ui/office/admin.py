"""The office views: residents and households, resources and rules, clerk accounts,
and the audit log.

Residents are the clerks' daily work; everything else is for the admin. A
clerk who opens an admin view sees why it is closed instead of its content,
and the menu entries are disabled with the same words in their tooltip; the
domain refuses the change anyway if it is reached another way. Dialogs show
the domain's message next to the field it names and decide nothing themselves.

This module is the 管理 menu (AdminMenu) and the window each view opens in (ViewWindow); the
views are residents_view, resources_view, clerks_view and audit_view, built on base.
"""
from __future__ import annotations


from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QVBoxLayout, QWidget

from booking.store.i18n import tr
from ui.office.demo_dialog import DemoDialog, demo_refusal
from ui.passes.station import station_action
from ui.desk.session import Desk, follow
from ui.office.base import _View, admin_refusal
from ui.office.audit_view import AuditView
from ui.office.clerks_view import ClerksView
from ui.office.residents_view import ResidentsView
from ui.office.resources_view import ResourcesRulesView
from ui.office.store_setting import StoreSettingDialog


VIEWS: dict[str, tuple[type[_View], str]] = {
    "residents": (ResidentsView, "uis_menu_residents"),
    "resources": (ResourcesRulesView, "uis_menu_resources"),
    "clerks": (ClerksView, "uis_menu_clerks"),
    "audit": (AuditView, "uis_menu_audit"),
}


#: the size an office view's window opens at, on a screen with room for it: lists with their columns whole
COMFORTABLE = QSize(1280, 680)


class ViewWindow(QDialog):
    """A non-modal window holding one view (the desk stays usable beside it)."""

    def __init__(self, view: _View, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(view.windowTitle())
        self.setModal(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        self.resize(COMFORTABLE)  # ui/fit.py keeps it within the screen it is shown on, frame included
        follow(view.desk.language_changed, self, lambda _code: self.setWindowTitle(tr(view.VIEW_KEY)))


class AdminMenu(QObject):
    """The menu entries that open the office views; admin-only ones are disabled for a clerk.

    `actions` maps 'residents', 'resources', 'clerks', 'audit' to QActions;
    `menu` is a ready "管理" menu with them and the scan station's entry, for a
    menu bar. Call `update_permissions()` after a different clerk signs in.
    """

    def __init__(self, desk: Desk, parent: QWidget | None = None,
                 more_views: dict[str, tuple[type[_View], str]] | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.parent_widget = parent
        self.windows: dict[str, ViewWindow] = {}
        self.actions: dict[str, QAction] = {}
        self.menu = QMenu(parent)
        # The office's screens (ui/office/screens.py) come after spaces and rooms, before the accounts.
        names = list(VIEWS)
        at = names.index("resources") + 1
        self.views = {name: VIEWS.get(name) or (more_views or {})[name]
                      for name in names[:at] + list(more_views or {}) + names[at:]}
        for name in self.views:
            action = QAction(self)
            action.triggered.connect(lambda _checked=False, which=name: self.open(which))
            self.actions[name] = action
            self.menu.addAction(action)
            if name == "residents":
                self.menu.addSeparator()
        self.station_action = station_action(desk, parent if parent is not None else self.menu)
        self.menu.addSeparator()
        self.menu.addAction(self.station_action)
        self.demo_action = QAction(self)  # admin only: it writes made-up residents into this store
        self.demo_action.triggered.connect(lambda _checked=False: self.open_demo())
        self.menu.addAction(self.demo_action)
        self.store_action = QAction(self)  # admin only: which store this PC's desk works on (issue 15)
        self.store_action.triggered.connect(lambda _checked=False: self.open_store_setting())
        self.menu.addAction(self.store_action)
        #: what this start was given in --db or LINLI_DB (it comes before the setting); ui/app/main.py sets it
        self.named_store = ""
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()

    def open(self, which: str) -> ViewWindow:
        """Show the view (reusing its window if it is open already)."""
        window = self.windows.get(which)
        if window is None or window.view.desk.actor is not self.desk.actor:
            view_class, _key = self.views[which]
            window = ViewWindow(view_class(self.desk), self.parent_widget)
            self.windows[which] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_demo(self) -> DemoDialog | None:
        """The demo-data dialog (ui/office/demo_dialog.py); None for a clerk."""
        if demo_refusal(self.desk):
            return None
        dialog = DemoDialog(self.desk, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_store_setting(self) -> StoreSettingDialog | None:
        """The 数据存储 setting (ui/office/store_setting.py); None for a clerk."""
        if admin_refusal(self.desk, "ust_title"):
            return None
        dialog = StoreSettingDialog(self.desk, self.parent_widget, named=self.named_store)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def update_permissions(self) -> None:
        store_refusal = admin_refusal(self.desk, "ust_title")
        self.store_action.setEnabled(store_refusal is None)
        self.store_action.setToolTip(store_refusal or tr("ust_title"))
        self.store_action.setStatusTip(store_refusal or tr("ust_title"))
        refusal = demo_refusal(self.desk)
        self.demo_action.setEnabled(refusal is None)
        self.demo_action.setToolTip(refusal or tr("udemo_view"))
        self.demo_action.setStatusTip(refusal or tr("udemo_view"))
        for name, action in self.actions.items():
            view_class, _key = self.views[name]
            refusal = admin_refusal(self.desk, view_class.VIEW_KEY) if view_class.ADMIN_ONLY else None
            action.setEnabled(refusal is None)
            action.setToolTip(refusal or tr(view_class.VIEW_KEY))
            action.setStatusTip(refusal or tr(view_class.VIEW_KEY))

    def retranslate(self, _language: str = "") -> None:
        self.menu.setTitle(tr("uis_menu_office"))
        for name, action in self.actions.items():
            action.setText(tr(self.views[name][1]))
        self.demo_action.setText(tr("udemo_action"))
        self.store_action.setText(tr("ust_action"))
        self.update_permissions()
