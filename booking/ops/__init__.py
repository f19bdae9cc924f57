"""Looking after the installation: a store ready for the desk, migrated and seeded (setup),
backups (backup), restore (restore), the same two for a store on the PostgreSQL server
(serverbackup, serverrestore), what those report back (outcomes), the start-up check (startup) and
the file checks those share (storefile), the self-test of the whole desk (selftest),
and a store full of believable history (demo).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting.
"""
