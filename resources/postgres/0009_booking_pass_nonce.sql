-- 0009_booking_pass_nonce, as SQLite's. Shipped: never edit.
-- Each booking gets a random nonce in the store, whatever path adds it; a given one is kept
-- (copy-store brings the nonces of a SQLite store, NULL for bookings made before 0009).
-- The server seeds random() per session from a strong source, so two copies never agree.
ALTER TABLE booking ADD COLUMN pass_nonce bigint;
CREATE FUNCTION linli_booking_pass_nonce() RETURNS trigger
LANGUAGE plpgsql
AS $$ BEGIN
  IF NEW.pass_nonce IS NULL THEN
    NEW.pass_nonce := floor(random() * 1000000000)::bigint;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER booking_pass_nonce BEFORE INSERT ON booking
  FOR EACH ROW EXECUTE FUNCTION linli_booking_pass_nonce();
