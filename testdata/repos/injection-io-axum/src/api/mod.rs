mod files;
mod previews;
mod users;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(files::routes())
        .merge(previews::routes())
        .merge(users::routes())
}
