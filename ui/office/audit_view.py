"""The audit log view (admin only): read only, newest first, searchable (AuditView).
"""
from __future__ import annotations

from booking.store.i18n import define, tr
from ui.office.admin_models import AuditModel
from ui.widgets.tables import read_only_view
from ui.office.base import _View, fit_columns

define(
    uis_search_audit=("操作人、操作、对象、编号或理由", "Who, action, record, id or reason"),
)


class AuditView(_View):
    """The audit log, read only, newest first, searchable."""

    VIEW_KEY = "uis_view_audit"

    def build(self) -> None:
        self.model = AuditModel(self.desk.store, self)
        self.search = self._search_box("uis_search_audit", self.model.search)
        self.table = read_only_view(self.model, self, fit=False, striped=True)
        self.layout_.addWidget(self.search)
        self.layout_.addWidget(self.table, 1)
        fit_columns(self.table)

    def on_changed(self, what: set[str]) -> None:
        if what:  # every change is logged
            self.model.refresh()

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.search.setPlaceholderText(tr("uis_search_audit"))
        self.model.retranslate()
