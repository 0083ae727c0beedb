use std::future::{ready, Ready};

use actix_web::{dev::Payload, error::ErrorUnauthorized, web, Error, FromRequest, HttpRequest};
use jsonwebtoken::{decode, DecodingKey, Validation};
use serde::Deserialize;

use crate::AppConfig;

/// The caller, from a valid bearer token.
#[derive(Debug, Deserialize)]
pub struct AuthUser {
    pub sub: String,
    pub exp: usize,
}

impl FromRequest for AuthUser {
    type Error = Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(config) = req.app_data::<web::Data<AppConfig>>() else {
            return ready(Err(ErrorUnauthorized("no config")));
        };
        let token = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let Some(token) = token else {
            return ready(Err(ErrorUnauthorized("missing token")));
        };
        let key = DecodingKey::from_secret(config.jwt_secret.as_bytes());
        ready(
            decode::<AuthUser>(token, &key, &Validation::default())
                .map(|data| data.claims)
                .map_err(|_| ErrorUnauthorized("invalid token")),
        )
    }
}
