//! The password policy: long enough, not too long, not a known common password.

/// Fewest characters accepted.
pub const MIN_CHARS: usize = 12;
/// Most characters accepted (argon2 would take more, but nobody types more).
pub const MAX_CHARS: usize = 128;

static COMMON: &str = include_str!("common-passwords.txt");

/// Why a proposed password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("password must have at least 12 characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("password may have at most 128 characters")]
    TooLong,
    /// Appears in the common-passwords list (case-insensitive).
    #[error("password is on the list of commonly used passwords")]
    Common,
    /// Contains the account name.
    #[error("password must not contain the username")]
    ContainsUsername,
    /// One character repeated, like `aaaaaaaaaaaa`.
    #[error("password must not be one character repeated")]
    Repetitive,
}

impl PasswordProblem {
    /// The locale key for the message shown beside the field.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "field.password_short",
            PasswordProblem::TooLong => "field.password_long",
            PasswordProblem::Common => "field.password_common",
            PasswordProblem::ContainsUsername => "field.password_username",
            PasswordProblem::Repetitive => "field.password_repetitive",
        }
    }
}

fn is_common(candidate: &str) -> bool {
    let needle = candidate.trim().to_lowercase();
    COMMON
        .lines()
        .filter(|l| !l.starts_with("# "))
        .any(|l| l == needle)
}

/// Checks a new password for the account `username`.
pub fn check(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) {
        return Err(PasswordProblem::Repetitive);
    }
    let user = username.trim().to_lowercase();
    if user.len() >= 3 && password.to_lowercase().contains(&user) {
        return Err(PasswordProblem::ContainsUsername);
    }
    if is_common(password) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_long_unusual_password() {
        assert_eq!(check("Laoshan-tea-ferry-42", "zhangwei"), Ok(()));
        assert_eq!(check(&"ab".repeat(64), "zhangwei"), Ok(()));
        // characters, not bytes: twelve Chinese characters are enough
        assert_eq!(
            check("青岛啤酒节崂山绿茶好喝", "zhangwei").err(),
            Some(PasswordProblem::TooShort)
        );
        assert_eq!(check("青岛啤酒节崂山绿茶很好喝", "zhangwei"), Ok(()));
    }

    #[test]
    fn refuses_by_length() {
        assert_eq!(check("short-pass1", "u1"), Err(PasswordProblem::TooShort));
        assert_eq!(check(&"ab".repeat(65), "u1"), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn refuses_common_passwords_case_insensitively() {
        assert_eq!(check("qwerty123456", "u1"), Err(PasswordProblem::Common));
        assert_eq!(check("1QAZ2WSX3EDC", "u1"), Err(PasswordProblem::Common));
    }

    #[test]
    fn refuses_username_and_repetition() {
        assert_eq!(
            check("xx-zhangwei-2026", "ZhangWei"),
            Err(PasswordProblem::ContainsUsername)
        );
        assert_eq!(
            check("aaaaaaaaaaaaaa", "u1"),
            Err(PasswordProblem::Repetitive)
        );
    }

    #[test]
    fn list_is_loaded() {
        assert!(COMMON.lines().filter(|l| !l.starts_with("# ")).count() > 10_000);
    }
}
