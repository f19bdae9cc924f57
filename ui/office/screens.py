"""The office: every admin command of app.py has its place in the window.

`VIEWS` are the office screens added to the 管理 (Manage) menu beside the residents,
spaces, clerks and audit views of ui/office/ (their menu is ui/office/admin.py). `ADMIN_SCREENS` names, for every
command that only an admin may run (entirely or in one of its options), where the
window does the same thing; tests/ui/office/test_office_commands.py drives each of them and
fails when a command has no entry here, so a new admin command cannot ship without
a screen.
"""
from __future__ import annotations

from booking.store.i18n import tr
from ui.office.base import _View
from ui.office.closures import ClosuresView, HolidaysView
from ui.office.settings import KeysSettingsView, NoShowView, StationsView, TariffsView

VIEWS: dict[str, tuple[type[_View], str]] = {
    "closures": (ClosuresView, "uio_menu_closures"),
    "holidays": (HolidaysView, "uio_menu_holidays"),
    "tariffs": (TariffsView, "uio_menu_tariffs"),
    "noshow": (NoShowView, "uio_menu_noshow"),
    "stations": (StationsView, "uio_menu_stations"),
    "keys": (KeysSettingsView, "uio_menu_keys"),
}

# command -> (menu, place, what to do there): message keys, read as 管理 › 关闭时段 › 添加.
ADMIN_SCREENS: dict[str, tuple[str, str, str]] = {
    "closure add": ("uio_path_manage", "uio_view_closures", "uio_do_add"),
    "closure edit": ("uio_path_manage", "uio_view_closures", "uio_do_edit"),
    "closure holidays": ("uio_path_manage", "uio_view_closures", "uio_do_holidays"),
    "closure remove": ("uio_path_manage", "uio_view_closures", "uio_do_remove"),
    "holiday set": ("uio_path_manage", "uio_view_holidays", "uio_do_set_year"),
    "holiday clear": ("uio_path_manage", "uio_view_holidays", "uio_do_clear_year"),
    "resource add": ("uio_path_manage", "uis_view_resources", "uio_do_add"),
    "resource rename": ("uio_path_manage", "uis_view_resources", "uio_do_edit"),
    "resource edit": ("uio_path_manage", "uis_view_resources", "uio_do_edit"),
    "resource disable": ("uio_path_manage", "uis_view_resources", "uio_do_disable"),
    "resource enable": ("uio_path_manage", "uis_view_resources", "uio_do_disable"),
    "rule set": ("uio_path_manage", "uis_view_resources", "uio_do_rule"),
    "station add": ("uio_path_manage", "uio_view_stations", "uio_do_add"),
    "station remove": ("uio_path_manage", "uio_view_stations", "uio_do_remove"),
    "gate password": ("uio_path_manage", "uio_view_stations", "uio_do_camera_password"),
    "tariff set": ("uio_path_manage", "uio_view_tariffs", "uio_do_edit"),
    "restriction rule": ("uio_path_manage", "uio_view_noshow", "uio_do_rule"),
    "restriction lift": ("uio_path_manage", "uio_view_noshow", "uio_do_lift"),
    "key rotate": ("uio_path_manage", "uio_view_keys", "uio_do_rotate"),
    "credits rate": ("uio_path_manage", "uio_view_keys", "uio_do_rate"),
    "waitlist offer-time": ("uio_path_manage", "uio_view_keys", "uio_do_offer"),
    "clerk add": ("uio_path_manage", "uis_view_clerks", "uio_do_add"),
    "clerk passwd": ("uio_path_manage", "uis_view_clerks", "uio_do_password"),
    "clerk disable": ("uio_path_manage", "uis_view_clerks", "uio_do_disable"),
    "clerk enable": ("uio_path_manage", "uis_view_clerks", "uio_do_disable"),
    "clerk list": ("uio_path_manage", "uis_view_clerks", "uio_do_list"),
    "audit": ("uio_path_manage", "uis_view_audit", "uio_do_open"),
    "demo": ("uio_path_manage", "uio_do_demo", "uio_do_open"),
    "restore": ("uio_path_file", "uio_do_restore", "uio_do_open"),
    "refund": ("uio_path_details", "uio_do_refund", "uio_do_open"),
    "ledger": ("uio_path_money", "uio_do_ledger", "uio_do_open"),
    "credits add": ("uio_path_money", "uio_do_credits", "uio_do_open"),
    "export": ("uio_path_reports", "uio_do_export", "uio_do_open"),
    "copy-store": ("uio_path_manage", "ust_title", "uio_do_copy_store"),
}


def menu_path(command: str) -> str:
    """Where the window does what `command` does, in the user's language: '管理 › 关闭时段 › 添加'."""
    menu, place, action = ADMIN_SCREENS[command]
    parts = [tr(menu), tr(place)] + ([] if action == "uio_do_open" else [tr(action)])
    return " › ".join(parts)
