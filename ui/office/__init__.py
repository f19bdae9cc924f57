"""The office (管理 menu): where every admin command of app.py has its screen (screens), the
residents, spaces and rules, clerks and audit views (residents_view, resources_view,
clerks_view, audit_view) with their table models (admin_models), the view and form base they
are built on (base) and the menu that opens them (admin),
closures and the holiday calendar (closures), the settings screens (settings), the pieces they
share (common), and the residents import and demo data dialogs (import_dialog, demo_dialog).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.ops, booking.gatehouse, ui.desk,
ui.widgets, ui.passes.
"""
