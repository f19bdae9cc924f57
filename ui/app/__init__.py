"""The program around the views: starting it (main), the desk window that holds every view
(mainwindow), sign-in at start (signin), one desk window per store (instance), unexpected
errors (errors), backups at start and in the File menu (backups), and the handler of the
`self-test` command with its Qt checks (selftest). Nothing below imports it.

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.ops, booking.gatehouse, booking.cli,
ui.desk, ui.widgets, ui.people, ui.board, ui.bookings, ui.passes, ui.money, ui.office, ui.reports,
ui.gates.
"""
