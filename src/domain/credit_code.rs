//! The unified social credit code (统一社会信用代码, GB 32100-2015) and the
//! organisation code inside it (GB 11714).

use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// An 18-character code that passed both check characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

/// Which rule a code broke, so the message can say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// Not 18 characters.
    #[error("a unified social credit code has 18 characters; this one has {0}")]
    Length(usize),
    /// A character outside the code alphabet (I, O, S, V, Z are never used).
    #[error(
        "character '{ch}' at position {pos} is not allowed (digits and A-Y without I, O, S, V, Z)"
    )]
    Character { pos: usize, ch: char },
    /// The GB 11714 organisation code (positions 9-17) has a wrong check character.
    #[error("the organisation code check (GB 11714, position 17) fails: expected '{expected}'")]
    OrganisationCheck { expected: char },
    /// The GB 32100 check character (position 18) is wrong.
    #[error("the credit code check character (GB 32100, position 18) fails: expected '{expected}'")]
    CodeCheck { expected: char },
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// GB 11714 value of an organisation-code character: digits 0-9, letters A=10 .. Z=35.
fn org_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        _ => u32::from(c - b'A') + 10,
    }
}

/// The GB 32100 check character for the first 17 characters (which must be valid).
fn code_check(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| value(c).unwrap_or(0) * w)
        .sum();
    ALPHABET[((31 - sum % 31) % 31) as usize] as char
}

/// The GB 11714 check character for the 8-character organisation body.
fn org_check(body: &[u8]) -> char {
    let sum: u32 = body
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(&c, w)| org_value(c) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

impl CreditCode {
    /// Checks a code; lowercase letters and surrounding spaces are accepted and normalised.
    pub fn parse(raw: &str) -> Result<Self, CreditCodeError> {
        let s = raw.trim().to_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(CreditCodeError::Length(n));
        }
        let b = s.as_bytes();
        if let Some((i, &c)) = b.iter().enumerate().find(|(_, c)| value(**c).is_none()) {
            return Err(CreditCodeError::Character {
                pos: i + 1,
                ch: c as char,
            });
        }
        let expected_org = org_check(&b[8..16]);
        if b[16] as char != expected_org {
            return Err(CreditCodeError::OrganisationCheck {
                expected: expected_org,
            });
        }
        let expected = code_check(&b[..17]);
        if b[17] as char != expected {
            return Err(CreditCodeError::CodeCheck { expected });
        }
        Ok(CreditCode(s))
    }

    /// Completes 16 characters (authority, type, division, organisation body) with both
    /// check characters. Used to make realistic demo data; `None` if the body's own
    /// check would need a character the credit-code alphabet lacks.
    pub fn complete(first16: &str) -> Option<Self> {
        let b = first16.as_bytes();
        if b.len() != 16 || b.iter().any(|&c| value(c).is_none()) {
            return None;
        }
        let org = org_check(&b[8..16]);
        let mut s = String::from(first16);
        s.push(org);
        value(org as u8)?;
        let check = code_check(s.as_bytes());
        s.push(check);
        Self::parse(&s).ok()
    }

    /// The normalised 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The GB/T 2260 division the code was registered in (characters 3-8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A published code (Haier Group Corporation, Qingdao).
    const REAL: &str = "91370200163562681G";

    #[test]
    fn accepts_real_code() {
        let c = CreditCode::parse(REAL).unwrap();
        assert_eq!(c.division(), "370200");
        assert_eq!(CreditCode::parse(&REAL.to_lowercase()).unwrap(), c);
    }

    #[test]
    fn names_the_failing_check() {
        assert_eq!(
            CreditCode::parse("9137020016356268"),
            Err(CreditCodeError::Length(16))
        );
        assert!(matches!(
            CreditCode::parse("91370200163562681I"),
            Err(CreditCodeError::Character { pos: 18, ch: 'I' })
        ));
        // change the organisation check character (position 17)
        assert!(matches!(
            CreditCode::parse("91370200163562682G"),
            Err(CreditCodeError::OrganisationCheck { expected: '1' })
        ));
        // change only the final check character
        assert!(matches!(
            CreditCode::parse("91370200163562681H"),
            Err(CreditCodeError::CodeCheck { expected: 'G' })
        ));
    }

    #[test]
    fn complete_builds_valid_codes() {
        let c = CreditCode::complete("9137021256789012").unwrap();
        assert!(CreditCode::parse(c.as_str()).is_ok());
        assert!(CreditCode::complete("short").is_none());
    }
}
