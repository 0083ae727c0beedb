DROP INDEX posts_author_idx;
DROP TABLE posts;
