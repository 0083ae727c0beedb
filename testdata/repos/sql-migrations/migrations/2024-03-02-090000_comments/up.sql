CREATE TABLE comments (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL,
    writer_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    FOREIGN KEY (writer_id) REFERENCES accounts (id)
);
CREATE INDEX comments_post_idx ON comments (post_id);
ALTER TABLE comments RENAME COLUMN writer_id TO author_id;
