-- 0003_scans, as SQLite's. Shipped: never edit.
-- A station checks in, checks out, or both (the desk does both).
ALTER TABLE station ADD COLUMN mode text COLLATE "C" NOT NULL DEFAULT 'both';
-- Partial indexes: only the few bookings still waiting for a check-in or a check-out.
CREATE INDEX booking_waiting ON booking (start_at) WHERE status = 'booked';
CREATE INDEX booking_inside ON booking (end_at) WHERE status = 'checked_in';
CREATE INDEX scan_station_at ON scan (station, at);
