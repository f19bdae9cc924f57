"""Who the desk serves and who works it: households by building-unit-door with their residents
and vehicles (residents), importing them from a CSV file (imports), and the clerk accounts that
sign in as a clerk or an admin (clerks).

May import: booking.store.
"""
