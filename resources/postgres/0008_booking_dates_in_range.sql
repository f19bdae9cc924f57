-- 0008_booking_dates_in_range. Shipped: never edit.
-- On SQLite this migration cut the bookings older versions let run to 9999-12-31; a new
-- PostgreSQL store never held one (copy-store copies a SQLite store after its own 0008).
-- Here the rule of booking/store/validation.py is the database's own: a booking lies within
-- 2000-2099 and lasts at most 366 days, whatever code path writes.
ALTER TABLE booking ADD CONSTRAINT booking_in_range CHECK (
  start_at >= '2000-01-01 00:00' AND end_at <= '2099-12-31 23:59'
  AND linli_minute(end_at) - linli_minute(start_at) <= interval '366 days');
