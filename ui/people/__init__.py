"""The residents as the windows find them: the list of residents a find text matched, masked
(residents), which the booking dialog and the time-bank credits both search with. Its own
package so that ui.bookings and ui.money each import it without importing each other.

May import: booking.store, booking.people, ui.desk, ui.widgets.
"""
