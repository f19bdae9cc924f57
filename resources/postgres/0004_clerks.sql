-- 0004_clerks, as SQLite's. Shipped: never edit.
-- Only a salted key-derivation hash is kept, with the function and its parameters beside it.
CREATE TABLE clerk (
  name text COLLATE "C" PRIMARY KEY,
  display_name text COLLATE "C" NOT NULL,
  role text COLLATE "C" NOT NULL CHECK (role IN ('clerk', 'admin')),
  kdf text COLLATE "C" NOT NULL,
  kdf_params text COLLATE "C" NOT NULL,
  salt text COLLATE "C" NOT NULL,
  password_hash text COLLATE "C" NOT NULL,
  active bigint NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C"
);
