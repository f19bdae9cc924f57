"""The day board: every space and room down the side, the day's hours across, bookings as
blocks (day_board).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, ui.desk, ui.widgets.
"""
