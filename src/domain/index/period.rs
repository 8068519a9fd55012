//! Index periods: a year (`2025`) or a quarter (`2025Q3`), with the periods a
//! score is compared against (the previous one, the same one a year earlier) and
//! the year of annual figures its derived indicators read.

use std::fmt;
use std::str::FromStr;

/// First and last year a period may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A year or a quarter of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    /// 1..=4, or None for the whole year.
    pub quarter: Option<u8>,
}

/// Why a period was not understood; says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a period: write a year such as 2025 or a quarter such as 2025Q3 (years 2000 to 2100)"
)]
pub struct PeriodError(pub String);

impl Period {
    pub fn year(year: i32) -> Period {
        Period {
            year,
            quarter: None,
        }
    }

    /// The period just before: the year before, or the quarter before.
    pub fn previous(self) -> Period {
        match self.quarter {
            None => Period::year(self.year - 1),
            Some(1) => Period {
                year: self.year - 1,
                quarter: Some(4),
            },
            Some(q) => Period {
                year: self.year,
                quarter: Some(q - 1),
            },
        }
    }

    /// The same period a year earlier (for a year, the year before).
    pub fn year_ago(self) -> Period {
        Period {
            year: self.year - 1,
            quarter: self.quarter,
        }
    }

    /// Whose annual figures the derived indicators read: a year its own; a
    /// quarter the last full year before it (annual accounts close once a year).
    pub fn annual_year(self) -> i32 {
        match self.quarter {
            None => self.year,
            Some(_) => self.year - 1,
        }
    }

    /// As shown in Chinese: `2025年`, `2025年第3季度`.
    pub fn label_zh(self) -> String {
        match self.quarter {
            None => format!("{}年", self.year),
            Some(q) => format!("{}年第{q}季度", self.year),
        }
    }

    /// As shown in English: `2025`, `2025 Q3`.
    pub fn label_en(self) -> String {
        match self.quarter {
            None => self.year.to_string(),
            Some(q) => format!("{} Q{q}", self.year),
        }
    }

    /// In the interface's language.
    pub fn label(self, locale: &str) -> String {
        if locale.starts_with("zh") {
            self.label_zh()
        } else {
            self.label_en()
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.quarter {
            None => write!(f, "{}", self.year),
            Some(q) => write!(f, "{}Q{q}", self.year),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// `2025`, `2025Q3`; also `2025q3`, `2025-Q3` and `2025 Q3`.
    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError(s.trim().to_string());
        let t = s.trim().to_ascii_uppercase();
        let (year, quarter) = match t.split_once('Q') {
            None => (t.as_str(), None),
            Some((y, q)) => {
                let q: u8 = q.trim().parse().map_err(|_| bad())?;
                if !(1..=4).contains(&q) {
                    return Err(bad());
                }
                (y.trim_end_matches(['-', ' ']), Some(q))
            }
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !YEARS.contains(&year) {
            return Err(bad());
        }
        Ok(Period { year, quarter })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_years_and_quarters() {
        assert_eq!(p("2025"), Period::year(2025));
        for s in ["2025Q3", "2025q3", "2025-Q3", " 2025 Q3 "] {
            assert_eq!(p(s).to_string(), "2025Q3", "{s}");
        }
        for bad in [
            "",
            "25",
            "2025Q5",
            "2025Q0",
            "Q3",
            "1999",
            "2101",
            "2025Q",
            "20x5",
            "２０２５",
        ] {
            let e = bad.parse::<Period>().unwrap_err();
            assert!(e.to_string().contains("2025Q3"), "{bad}: {e}");
        }
    }

    #[test]
    fn previous_and_year_ago() {
        assert_eq!(p("2025").previous(), p("2024"));
        assert_eq!(p("2025").year_ago(), p("2024"));
        assert_eq!(p("2025Q1").previous(), p("2024Q4"));
        assert_eq!(p("2025Q3").previous(), p("2025Q2"));
        assert_eq!(p("2025Q3").year_ago(), p("2024Q3"));
        assert_eq!(p("2025Q3").annual_year(), 2024);
        assert_eq!(p("2025").annual_year(), 2025);
    }

    #[test]
    fn labels_and_order() {
        assert_eq!(p("2025Q3").label("zh-CN"), "2025年第3季度");
        assert_eq!(p("2025Q3").label("en"), "2025 Q3");
        assert_eq!(p("2025").label("zh-CN"), "2025年");
        let mut v = vec![p("2025Q1"), p("2024"), p("2025"), p("2024Q4")];
        v.sort();
        assert_eq!(v, vec![p("2024"), p("2024Q4"), p("2025"), p("2025Q1")]);
    }
}
