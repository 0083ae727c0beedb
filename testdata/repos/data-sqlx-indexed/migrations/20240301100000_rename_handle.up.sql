-- Handles become usernames; the state index is replaced by reporting views.
ALTER TABLE accounts RENAME COLUMN handle TO username;
DROP INDEX invoices_state_idx;
