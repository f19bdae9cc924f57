"""Bookings on the schedule of the places: booking one or a series without clashes (bookings),
moving one in place (reschedule), the waitlist for when nothing is free, and the admin's closures
checked against the bookings they would meet (closure_admin), and the quick times and repeat rules
the booking dialog offers (quick_times). Named for the schedule rather
than "bookings", which would blur with the booking package and its Booking class.

May import: booking.store, booking.people, booking.places, booking.policy.
"""
