-- no-transaction
DROP INDEX CONCURRENTLY invoices_state_issued_idx;
DROP INDEX CONCURRENTLY accounts_username_idx;
