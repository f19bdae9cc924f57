-- 0013_foreign_key_indexes, as SQLite's: the foreign keys into booking and scan that had no index,
-- so a removed row's check read the whole child table (a restore's DELETEs above all). Shipped: never edit.
CREATE INDEX idx_booking_resident_id ON booking (resident_id);
CREATE INDEX idx_gate_event_booking_id ON gate_event (booking_id);
CREATE INDEX idx_gate_event_suggested_id ON gate_event (suggested_id);
CREATE INDEX idx_gate_event_scan_id ON gate_event (scan_id);
