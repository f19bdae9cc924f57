"""The PostgreSQL store's own parts: its schema as ordered migrations (the scripts in
resources/postgres/, applied by migrate), and the one write lock every write takes first (locking).

The domain's SQL is shared with SQLite (SQLAlchemy Core `text()` with named binds); what only the
server needs lives here, in one place, as booking/store/connection.py is SQLite's.

May import: booking.store.
"""
