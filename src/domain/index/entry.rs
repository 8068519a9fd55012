//! Checking typed or imported indicator values: what a cell means (a number, a
//! blank, a request to clear) and whether a number fits the indicator's unit.
//!
//! Rules:
//! - blank means missing (never 0);
//! - a number must be finite; thousands separators (`,`) and surrounding spaces
//!   are tolerated;
//! - `%`: from 0 to 100; scores (`分`): from 0 to 100; yes/no (`是/否`): 0 or 1;
//! - counts (`件`, `项`, `家`, `轮`, `年`, `名`, `人`, `次`, `级`): 0 or more;
//! - expert scores: from 0 to 100.

/// Why a typed value was refused; each is a locale key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueProblem {
    NotANumber,
    Percent,
    Score,
    YesNo,
    Negative,
}

impl ValueProblem {
    /// The locale key of the message shown next to the field.
    pub fn key(self) -> &'static str {
        match self {
            ValueProblem::NotANumber => "index_data.not_number",
            ValueProblem::Percent => "index_data.percent_range",
            ValueProblem::Score => "index_data.score_range",
            ValueProblem::YesNo => "index_data.yes_no",
            ValueProblem::Negative => "index_data.negative",
        }
    }
}

/// Units whose figures are counts (0 or more).
pub const COUNT_UNITS: &[&str] = &[
    "件",
    "项",
    "家",
    "轮",
    "年",
    "名",
    "人",
    "次",
    "级",
    "件/百人",
];

fn number(text: &str) -> Result<Option<f64>, ValueProblem> {
    let t = text.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(ValueProblem::NotANumber),
    }
}

/// Parses a typed value for an indicator with `unit`: `Ok(None)` for a blank.
pub fn parse_value(text: &str, unit: &str) -> Result<Option<f64>, ValueProblem> {
    let Some(v) = number(text)? else {
        return Ok(None);
    };
    let unit = unit.trim();
    if unit == "%" && !(0.0..=100.0).contains(&v) {
        return Err(ValueProblem::Percent);
    }
    if unit == "分" && !(0.0..=100.0).contains(&v) {
        return Err(ValueProblem::Score);
    }
    if unit == "是/否" && v != 0.0 && v != 1.0 {
        return Err(ValueProblem::YesNo);
    }
    if COUNT_UNITS.contains(&unit) && v < 0.0 {
        return Err(ValueProblem::Negative);
    }
    Ok(Some(v))
}

/// Parses an expert's score (0..100): `Ok(None)` for a blank.
pub fn parse_score(text: &str) -> Result<Option<f64>, ValueProblem> {
    match number(text)? {
        Some(v) if !(0.0..=100.0).contains(&v) => Err(ValueProblem::Score),
        other => Ok(other),
    }
}

/// What one cell of an import asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// Blank: leave the stored value as it is.
    NotGiven,
    /// `-`: clear the stored value (missing).
    Clear,
    Value(f64),
}

/// Reads one import cell for an indicator with `unit`.
pub fn parse_cell(text: &str, unit: &str) -> Result<Cell, ValueProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Cell::NotGiven);
    }
    if t == "-" {
        return Ok(Cell::Clear);
    }
    Ok(parse_value(t, unit)?.map_or(Cell::NotGiven, Cell::Value))
}

/// A stored value as shown in a form field (no trailing `.0`; blank when missing).
pub fn show(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(x) if x == x.trunc() && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => {
            let s = format!("{x:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// Whether what the user typed means the same value as `stored` (a form field
/// left as it was shown is no change, even written differently).
pub fn same(typed: &str, stored: Option<f64>) -> bool {
    number(typed).is_ok_and(|v| same_value(v, stored))
}

/// Whether two values are the same as far as a form can tell (a shown value is
/// rounded to 6 decimals; both missing is the same).
pub fn same_value(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6_f64.max(1e-9 * a.abs().max(b.abs())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_missing_not_zero() {
        assert_eq!(parse_value("", "%"), Ok(None));
        assert_eq!(parse_value("   ", "件"), Ok(None));
        assert_eq!(parse_value("0", "件"), Ok(Some(0.0)));
    }

    #[test]
    fn numbers_must_be_finite() {
        assert_eq!(parse_value("abc", "万元"), Err(ValueProblem::NotANumber));
        assert_eq!(parse_value("NaN", "万元"), Err(ValueProblem::NotANumber));
        assert_eq!(parse_value("inf", "万元"), Err(ValueProblem::NotANumber));
        assert_eq!(parse_value("1,234.5", "万元"), Ok(Some(1234.5)));
        assert_eq!(parse_value("-20", "万元"), Ok(Some(-20.0)));
    }

    #[test]
    fn units_bound_the_value() {
        assert_eq!(parse_value("100", "%"), Ok(Some(100.0)));
        assert_eq!(parse_value("100.1", "%"), Err(ValueProblem::Percent));
        assert_eq!(parse_value("-1", "%"), Err(ValueProblem::Percent));
        assert_eq!(parse_value("101", "分"), Err(ValueProblem::Score));
        assert_eq!(parse_value("2", "是/否"), Err(ValueProblem::YesNo));
        assert_eq!(parse_value("1", "是/否"), Ok(Some(1.0)));
        assert_eq!(parse_value("-3", "项"), Err(ValueProblem::Negative));
        assert_eq!(parse_value("3", "项"), Ok(Some(3.0)));
    }

    #[test]
    fn scores_are_0_to_100() {
        assert_eq!(parse_score("85.5"), Ok(Some(85.5)));
        assert_eq!(parse_score(""), Ok(None));
        assert_eq!(parse_score("120"), Err(ValueProblem::Score));
        assert_eq!(parse_score("x"), Err(ValueProblem::NotANumber));
    }

    #[test]
    fn import_cells() {
        assert_eq!(parse_cell("", "%"), Ok(Cell::NotGiven));
        assert_eq!(parse_cell(" - ", "%"), Ok(Cell::Clear));
        assert_eq!(parse_cell("12", "%"), Ok(Cell::Value(12.0)));
        assert_eq!(parse_cell("120", "%"), Err(ValueProblem::Percent));
    }

    #[test]
    fn shown_and_compared() {
        assert_eq!(show(Some(12.0)), "12");
        assert_eq!(show(Some(12.5)), "12.5");
        assert_eq!(show(None), "");
        assert!(same("12.0", Some(12.0)));
        assert!(same("", None));
        assert!(!same("", Some(0.0)));
        assert!(!same("13", Some(12.0)));
    }
}
