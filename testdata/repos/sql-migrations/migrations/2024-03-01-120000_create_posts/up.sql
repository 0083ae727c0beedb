CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES accounts (id),
    title TEXT NOT NULL
);
CREATE INDEX posts_author_idx ON posts (author_id);
