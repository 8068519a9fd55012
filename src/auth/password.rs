//! Password hashing with argon2id (m = 19456 KiB, t = 2, p = 1).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
/// Slow on purpose: call it inside `web::block`.
pub fn hash(password: &str) -> anyhow::Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
}

/// Checks a password against a stored PHC string. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, checked when a sign-in names no account, so
/// that a wrong name takes as long as a wrong password.
pub fn dummy_hash() -> String {
    hash(&generate_temporary()).expect("hashing a random password works")
}

/// A random temporary password an admin hands over: 4 groups of 4 characters
/// from an alphabet without look-alikes (0/O, 1/l/I), about 95 bits.
pub fn generate_temporary() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_cost() {
        let h = hash("Laoshan-tea-ferry-42").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("Laoshan-tea-ferry-42", &h));
        assert!(!verify("Laoshan-tea-ferry-43", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn temporary_passwords_pass_the_policy() {
        for _ in 0..20 {
            let p = generate_temporary();
            assert_eq!(p.chars().count(), 19);
            assert_eq!(crate::domain::password_policy::check(&p, "someone"), Ok(()));
        }
    }
}
