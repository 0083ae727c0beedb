-- migrate:up
CREATE TABLE reactions (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id),
    kind TEXT NOT NULL
);
CREATE INDEX reactions_post_idx ON reactions (post_id);

-- migrate:down
DROP INDEX reactions_post_idx;
DROP TABLE reactions;
