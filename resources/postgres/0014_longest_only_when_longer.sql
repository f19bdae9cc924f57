-- 0014_longest_only_when_longer, as SQLite's. Shipped: never edit.
-- booking_longest rewrote the resource's row after every new booking (a new row version, its WAL,
-- and a row lock held to the COMMIT), though nearly every booking is no longer than one the
-- resource has had. It now writes only when the booking is the longest yet.
CREATE OR REPLACE FUNCTION linli_booking_longest() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  minutes bigint := round(extract(epoch FROM linli_minute(NEW.end_at) - linli_minute(NEW.start_at)) / 60)::bigint;
BEGIN
  UPDATE resource SET longest_minutes = minutes
  WHERE id = NEW.resource_id AND longest_minutes < minutes;
  RETURN NULL;
END $$;
