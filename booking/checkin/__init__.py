"""Getting in and out: the signed, digits-only text in a pass's QR code (passcode), issuing a
booking's pass with the installation's keys (passes), what a pass shows besides its code
(passinfo), the scan that checks a booking in or out (scanning), and the sweep that marks the
bookings nobody checked in as no-shows and the ones not checked out as overstays (sweep).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money.
"""
