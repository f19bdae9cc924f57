"""What a booking costs and where the money goes: tariffs in integer fen (fees), the ledger of
the service company's takings for the welfare fund (ledger), and volunteer hours that pay for
bookings: the time-bank account (timebank), and earning and redeeming hours (credits).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule.
"""
