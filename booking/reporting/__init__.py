"""What the office reads and prints, as data: the monthly summary and heat-map matrices
(reports), the daily occupancy sheet (sheet), the bookings of a period as CSV or Excel
(exports), and which printer an unattended print may use (printers). ui/ only draws them.

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin.
"""
