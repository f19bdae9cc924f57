"""One booking at a time: the booking dialog that finds the resident and the time
(booking_dialog), a booking's details with what the desk can do with it (details) and its
charge, payments and refunds (charge_panel), the pass of a booking just made (pass_dialog), and
the waitlist at the desk (waitlist). The charge panel takes payments through ui.money's cash
desk; the dialog finds residents with ui.people's model, as ui.money does, so ui.money never
imports this package back.

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, ui.desk, ui.widgets, ui.people, ui.board,
ui.money, ui.passes.
"""
