"""The gates in the window: each car the plate cameras read, live, with the clerk's choices
(panel).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.gatehouse, ui.desk, ui.widgets.
"""
