//! Money as the center works with it: typed and shown in 万元 (10,000 yuan) with up
//! to two decimals, stored exactly as whole yuan.

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a number like `1234.5` or `1,234.56`.
    #[error("enter an amount in 10,000 yuan, such as 1234.56")]
    Format,
    /// More than two decimals (finer than 100 yuan).
    #[error("at most two decimals (100 yuan)")]
    Precision,
    /// Negative where only positive amounts make sense.
    #[error("the amount cannot be negative")]
    Negative,
    /// Beyond any real company.
    #[error("the amount is too large")]
    TooLarge,
}

impl MoneyError {
    /// The locale key of the message shown beside the field.
    pub fn message_key(&self) -> &'static str {
        match self {
            MoneyError::Format => "field.money_format",
            MoneyError::Precision => "field.money_precision",
            MoneyError::Negative => "field.money_negative",
            MoneyError::TooLarge => "field.money_large",
        }
    }
}

/// Parses an amount typed in 万元 into yuan. Empty input is `None` (missing, not zero).
pub fn parse_wan(raw: &str, allow_negative: bool) -> Result<Option<i64>, MoneyError> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    if negative && !allow_negative {
        return Err(MoneyError::Negative);
    }
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(MoneyError::Format);
    }
    if frac.len() > 2 {
        return Err(MoneyError::Precision);
    }
    if int.len() > 12 {
        return Err(MoneyError::TooLarge);
    }
    let whole: i64 = int.parse().map_err(|_| MoneyError::Format)?;
    let cents: i64 = format!("{frac:0<2}")
        .parse()
        .map_err(|_| MoneyError::Format)?;
    let yuan = whole * 10_000 + cents * 100;
    Ok(Some(if negative { -yuan } else { yuan }))
}

/// Formats yuan as 万元 with two decimals and thousands separators: `1,234.56`.
pub fn format_wan(yuan: i64) -> String {
    let negative = yuan < 0;
    let abs = yuan.unsigned_abs();
    // Round to the nearest 100 yuan (0.01 万元).
    let hundredths = (abs + 50) / 100;
    let (int, frac) = (hundredths / 100, hundredths % 100);
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{frac:02}", if negative { "-" } else { "" })
}

/// The form value for an amount (plain, no separators), or empty when missing.
pub fn input_wan(yuan: Option<i64>) -> String {
    yuan.map(|y| format_wan(y).replace(',', ""))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wan_to_yuan() {
        assert_eq!(parse_wan("1234.56", false), Ok(Some(12_345_600)));
        assert_eq!(parse_wan(" 1,234.5 ", false), Ok(Some(12_345_000)));
        assert_eq!(parse_wan("0", false), Ok(Some(0)));
        assert_eq!(parse_wan("", false), Ok(None), "missing, not zero");
        assert_eq!(parse_wan("-12.3", true), Ok(Some(-123_000)));
        assert_eq!(parse_wan("-12.3", false), Err(MoneyError::Negative));
        assert_eq!(parse_wan("1.234", false), Err(MoneyError::Precision));
        assert_eq!(parse_wan("12a", false), Err(MoneyError::Format));
        assert_eq!(parse_wan(".5", false), Err(MoneyError::Format));
        assert_eq!(parse_wan("9999999999999", false), Err(MoneyError::TooLarge));
    }

    #[test]
    fn formats_yuan_as_wan() {
        assert_eq!(format_wan(12_345_600), "1,234.56");
        assert_eq!(format_wan(1_000_000_000), "100,000.00");
        assert_eq!(format_wan(-123_000), "-12.30");
        assert_eq!(format_wan(49), "0.00");
        assert_eq!(input_wan(Some(12_345_600)), "1234.56");
        assert_eq!(input_wan(None), "");
    }
}
