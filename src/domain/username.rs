//! Account names: short, lowercase, safe to show anywhere.

use std::fmt;

/// A valid account name: 3-32 characters of a-z, 0-9, `.`, `_`, `-`, starting with a
/// letter or digit. Stored lowercase so that `Zhang` and `zhang` are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

/// Why a proposed account name was refused (the message says what to fix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Shorter than 3 or longer than 32 characters.
    #[error("username must be 3 to 32 characters long")]
    Length,
    /// A character outside a-z, 0-9, '.', '_' and '-'.
    #[error("username may only contain letters a-z, digits, '.', '_' and '-'")]
    Charset,
    /// Starts with punctuation.
    #[error("username must start with a letter or digit")]
    Start,
}

impl UsernameError {
    /// The locale key for the message shown beside the field.
    pub fn message_key(&self) -> &'static str {
        match self {
            UsernameError::Length => "field.username_length",
            UsernameError::Charset => "field.username_charset",
            UsernameError::Start => "field.username_start",
        }
    }
}

impl Username {
    /// Normalises (trim, lowercase) and checks a proposed name.
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let name = raw.trim().to_lowercase();
        let len = name.chars().count();
        if !(3..=32).contains(&len) {
            return Err(UsernameError::Length);
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(UsernameError::Charset);
        }
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(UsernameError::Start);
        }
        Ok(Username(name))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Username::parse("  Zhang.Wei ").unwrap().as_str(),
            "zhang.wei"
        );
    }

    #[test]
    fn refuses_bad_names() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse(&"a".repeat(33)), Err(UsernameError::Length));
        assert_eq!(Username::parse("张伟伟"), Err(UsernameError::Charset));
        assert_eq!(Username::parse("a b c"), Err(UsernameError::Charset));
        assert_eq!(Username::parse("<script>"), Err(UsernameError::Charset));
        assert_eq!(Username::parse("_admin"), Err(UsernameError::Start));
    }
}
