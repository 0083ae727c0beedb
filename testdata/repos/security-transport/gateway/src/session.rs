//! Session cookies of the gateway.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

pub fn remember(jar: CookieJar, session_id: String, theme: String) -> CookieJar {
    let session = Cookie::build(("session", session_id)) // expect: insecure-cookie
        .path("/")
        .same_site(SameSite::Lax);
    jar.add(session).add(Cookie::new("theme", theme))
}

pub fn login(jar: CookieJar, token: String) -> CookieJar {
    jar.add(
        Cookie::build(("auth_token", token))
            .path("/")
            .http_only(true)
            .secure(true)
            .same_site(SameSite::Strict),
    )
}
