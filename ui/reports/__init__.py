"""Reports in the window and on paper: the monthly summary and the export (report_views), the
heat-map picture (heatmap), printing the daily sheet (printing), and the handlers of the
`sheet` and `heatmap` commands, which draw them (sheet_commands).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.cli.registry, ui.desk, ui.widgets,
ui.passes.
"""
