//! Annual data of an enterprise and the ratios derived from it. Ratios are always
//! computed here, never typed; a figure left empty is missing, never zero.

use serde::{Deserialize, Serialize};

use super::enterprise::FieldProblem;
use super::money;

/// The figures of one enterprise for one year. Money in yuan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnualFigures {
    pub year: i32,
    /// 营业收入
    pub revenue: Option<i64>,
    /// 主营业务收入
    pub main_business_revenue: Option<i64>,
    /// 净利润 (may be negative)
    pub net_profit: Option<i64>,
    /// 资产总额
    pub total_assets: Option<i64>,
    /// 负债总额
    pub total_liabilities: Option<i64>,
    /// 研发费用
    pub rd_expense: Option<i64>,
    /// 从业人员
    pub employees: Option<i32>,
    /// 研发人员
    pub rd_staff: Option<i32>,
    /// Valid class-I IP (invention patents etc.).
    pub ip_class1: Option<i32>,
    /// Of which high-value.
    pub ip_class1_high_value: Option<i32>,
    /// Of which self-developed.
    pub ip_class1_self: Option<i32>,
    /// Class-II IP (utility models, designs, software copyrights).
    pub ip_class2: Option<i32>,
    /// New equity financing raised in the year.
    pub equity_financing: Option<i64>,
    /// Digitalisation level 1-4 (智能制造/数字化水平).
    pub digitalisation_level: Option<i32>,
    /// R&D institution: 0 none, 1 below municipal, 2 municipal, 3 provincial, 4 national.
    pub rd_institution_level: Option<i32>,
    /// Quality items held (award, certification, own brand, standards work), 0-4.
    pub quality_items: Option<i32>,
    /// National niche market share, percent.
    pub market_share: Option<f64>,
    /// Owns a brand.
    pub own_brand: Option<bool>,
    /// Staff's score on the province's local distinctiveness indicators, 0-15.
    pub distinctive_points: Option<f64>,
}

/// Ratios derived from a year's figures (and the previous year's, for growth). Percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Ratios {
    /// R&D expense / revenue.
    pub rd_intensity: Option<f64>,
    /// Liabilities / assets.
    pub debt_ratio: Option<f64>,
    /// Revenue growth over the previous year.
    pub revenue_growth: Option<f64>,
    /// Main-business revenue growth over the previous year.
    pub main_revenue_growth: Option<f64>,
    /// Main-business revenue / revenue.
    pub main_business_share: Option<f64>,
    /// Net profit / revenue.
    pub net_margin: Option<f64>,
    /// R&D staff / employees.
    pub rd_staff_share: Option<f64>,
}

fn pct(num: Option<i64>, den: Option<i64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d > 0 => Some(n as f64 * 100.0 / d as f64),
        _ => None,
    }
}

fn growth(now: Option<i64>, before: Option<i64>) -> Option<f64> {
    match (now, before) {
        (Some(n), Some(b)) if b > 0 => Some((n - b) as f64 * 100.0 / b as f64),
        _ => None,
    }
}

/// The ratios of `this` year, using `prev` (the year before) for growth.
pub fn ratios(this: &AnnualFigures, prev: Option<&AnnualFigures>) -> Ratios {
    let prev_ok = prev.filter(|p| p.year == this.year - 1);
    Ratios {
        rd_intensity: pct(this.rd_expense, this.revenue),
        debt_ratio: pct(this.total_liabilities, this.total_assets),
        revenue_growth: growth(this.revenue, prev_ok.and_then(|p| p.revenue)),
        main_revenue_growth: growth(
            this.main_business_revenue,
            prev_ok.and_then(|p| p.main_business_revenue),
        ),
        main_business_share: pct(this.main_business_revenue, this.revenue),
        net_margin: pct(this.net_profit, this.revenue),
        rd_staff_share: pct(this.rd_staff.map(i64::from), this.employees.map(i64::from)),
    }
}

/// Checks that the figures are consistent; returns (field, locale key) per problem.
pub fn check(f: &AnnualFigures, this_year: i32) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if f.year < 1990 || f.year > this_year {
        out.push(("year", "field.year_range"));
    }
    let non_negative: [(&'static str, Option<i64>); 6] = [
        ("revenue", f.revenue),
        ("main_business_revenue", f.main_business_revenue),
        ("total_assets", f.total_assets),
        ("total_liabilities", f.total_liabilities),
        ("rd_expense", f.rd_expense),
        ("equity_financing", f.equity_financing),
    ];
    for (field, v) in non_negative {
        if v.is_some_and(|x| x < 0) {
            out.push((field, "field.money_negative"));
        }
    }
    let counts: [(&'static str, Option<i32>); 6] = [
        ("employees", f.employees),
        ("rd_staff", f.rd_staff),
        ("ip_class1", f.ip_class1),
        ("ip_class1_high_value", f.ip_class1_high_value),
        ("ip_class1_self", f.ip_class1_self),
        ("ip_class2", f.ip_class2),
    ];
    for (field, v) in counts {
        if v.is_some_and(|x| x < 0) {
            out.push((field, "field.count_negative"));
        }
    }
    if let (Some(m), Some(r)) = (f.main_business_revenue, f.revenue)
        && m > r
    {
        out.push(("main_business_revenue", "field.main_over_revenue"));
    }
    if let (Some(s), Some(e)) = (f.rd_staff, f.employees)
        && s > e
    {
        out.push(("rd_staff", "field.rd_staff_over_employees"));
    }
    for (field, part) in [
        ("ip_class1_high_value", f.ip_class1_high_value),
        ("ip_class1_self", f.ip_class1_self),
    ] {
        if let Some(p) = part
            && p > f.ip_class1.unwrap_or(0)
        {
            out.push((field, "field.ip_part_over_class1"));
        }
    }
    if f.digitalisation_level
        .is_some_and(|l| !(1..=4).contains(&l))
    {
        out.push(("digitalisation_level", "field.level_1_4"));
    }
    if f.rd_institution_level
        .is_some_and(|l| !(0..=4).contains(&l))
    {
        out.push(("rd_institution_level", "field.level_0_4"));
    }
    if f.quality_items.is_some_and(|l| !(0..=4).contains(&l)) {
        out.push(("quality_items", "field.level_0_4"));
    }
    if f.market_share
        .is_some_and(|s| !(0.0..=100.0).contains(&s) || s.is_nan())
    {
        out.push(("market_share", "field.percent_range"));
    }
    out
}

/// Annual figures as typed (or read from a CSV row): money in 万元, all text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnnualInput {
    pub year: String,
    pub revenue: String,
    pub main_business_revenue: String,
    pub net_profit: String,
    pub total_assets: String,
    pub total_liabilities: String,
    pub rd_expense: String,
    pub employees: String,
    pub rd_staff: String,
    pub ip_class1: String,
    pub ip_class1_high_value: String,
    pub ip_class1_self: String,
    pub ip_class2: String,
    pub equity_financing: String,
    pub digitalisation_level: String,
    pub rd_institution_level: String,
    pub quality_items: String,
    /// Percent.
    pub market_share: String,
    /// Checkbox / `是`/`否` / `1`/`0`; empty is missing.
    pub own_brand: String,
    /// 0-15, scored by staff.
    pub distinctive_points: String,
}

fn int_field(field: &'static str, raw: &str, out: &mut Vec<FieldProblem>) -> Option<i32> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            out.push(FieldProblem::new(field, "field.whole_number"));
            None
        }
    }
}

fn money_field(
    field: &'static str,
    raw: &str,
    negative: bool,
    out: &mut Vec<FieldProblem>,
) -> Option<i64> {
    money::parse_wan(raw, negative).unwrap_or_else(|e| {
        out.push(FieldProblem::new(field, e.message_key()));
        None
    })
}

impl AnnualInput {
    /// Parses and checks the figures; every problem is reported with its field.
    pub fn parse(&self, this_year: i32) -> Result<AnnualFigures, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) => y,
            Err(_) => {
                out.push(FieldProblem::new("year", "field.year_range"));
                0
            }
        };
        let f = AnnualFigures {
            year,
            revenue: money_field("revenue", &self.revenue, false, &mut out),
            main_business_revenue: money_field(
                "main_business_revenue",
                &self.main_business_revenue,
                false,
                &mut out,
            ),
            net_profit: money_field("net_profit", &self.net_profit, true, &mut out),
            total_assets: money_field("total_assets", &self.total_assets, false, &mut out),
            total_liabilities: money_field(
                "total_liabilities",
                &self.total_liabilities,
                false,
                &mut out,
            ),
            rd_expense: money_field("rd_expense", &self.rd_expense, false, &mut out),
            employees: int_field("employees", &self.employees, &mut out),
            rd_staff: int_field("rd_staff", &self.rd_staff, &mut out),
            ip_class1: int_field("ip_class1", &self.ip_class1, &mut out),
            ip_class1_high_value: int_field(
                "ip_class1_high_value",
                &self.ip_class1_high_value,
                &mut out,
            ),
            ip_class1_self: int_field("ip_class1_self", &self.ip_class1_self, &mut out),
            ip_class2: int_field("ip_class2", &self.ip_class2, &mut out),
            equity_financing: money_field(
                "equity_financing",
                &self.equity_financing,
                false,
                &mut out,
            ),
            digitalisation_level: int_field(
                "digitalisation_level",
                &self.digitalisation_level,
                &mut out,
            ),
            rd_institution_level: int_field(
                "rd_institution_level",
                &self.rd_institution_level,
                &mut out,
            ),
            quality_items: int_field("quality_items", &self.quality_items, &mut out),
            market_share: match self.market_share.trim().trim_end_matches('%') {
                "" => None,
                v => match v.parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(x),
                    _ => {
                        out.push(FieldProblem::new("market_share", "field.percent_range"));
                        None
                    }
                },
            },
            distinctive_points: match self.distinctive_points.trim() {
                "" => None,
                v => match v.parse::<f64>() {
                    Ok(x) if (0.0..=15.0).contains(&x) => Some(x),
                    _ => {
                        out.push(FieldProblem::new("distinctive_points", "field.points_0_15"));
                        None
                    }
                },
            },
            own_brand: match self.own_brand.trim() {
                "" => None,
                "on" | "1" | "true" | "yes" | "是" | "有" | "Y" | "y" => Some(true),
                "0" | "false" | "no" | "否" | "无" | "N" | "n" => Some(false),
                _ => {
                    out.push(FieldProblem::new("own_brand", "field.yes_no"));
                    None
                }
            },
        };
        if out.is_empty() {
            out.extend(
                check(&f, this_year)
                    .into_iter()
                    .map(|(field, key)| FieldProblem::new(field, key)),
            );
        }
        if out.is_empty() { Ok(f) } else { Err(out) }
    }
}

impl AnnualFigures {
    /// The figures as a form shows them (万元, plain numbers).
    pub fn to_input(&self) -> AnnualInput {
        let n = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
        let m = money::input_wan;
        AnnualInput {
            year: self.year.to_string(),
            revenue: m(self.revenue),
            main_business_revenue: m(self.main_business_revenue),
            net_profit: m(self.net_profit),
            total_assets: m(self.total_assets),
            total_liabilities: m(self.total_liabilities),
            rd_expense: m(self.rd_expense),
            employees: n(self.employees),
            rd_staff: n(self.rd_staff),
            ip_class1: n(self.ip_class1),
            ip_class1_high_value: n(self.ip_class1_high_value),
            ip_class1_self: n(self.ip_class1_self),
            ip_class2: n(self.ip_class2),
            equity_financing: m(self.equity_financing),
            digitalisation_level: n(self.digitalisation_level),
            rd_institution_level: n(self.rd_institution_level),
            quality_items: n(self.quality_items),
            market_share: self.market_share.map(|x| x.to_string()).unwrap_or_default(),
            distinctive_points: self
                .distinctive_points
                .map(|x| x.to_string())
                .unwrap_or_default(),
            own_brand: match self.own_brand {
                Some(true) => "1".into(),
                Some(false) => "0".into(),
                None => String::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(y: i32, revenue: i64, main: i64) -> AnnualFigures {
        AnnualFigures {
            year: y,
            revenue: Some(revenue),
            main_business_revenue: Some(main),
            ..Default::default()
        }
    }

    #[test]
    fn ratios_are_computed() {
        let prev = year(2023, 80_000_000, 72_000_000);
        let this = AnnualFigures {
            rd_expense: Some(4_000_000),
            total_assets: Some(50_000_000),
            total_liabilities: Some(20_000_000),
            net_profit: Some(8_000_000),
            employees: Some(200),
            rd_staff: Some(40),
            ..year(2024, 100_000_000, 90_000_000)
        };
        let r = ratios(&this, Some(&prev));
        assert_eq!(r.rd_intensity, Some(4.0));
        assert_eq!(r.debt_ratio, Some(40.0));
        assert_eq!(r.revenue_growth, Some(25.0));
        assert_eq!(r.main_revenue_growth, Some(25.0));
        assert_eq!(r.main_business_share, Some(90.0));
        assert_eq!(r.net_margin, Some(8.0));
        assert_eq!(r.rd_staff_share, Some(20.0));
    }

    #[test]
    fn missing_inputs_give_missing_ratios() {
        let this = AnnualFigures {
            year: 2024,
            revenue: Some(0),
            rd_expense: Some(5),
            ..Default::default()
        };
        let r = ratios(&this, None);
        assert_eq!(r.rd_intensity, None, "no division by zero");
        assert_eq!(r.revenue_growth, None);
        // A previous year that is not the year before is not used for growth.
        let r = ratios(&year(2024, 10, 10), Some(&year(2021, 5, 5)));
        assert_eq!(r.revenue_growth, None);
    }

    #[test]
    fn typed_input_parses_and_round_trips() {
        let input = AnnualInput {
            year: "2024".into(),
            revenue: "12,000".into(),
            main_business_revenue: "10800".into(),
            net_profit: "-35.5".into(),
            rd_expense: "600".into(),
            employees: "180".into(),
            market_share: "12.5%".into(),
            own_brand: "是".into(),
            ..Default::default()
        };
        let f = input.parse(2025).unwrap();
        assert_eq!(f.revenue, Some(120_000_000));
        assert_eq!(f.net_profit, Some(-355_000));
        assert_eq!(f.market_share, Some(12.5));
        assert_eq!(f.own_brand, Some(true));
        assert_eq!(f.total_assets, None, "empty is missing");
        assert_eq!(f.to_input().parse(2025).unwrap(), f);
        let bad = AnnualInput {
            year: "2024".into(),
            employees: "many".into(),
            revenue: "-1".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .parse(2025)
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, vec!["revenue", "employees"]);
    }

    #[test]
    fn inconsistent_figures_are_named() {
        let f = AnnualFigures {
            year: 2024,
            revenue: Some(100),
            main_business_revenue: Some(120),
            employees: Some(10),
            rd_staff: Some(11),
            ip_class1: Some(1),
            ip_class1_high_value: Some(2),
            digitalisation_level: Some(5),
            market_share: Some(120.0),
            ..Default::default()
        };
        let fields: Vec<_> = check(&f, 2025).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![
                "main_business_revenue",
                "rd_staff",
                "ip_class1_high_value",
                "digitalisation_level",
                "market_share"
            ]
        );
        assert!(check(&year(2024, 100, 90), 2025).is_empty());
        assert_eq!(
            check(&year(2026, 1, 1), 2025),
            vec![("year", "field.year_range")]
        );
    }
}
