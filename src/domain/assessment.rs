//! Turns an enterprise's record, annual data and titles into the named metrics the
//! MIIT rubrics read. Missing data stays missing: a metric is only set when every
//! figure it needs is present.

use super::annual::{self, AnnualFigures};
use super::rubric::Metrics;

/// What the rubrics need from the enterprise record itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordFacts {
    pub niche_since: Option<i32>,
    pub product_field: i32,
    pub strategic_emerging: bool,
    pub meets_common_gate: bool,
    pub high_tech_title: bool,
    pub sci_award_year: Option<i32>,
    /// Holds a provincial (or higher) SRDI title in force.
    pub holds_srdi: bool,
}

fn set(m: &mut Metrics, name: &str, v: Option<f64>) {
    if let Some(x) = v {
        m.set(name, x);
    }
}

fn sum(a: Option<i64>, b: Option<i64>) -> Option<f64> {
    Some((a? + b?) as f64)
}

/// The metrics for `year`, using the two years before it for growth and sums.
/// Returns `None` when there is no annual data for `year`.
pub fn metrics(facts: &RecordFacts, years: &[AnnualFigures], year: i32) -> Option<Metrics> {
    let find = |y: i32| years.iter().find(|f| f.year == y);
    let this = find(year)?;
    let prev = find(year - 1);
    let prev2 = find(year - 2);
    let r = annual::ratios(this, prev);
    let r_prev = prev.map(|p| annual::ratios(p, prev2));
    let mut m = Metrics::new();
    set(&mut m, "revenue", this.revenue.map(|v| v as f64));
    set(
        &mut m,
        "main_business_revenue",
        this.main_business_revenue.map(|v| v as f64),
    );
    set(&mut m, "rd_expense", this.rd_expense.map(|v| v as f64));
    set(
        &mut m,
        "rd_expense_prev",
        prev.and_then(|p| p.rd_expense).map(|v| v as f64),
    );
    set(
        &mut m,
        "rd_expense_2y",
        sum(this.rd_expense, prev.and_then(|p| p.rd_expense)),
    );
    set(&mut m, "rd_intensity", r.rd_intensity);
    set(
        &mut m,
        "rd_intensity_prev",
        r_prev.and_then(|x| x.rd_intensity),
    );
    set(&mut m, "main_business_share", r.main_business_share);
    set(&mut m, "main_revenue_growth", r.main_revenue_growth);
    let avg2 = match (
        r.main_revenue_growth,
        r_prev.and_then(|x| x.main_revenue_growth),
    ) {
        (Some(a), Some(b)) => Some((a + b) / 2.0),
        _ => None,
    };
    set(&mut m, "main_revenue_growth_avg2", avg2);
    set(&mut m, "debt_ratio", r.debt_ratio);
    set(&mut m, "net_margin", r.net_margin);
    set(&mut m, "rd_staff_share", r.rd_staff_share);
    set(&mut m, "employees", this.employees.map(f64::from));
    set(&mut m, "ip_class1", this.ip_class1.map(f64::from));
    set(&mut m, "ip_class1_self", this.ip_class1_self.map(f64::from));
    set(
        &mut m,
        "ip_class1_high_value",
        this.ip_class1_high_value.map(f64::from),
    );
    set(&mut m, "ip_class2", this.ip_class2.map(f64::from));
    let equity = |f: Option<&AnnualFigures>| f.and_then(|f| f.equity_financing);
    set(
        &mut m,
        "equity_financing_2y",
        sum(equity(Some(this)), equity(prev)),
    );
    set(
        &mut m,
        "equity_financing_3y",
        sum(equity(Some(this)), equity(prev)).and_then(|s| equity(prev2).map(|p| s + p as f64)),
    );
    set(
        &mut m,
        "digitalisation_level",
        this.digitalisation_level.map(f64::from),
    );
    set(&mut m, "quality_items", this.quality_items.map(f64::from));
    set(
        &mut m,
        "rd_institution_level",
        this.rd_institution_level.map(f64::from),
    );
    set(&mut m, "national_market_share", this.market_share);
    if let Some(b) = this.own_brand {
        m.set_bool("own_brand", b);
    }
    set(&mut m, "distinctive_points", this.distinctive_points);
    set(
        &mut m,
        "years_in_niche",
        facts.niche_since.map(|s| f64::from((year - s).max(0))),
    );
    m.set("product_field", f64::from(facts.product_field));
    m.set_bool("strategic_emerging", facts.strategic_emerging);
    m.set_bool("meets_common_gate", facts.meets_common_gate);
    m.set_bool("high_tech_title", facts.high_tech_title);
    m.set_bool(
        "sci_award_3y",
        facts
            .sci_award_year
            .is_some_and(|y| y >= year - 2 && y <= year),
    );
    m.set_bool("holds_srdi", facts.holds_srdi);
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(y: i32, revenue: i64, main: i64, rd: i64) -> AnnualFigures {
        AnnualFigures {
            year: y,
            revenue: Some(revenue),
            main_business_revenue: Some(main),
            rd_expense: Some(rd),
            equity_financing: Some(0),
            ..Default::default()
        }
    }

    #[test]
    fn metrics_follow_the_figures() {
        let years = vec![
            year(2022, 50_000_000, 45_000_000, 1_500_000),
            year(2023, 60_000_000, 54_000_000, 2_400_000),
            AnnualFigures {
                equity_financing: Some(5_000_000),
                ..year(2024, 75_000_000, 67_500_000, 3_750_000)
            },
        ];
        let facts = RecordFacts {
            niche_since: Some(2015),
            sci_award_year: Some(2023),
            ..Default::default()
        };
        let m = metrics(&facts, &years, 2024).unwrap();
        assert_eq!(m.get("rd_intensity"), Some(5.0));
        assert_eq!(m.get("rd_intensity_prev"), Some(4.0));
        assert_eq!(m.get("rd_expense_2y"), Some(6_150_000.0));
        assert_eq!(m.get("main_revenue_growth"), Some(25.0));
        assert_eq!(
            m.get("main_revenue_growth_avg2"),
            Some(22.5),
            "(25 + 20) / 2"
        );
        assert_eq!(m.get("main_business_share"), Some(90.0));
        assert_eq!(m.get("equity_financing_3y"), Some(5_000_000.0));
        assert_eq!(m.get("years_in_niche"), Some(9.0));
        assert_eq!(m.get("sci_award_3y"), Some(1.0));
        assert_eq!(
            m.get("debt_ratio"),
            None,
            "no assets typed: missing, not zero"
        );
        assert!(metrics(&facts, &years, 2025).is_none());
    }

    #[test]
    fn a_first_year_has_no_growth() {
        let m = metrics(&RecordFacts::default(), &[year(2024, 10, 9, 1)], 2024).unwrap();
        assert_eq!(m.get("main_revenue_growth"), None);
        assert_eq!(m.get("rd_expense_2y"), None);
        assert_eq!(m.get("years_in_niche"), None);
    }
}
