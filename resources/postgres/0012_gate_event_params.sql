-- 0012_gate_event_params, as SQLite's. Shipped: never edit.
ALTER TABLE gate_event ADD COLUMN reason_params text COLLATE "C";
