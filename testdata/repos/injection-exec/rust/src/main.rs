//! Entry point: the handlers live in the modules below.
mod actix_handlers;
mod axum_handlers;
mod rocket_handlers;

fn main() {}
