-- 0011_message_params, as SQLite's. Shipped: never edit.
ALTER TABLE scan ADD COLUMN reason_params text COLLATE "C";
ALTER TABLE audit ADD COLUMN reason_key text COLLATE "C";
ALTER TABLE audit ADD COLUMN reason_params text COLLATE "C";
