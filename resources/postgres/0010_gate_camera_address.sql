-- 0010_gate_camera_address, as SQLite's. Shipped: never edit.
ALTER TABLE station ADD COLUMN camera_address text COLLATE "C";
