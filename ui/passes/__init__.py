"""Passes and scans in the window: the scan panel and its banner (scan_panel), the self-service
scan station on a second screen (station), a webcam as the scanner (camera), a scan typed while
the focus is elsewhere (scancatcher), a pass's QR code as pixels (passimage) and as a printed
slip (slip), and the handler of the `pass` command, which draws them (pass_command).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.cli.registry, ui.desk, ui.widgets.
"""
