-- 0007_holidays, as SQLite's. Shipped: never edit.
CREATE TABLE holiday_year (
  year bigint PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  days_off text COLLATE "C" NOT NULL,
  workdays text COLLATE "C" NOT NULL,
  entered_at text COLLATE "C" NOT NULL,
  entered_by text COLLATE "C" NOT NULL
);
ALTER TABLE closure ADD COLUMN holidays bigint NOT NULL DEFAULT 0;
