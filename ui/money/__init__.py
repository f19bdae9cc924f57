"""Money in the window: the payment dialog and the shift report (cashdesk), the office's monthly
statement for the welfare fund and the time-bank credits (money_views), and a ledger entry's
receipt (receipt).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, ui.desk, ui.widgets, ui.people, ui.passes.
"""
