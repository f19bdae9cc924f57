"""The day board: every space and room down the side, the day's hours across, bookings as
blocks. The widget (day_board) is built from a model (model: the rows, each day's blocks, the
texts and colours), a filter proxy (filter), a delegate that paints the blocks (delegate) and the
table view that turns clicks and drags into bookings (view).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, ui.desk, ui.widgets.
"""
