//! The product's knowledge: pure rules with their tests beside them.
//! Nothing here knows about HTTP or SQL.

/// Gives a fieldless enum its stable text form for the database and forms:
/// `as_str`, `FromStr`, `TryFrom<String>` (for diesel's `deserialize_as`) and `Display`.
macro_rules! text_enum {
    ($t:ty, $err:literal, [$($v:path => $s:literal),+ $(,)?]) => {
        impl $t {
            /// The stable name stored in the database and used in forms.
            pub fn as_str(self) -> &'static str {
                match self { $($v => $s),+ }
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim() { $($s => Ok($v),)+ other => Err(format!($err, other)) }
            }
        }
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> { s.parse() }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// An optional `YYYY-MM-DD` date as typed in a form: empty is `None`; anything else
/// that is not a date is refused with the message key `field.date`.
pub fn parse_date(raw: &str) -> Result<Option<chrono::NaiveDate>, &'static str> {
    match raw.trim() {
        "" => Ok(None),
        s => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| "field.date"),
    }
}

pub mod annual;
pub mod assessment;
pub mod credit_code;
pub mod cultivation;
pub mod dashboard;
pub mod district;
pub mod enterprise;
pub mod financing;
pub mod index;
pub mod industry;
pub mod locale;
pub mod money;
pub mod notification;
pub mod partner;
pub mod password_policy;
pub mod qualification;
pub mod role;
pub mod rubric;
pub mod scope;
pub mod sheet;
pub mod throttle;
pub mod tier;
pub mod training;
pub mod username;
