//! Administrative division codes (GB/T 2260) used for districts and data scope.

use std::fmt;

/// A six-digit GB/T 2260 county-level code, such as `370212` (Laoshan, Qingdao).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistrictCode(String);

/// Why a district code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("district code must be six digits (GB/T 2260), such as 370212")]
pub struct BadDistrictCode;

impl DistrictCode {
    /// Checks the shape: six ASCII digits, province part not `00`.
    pub fn parse(raw: &str) -> Result<Self, BadDistrictCode> {
        let s = raw.trim();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with("00") {
            Ok(DistrictCode(s.to_string()))
        } else {
            Err(BadDistrictCode)
        }
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_six_digits() {
        assert_eq!(DistrictCode::parse(" 370212 ").unwrap().as_str(), "370212");
        assert!(DistrictCode::parse("37021").is_err());
        assert!(DistrictCode::parse("37021a").is_err());
        assert!(DistrictCode::parse("001234").is_err());
    }
}
