"""The parking spaces and rooms (inventory), the scopes a rule or a closure covers (scopes),
the times they take no bookings (closures), China's public holidays and make-up workdays
(holidays), and the scan stations where passes are scanned (stations).

May import: booking.store, booking.people.
"""
