use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use serde::Deserialize;
use jsonwebtoken::{decode, DecodingKey, Validation};

/// The caller, from a valid bearer token.
#[derive(Debug, Deserialize)]
pub struct AuthUser {
    pub sub: String,
    pub exp: usize,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AuthUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Ok(secret) = std::env::var("JWT_SECRET") else {
            return Outcome::Error((Status::InternalServerError, ()));
        };
        let token = req
            .headers()
            .get_one("authorization")
            .and_then(|v| v.strip_prefix("Bearer "));
        let Some(token) = token else {
            return Outcome::Error((Status::Unauthorized, ()));
        };
        match decode::<AuthUser>(token, &DecodingKey::from_secret(secret.as_bytes()), &Validation::default()) {
            Ok(data) => Outcome::Success(data.claims),
            Err(_) => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}
