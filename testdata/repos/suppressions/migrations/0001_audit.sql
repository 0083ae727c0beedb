CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    -- redflag: ignore[foreign-key-without-index] append-only log; users are soft-deleted, never removed
    user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL
);

CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    user_id BIGINT REFERENCES users (id)
);
