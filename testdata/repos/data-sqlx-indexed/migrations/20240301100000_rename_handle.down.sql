CREATE INDEX invoices_state_idx ON invoices (state);
ALTER TABLE accounts RENAME COLUMN username TO handle;
