-- no-transaction
-- CONCURRENTLY cannot run inside the transaction sqlx would open.
CREATE INDEX CONCURRENTLY accounts_username_idx ON accounts (username);
CREATE INDEX CONCURRENTLY invoices_state_issued_idx ON invoices (state, issued_at);
