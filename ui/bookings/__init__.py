"""One booking at a time: the booking dialog that finds the resident and the time
(booking_dialog), a booking's details with what the desk can do with it (details), and the
waitlist at the desk (waitlist). details takes payments through ui.money's cash desk, which
in turn finds residents with the booking dialog's model: the later split of details.py
along its seams (its charge panel) is where that loop between the two packages ends.

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, ui.desk, ui.widgets, ui.board, ui.money,
ui.passes.
"""
