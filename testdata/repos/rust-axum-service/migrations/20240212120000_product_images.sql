CREATE TABLE product_images (
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);

CREATE INDEX products_category_idx ON products (category_id);
