"""The office (管理 menu): where every admin command of app.py has its screen (screens), the
residents, spaces, rules, clerks and audit views and their form base (admin, admin_models),
closures and the holiday calendar (closures), the settings screens (settings), the pieces they
share (common), and the residents import and demo data dialogs (import_dialog, demo_dialog).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.ops, booking.gatehouse, ui.desk,
ui.widgets, ui.passes.
"""
