// @generated automatically by Diesel CLI.

diesel::table! {
    posts (id) {
        id -> Int8,
        author_id -> Int4,
        title -> Text,
        body -> Text,
        published -> Bool,
        published_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    users (id) {
        id -> Int4,
        #[max_length = 255]
        email -> Varchar,
        display_name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(posts -> users (author_id));

diesel::allow_tables_to_appear_in_same_query!(posts, users,);
