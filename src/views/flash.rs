//! One-time messages shown after a redirect (post-redirect-get), carried in a
//! signed cookie as a locale key plus an optional argument.

use actix_web::cookie::{Cookie, Key, SameSite};
use serde::{Deserialize, Serialize};

/// The flash cookie's name.
pub const FLASH_COOKIE: &str = "srdi_flash";

/// How a flash message is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

impl FlashKind {
    /// The CSS class suffix.
    pub fn css(self) -> &'static str {
        match self {
            FlashKind::Success => "success",
            FlashKind::Info => "info",
            FlashKind::Error => "error",
        }
    }
}

/// A message for the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    /// Locale key of the text; `%{arg}` in it is replaced by `arg`.
    pub key: String,
    pub arg: Option<String>,
}

impl Flash {
    /// A success message.
    pub fn success(key: &str) -> Flash {
        Flash {
            kind: FlashKind::Success,
            key: key.into(),
            arg: None,
        }
    }

    /// An informational message.
    pub fn info(key: &str) -> Flash {
        Flash {
            kind: FlashKind::Info,
            key: key.into(),
            arg: None,
        }
    }

    /// Adds the `%{arg}` value.
    pub fn with_arg(mut self, arg: impl Into<String>) -> Flash {
        self.arg = Some(arg.into());
        self
    }

    /// The cookie value.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a cookie value (already signature-checked).
    pub fn decode(value: &str) -> Option<Flash> {
        serde_json::from_str(value).ok()
    }

    /// The signed cookie carrying this message.
    pub fn cookie(&self, key: &Key, https: bool) -> Cookie<'static> {
        let c = Cookie::build(FLASH_COOKIE, self.encode())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(https)
            .finish();
        crate::auth::session::sign(key, c)
    }
}

impl Flash {
    /// An error message.
    pub fn error(key: &str) -> Flash {
        Flash {
            kind: FlashKind::Error,
            key: key.into(),
            arg: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let f = Flash::success("flash.user_created").with_arg("li.na");
        assert_eq!(Flash::decode(&f.encode()), Some(f));
        assert_eq!(Flash::decode("garbage"), None);
    }
}
