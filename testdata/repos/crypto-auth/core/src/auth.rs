//! Token issuing and checking for the core service.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, TokenData, Validation};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::{OsRng, SmallRng};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Serialize, Deserialize)]
pub struct Claims {
    sub: String,
    exp: usize,
}

#[derive(Serialize)]
struct InviteClaims {
    sub: String,
    team: String,
}

pub fn check(token: &str, key: &DecodingKey) -> jsonwebtoken::errors::Result<TokenData<Claims>> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false; // expect: jwt-verification-disabled
    decode::<Claims>(token, key, &validation)
}

pub fn check_strict(token: &str, key: &DecodingKey) -> jsonwebtoken::errors::Result<TokenData<Claims>> {
    let validation = Validation::new(Algorithm::RS256);
    decode::<Claims>(token, key, &validation)
}

pub fn invite(team: &str, user: &str, key: &EncodingKey) -> jsonwebtoken::errors::Result<String> {
    let claims = InviteClaims { sub: user.to_owned(), team: team.to_owned() };
    encode(&Header::default(), &claims, key) // expect: jwt-without-expiry
}

pub fn issue(user: &str, exp: usize, key: &EncodingKey) -> jsonwebtoken::errors::Result<String> {
    let claims = Claims { sub: user.to_owned(), exp };
    encode(&Header::default(), &claims, key)
}

pub fn generate_session_id() -> String {
    let mut rng = SmallRng::from_entropy(); // expect: insecure-random-token
    (0..32).map(|_| rng.sample(Alphanumeric) as char).collect()
}

pub fn generate_api_key() -> String {
    Alphanumeric.sample_string(&mut OsRng, 40)
}

pub fn hash_password(password: &str) -> String {
    let digest = Sha256::digest(password.as_bytes()); // expect: weak-password-hash
    format!("{digest:x}")
}

pub fn checksum(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("{digest:x}")
}

pub fn legacy_cipher() -> openssl::symm::Cipher {
    openssl::symm::Cipher::des_ede3_cbc() // expect: weak-cipher
}
