//! Development-index data for generated enterprises: values of the model's
//! `entered` indicators for each year of annual data, and expert panels' scores for
//! the `expert` indicators. Pure and deterministic: the same seed and enterprise give
//! the same data, whatever else was generated.
//!
//! Every enterprise has a standing (0..1) that its current level sets on average
//! (higher titles stand higher), with noise, an own offset per indicator and a yearly
//! drift, so that periods differ and some enterprises move up or down the ranks. A few
//! percent of values are left out (the index's missing-value rule has work to do).

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::generate::{GenEnterprise, is_featured};
use crate::domain::index::experts::{self, Summary};
use crate::domain::qualification::Level;
use crate::domain::tier::CompanyType;

/// The built-in model's `entered` indicators, in the model's order.
pub const ENTERED: [&str; 21] = [
    "spec_market_rank",
    "spec_core_product_revenue",
    "ref_operating_cash_ratio",
    "ref_certifications",
    "ref_first_pass_yield",
    "ref_digital_investment_share",
    "ref_key_process_nc_rate",
    "dis_local_sourcing_share",
    "dis_trademarks",
    "dis_brand_honours",
    "dis_custom_revenue_share",
    "inn_new_product_share",
    "inn_standards",
    "inn_industry_university",
    "chain_leader_customers",
    "chain_export_share",
    "chain_top5_customer_share",
    "cap_financing_rounds",
    "cap_credit_rating",
    "cap_joint_stock",
    "cap_audited_years",
];

/// The built-in model's `expert` indicators, in the model's order.
pub const EXPERT: [&str; 12] = [
    "spec_market_reputation",
    "spec_strategy_focus",
    "ref_management_level",
    "dis_local_industry_fit",
    "dis_brand_recognition",
    "dis_unique_process",
    "inn_tech_advancement",
    "chain_key_component",
    "chain_import_substitution",
    "chain_supply_security",
    "cap_compliance",
    "cap_listing_readiness",
];

/// The demo's expert accounts (slot 0 is `expert`, the one printed first).
pub const EXPERTS: usize = 5;

/// Share of entered values left out.
pub const MISSING_SHARE: f64 = 0.03;

/// Share of expert panels that disagree (CV of at least 0.15).
pub const SPREAD_SHARE: f64 = 0.05;

/// One stored value of an entered indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct GenValue {
    pub year: i32,
    pub key: &'static str,
    pub value: f64,
    /// When it was entered or imported (the spring after the year).
    pub at: NaiveDateTime,
}

/// One expert's assignment in a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Which of the [`EXPERTS`] demo expert accounts.
    pub expert: usize,
    /// `None`: assigned, not scored yet.
    pub score: Option<f64>,
    pub assigned_at: NaiveDateTime,
    pub scored_at: Option<NaiveDateTime>,
}

/// The experts scoring one expert indicator of one enterprise for one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub year: i32,
    pub key: &'static str,
    pub experts: Vec<Scored>,
}

impl Panel {
    /// The scores given so far.
    pub fn scores(&self) -> Vec<f64> {
        self.experts.iter().filter_map(|s| s.score).collect()
    }

    /// The panel's summary of the scores given (`None`: none yet).
    pub fn summary(&self) -> Option<Summary> {
        experts::summarise(&self.scores(), experts::DEFAULT_CV_THRESHOLD).ok()
    }

    /// The figure the index reads: the trimmed mean (the plain mean below five scores).
    pub fn value(&self) -> Option<f64> {
        self.summary()
            .map(|s| (s.trimmed_mean * 100.0).round() / 100.0)
    }

    /// When the last score came in.
    pub fn last_scored(&self) -> Option<NaiveDateTime> {
        self.experts.iter().filter_map(|s| s.scored_at).max()
    }
}

/// FNV-1a: a hash that is the same on every run and platform.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An enterprise's own generator for one purpose (`salt`).
fn rng_for(seed: u64, e: &GenEnterprise, salt: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ fnv(e.data.credit_code.as_bytes()) ^ salt.wrapping_mul(0x9e37))
}

fn uniform(rng: &mut StdRng, lo: f64, hi: f64) -> f64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

fn lerp(lo: f64, hi: f64, x: f64) -> f64 {
    lo + (hi - lo) * x.clamp(0.0, 1.0)
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The level's average standing.
fn level_base(level: Option<Level>) -> f64 {
    match level {
        Some(Level::National) => 0.78,
        Some(Level::Provincial) => 0.64,
        Some(Level::Municipal) => 0.5,
        Some(Level::InnovativeSme) => 0.38,
        None => 0.24,
    }
}

/// Where an enterprise stands: a base and a drift a year (last year is the base).
#[derive(Debug, Clone, Copy)]
struct Standing {
    base: f64,
    drift: f64,
    last: i32,
}

impl Standing {
    fn of(seed: u64, e: &GenEnterprise) -> Standing {
        let mut r = rng_for(seed, e, 1);
        let base = level_base(e.level.map(|l| l.0)) + uniform(&mut r, -0.14, 0.14);
        // Most improve a little; some slip, some climb fast.
        let drift = uniform(&mut r, -0.06, 0.09);
        let last = e.years.last().map_or(0, |y| y.year);
        Standing { base, drift, last }
    }

    fn at(&self, year: i32) -> f64 {
        (self.base + self.drift * f64::from(year - self.last)).clamp(0.02, 0.98)
    }
}

/// A time on a day, `minutes` after 08:30, but never after `latest`.
fn moment(day: NaiveDate, minutes: u32, latest: NaiveDateTime) -> NaiveDateTime {
    let total = (8 * 60 + 30 + minutes).min(23 * 60 + 59);
    let t = NaiveTime::from_hms_opt(total / 60, total % 60, 0).unwrap_or(NaiveTime::MIN);
    day.and_time(t).min(latest)
}

/// The latest time generated data may carry: yesterday evening.
fn latest_time(today: NaiveDate) -> NaiveDateTime {
    (today - Days::new(1)).and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// The values of the entered indicators of `e` for `years` (years without annual
/// data get none), in year then model order.
pub fn entered(seed: u64, e: &GenEnterprise, years: &[i32], today: NaiveDate) -> Vec<GenValue> {
    let standing = Standing::of(seed, e);
    let mut r = rng_for(seed, e, 2);
    // An own strength or weakness per indicator, kept over the years.
    let offsets: Vec<f64> = ENTERED
        .iter()
        .map(|_| uniform(&mut r, -0.12, 0.12))
        .collect();
    let exporter = uniform(&mut r, 0.0, 1.3);
    let founded = e.data.founded_on.map_or(2000, |d| d.year());
    // Audited reports from some year on, better enterprises for longer.
    let audited_for = lerp(0.0, 9.0, standing.base + offsets[20]).round() as i32;
    let first_audit = (standing.last + 1 - audited_for).max(founded + 1);
    let latest = latest_time(today);
    let mut out = Vec::with_capacity(years.len() * ENTERED.len());
    for &year in years {
        let Some(figures) = e.years.iter().find(|y| y.year == year) else {
            continue;
        };
        let q = standing.at(year);
        // Entered in the spring after the year.
        let spring = NaiveDate::from_ymd_opt(year + 1, 3, 1).unwrap_or(NaiveDate::MIN);
        for (i, &key) in ENTERED.iter().enumerate() {
            let x = q + offsets[i] + uniform(&mut r, -0.04, 0.04);
            let value = match key {
                "spec_market_rank" => lerp(60f64.ln(), 0.0, x).exp().round().max(1.0),
                "spec_core_product_revenue" => match figures.main_business_revenue {
                    Some(m) => round_to(m as f64 / 10_000.0 * lerp(0.35, 0.85, x), 2),
                    None => continue,
                },
                "ref_operating_cash_ratio" => round_to(lerp(-4.0, 22.0, x), 1),
                "ref_certifications" => lerp(0.0, 9.0, x).round(),
                "ref_first_pass_yield" => round_to(lerp(90.0, 99.8, x), 1),
                "ref_digital_investment_share" => round_to(lerp(0.3, 5.5, x), 1),
                "ref_key_process_nc_rate" => round_to(lerp(25.0, 95.0, x), 1),
                "dis_local_sourcing_share" => round_to(lerp(15.0, 65.0, x), 1),
                "dis_trademarks" => lerp(0.0, 60f64.ln(), x).exp().round(),
                "dis_brand_honours" => lerp(-0.6, 4.0, x).round().max(0.0),
                "dis_custom_revenue_share" => round_to(lerp(5.0, 60.0, x), 1),
                "inn_new_product_share" => round_to(lerp(5.0, 55.0, x), 1),
                "inn_standards" => lerp(-0.8, 5.0, x).round().max(0.0),
                "inn_industry_university" => lerp(-0.3, 6.0, x).round().max(0.0),
                "chain_leader_customers" => lerp(-0.6, 8.0, x).round().max(0.0),
                "chain_export_share" => round_to((lerp(0.0, 30.0, x) * exporter).min(90.0), 1),
                "chain_top5_customer_share" => round_to(lerp(80.0, 22.0, x), 1),
                // Years with new equity in the last three years of annual data.
                "cap_financing_rounds" => e
                    .years
                    .iter()
                    .filter(|y| y.year <= year && y.year > year - 3)
                    .filter(|y| y.equity_financing.is_some_and(|f| f > 0))
                    .count() as f64,
                // A bank rating: AAA 100, AA 85, A 70, other 50.
                "cap_credit_rating" => match x {
                    x if x >= 0.78 => 100.0,
                    x if x >= 0.52 => 85.0,
                    x if x >= 0.3 => 70.0,
                    _ => 50.0,
                },
                "cap_joint_stock" => {
                    f64::from(u8::from(e.data.company_type == CompanyType::JointStock))
                }
                "cap_audited_years" => f64::from((year - first_audit + 1).max(0)),
                _ => continue,
            };
            // Drawn whatever happens, so one missing value does not shift the rest.
            let gone = r.random_bool(MISSING_SHARE);
            let minutes = r.random_range(0..540);
            let day = spring + Days::new(r.random_range(0..75));
            if !gone {
                out.push(GenValue {
                    year,
                    key,
                    value,
                    at: moment(day, minutes, latest),
                });
            }
        }
    }
    out
}

/// Expert panels for the expert indicators of `e` for `years`: three to five of the
/// [`EXPERTS`] each, mostly agreeing. On the featured enterprises, the `expert`
/// account (slot 0) has the first three indicators of `open_year` still to score.
pub fn panels(
    seed: u64,
    e: &GenEnterprise,
    years: &[i32],
    open_year: i32,
    today: NaiveDate,
) -> Vec<Panel> {
    let standing = Standing::of(seed, e);
    let mut r = rng_for(seed, e, 3);
    let keys = EXPERT;
    let offsets: Vec<f64> = keys.iter().map(|_| uniform(&mut r, -0.1, 0.1)).collect();
    let featured = is_featured(e);
    let latest = latest_time(today);
    let mut out = Vec::with_capacity(years.len() * keys.len());
    for &year in years {
        let q = standing.at(year);
        let round_start = NaiveDate::from_ymd_opt(year + 1, 4, 1).unwrap_or(NaiveDate::MIN);
        for (i, &key) in keys.iter().enumerate() {
            let open = featured && year == open_year && i < 3;
            let base = lerp(50.0, 95.0, q + offsets[i] + uniform(&mut r, -0.05, 0.05));
            let n = r.random_range(3..=EXPERTS);
            let mut slots: Vec<usize> = (0..EXPERTS).collect();
            slots.shuffle(&mut r);
            slots.truncate(n);
            if open && !slots.contains(&0) {
                slots[0] = 0;
            }
            slots.sort_unstable();
            let spread = r.random_bool(SPREAD_SHARE);
            // Disagreeing panels: one expert far below the others (CV well above 0.15).
            const FACTORS: [f64; EXPERTS] = [1.0, 0.62, 0.95, 0.7, 1.04];
            let assigned_day = round_start + Days::new(r.random_range(0..20));
            let mut experts = Vec::with_capacity(n);
            for (j, &expert) in slots.iter().enumerate() {
                let raw = if spread {
                    base * FACTORS[j]
                } else {
                    base + uniform(&mut r, -4.0, 4.0)
                };
                let score = (raw.clamp(0.0, 100.0) * 2.0).round() / 2.0;
                let assigned_at = moment(assigned_day, r.random_range(0..60), latest);
                let scored_at = moment(
                    assigned_day + Days::new(r.random_range(2..30)),
                    r.random_range(0..540),
                    latest,
                )
                .max(assigned_at);
                let unscored = open && expert == 0;
                experts.push(Scored {
                    expert,
                    score: (!unscored).then_some(score),
                    assigned_at,
                    scored_at: (!unscored).then_some(scored_at),
                });
            }
            out.push(Panel { year, key, experts });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generate::{DEFAULT_COUNT, DEFAULT_SEED, Generator, Options};
    use crate::domain::index::model::{IndexModel, Source};
    use std::collections::HashMap;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn set() -> Vec<GenEnterprise> {
        Generator::new(&Options {
            count: DEFAULT_COUNT,
            seed: DEFAULT_SEED,
            today: today(),
        })
        .collect()
    }

    fn years() -> Vec<i32> {
        (2022..=2025).collect()
    }

    #[test]
    fn the_keys_are_the_models() {
        let model = IndexModel::builtin();
        let of = |want: fn(&Source) -> bool| -> Vec<String> {
            model
                .indicators()
                .filter(|i| want(&i.source))
                .map(|i| i.key.clone())
                .collect()
        };
        let entered = of(|s| matches!(s, Source::Entered));
        let expert = of(|s| matches!(s, Source::Expert));
        assert_eq!(entered, ENTERED.to_vec());
        assert_eq!(expert, EXPERT.to_vec());
    }

    #[test]
    fn entered_values_are_in_range_and_follow_the_level() {
        let set = set();
        let mut by_level: HashMap<(Option<Level>, &str), Vec<f64>> = HashMap::new();
        let (mut total, mut present) = (0usize, 0usize);
        for e in &set {
            let values = entered(DEFAULT_SEED, e, &years(), today());
            assert_eq!(values, entered(DEFAULT_SEED, e, &years(), today()));
            total += ENTERED.len() * e.years.len();
            present += values.len();
            for v in &values {
                let x = v.value;
                assert!(x.is_finite());
                let ok = match v.key {
                    "spec_market_rank" => (1.0..=60.0).contains(&x),
                    "ref_operating_cash_ratio" => (-4.0..=22.0).contains(&x),
                    "ref_first_pass_yield" => (90.0..=99.8).contains(&x),
                    "cap_credit_rating" => [50.0, 70.0, 85.0, 100.0].contains(&x),
                    "cap_joint_stock" => x == 0.0 || x == 1.0,
                    "cap_financing_rounds" => (0.0..=3.0).contains(&x),
                    "chain_top5_customer_share" => (22.0..=80.0).contains(&x),
                    "spec_core_product_revenue" => {
                        let m = e.years.iter().find(|y| y.year == v.year).unwrap();
                        x > 0.0 && x <= m.main_business_revenue.unwrap() as f64 / 10_000.0
                    }
                    k if k.ends_with("_share") || k.ends_with("_rate") => {
                        (0.0..=100.0).contains(&x)
                    }
                    _ => x >= 0.0 && x.fract() == 0.0,
                };
                assert!(ok, "{} {}: {x}", v.key, v.year);
                let spring = NaiveDate::from_ymd_opt(v.year + 1, 3, 1).unwrap();
                assert!(v.at.date() >= spring.min(today()) && v.at.date() < today());
                by_level
                    .entry((e.level.map(|l| l.0), v.key))
                    .or_default()
                    .push(x);
            }
        }
        // A few percent missing.
        let missing = 1.0 - present as f64 / total as f64;
        assert!((0.015..=0.05).contains(&missing), "{missing}");
        // Better levels, better values on average.
        let mean = |l: Option<Level>, k: &str| {
            let v = &by_level[&(l, k)];
            v.iter().sum::<f64>() / v.len() as f64
        };
        for k in [
            "ref_first_pass_yield",
            "inn_new_product_share",
            "cap_credit_rating",
        ] {
            assert!(mean(Some(Level::National), k) > mean(Some(Level::Provincial), k));
            assert!(mean(Some(Level::Provincial), k) > mean(Some(Level::InnovativeSme), k));
            assert!(mean(Some(Level::InnovativeSme), k) > mean(None, k));
        }
        assert!(mean(Some(Level::National), "spec_market_rank") < mean(None, "spec_market_rank"));
    }

    #[test]
    fn values_change_over_the_years_both_ways() {
        let (mut up, mut down) = (0, 0);
        for e in set().iter().take(300) {
            let v = entered(DEFAULT_SEED, e, &years(), today());
            let at = |y: i32| {
                v.iter()
                    .find(|x| x.year == y && x.key == "ref_key_process_nc_rate")
                    .map(|x| x.value)
            };
            if let (Some(a), Some(b)) = (at(2022), at(2025)) {
                up += usize::from(b > a + 3.0);
                down += usize::from(b < a - 3.0);
            }
        }
        assert!(up > 60 && down > 20, "{up} up, {down} down");
    }

    #[test]
    fn panels_mostly_agree_and_some_are_open() {
        let set = set();
        let (mut panels_n, mut spread, mut open) = (0usize, 0usize, 0usize);
        for e in set
            .iter()
            .filter(|e| e.level.is_some_and(|l| l.0 >= Level::Provincial))
        {
            let ps = panels(DEFAULT_SEED, e, &[2024, 2025], 2025, today());
            assert_eq!(ps.len(), 2 * 12);
            for p in &ps {
                assert!((3..=EXPERTS).contains(&p.experts.len()));
                let mut ids: Vec<usize> = p.experts.iter().map(|s| s.expert).collect();
                ids.dedup();
                assert_eq!(ids.len(), p.experts.len(), "one assignment per expert");
                for s in &p.experts {
                    assert!(s.score.is_none_or(|x| (0.0..=100.0).contains(&x)));
                    assert!(s.scored_at.is_none_or(|t| t >= s.assigned_at));
                    assert_eq!(s.score.is_some(), s.scored_at.is_some());
                    if s.score.is_none() {
                        assert_eq!((s.expert, p.year), (0, 2025));
                        open += 1;
                    }
                }
                let summary = p.summary().unwrap();
                assert!(summary.n >= 2);
                panels_n += 1;
                spread += usize::from(summary.cv.unwrap_or(0.0) >= 0.15);
                let v = p.value().unwrap();
                if summary.n >= 5 {
                    let mut s = p.scores();
                    s.sort_by(f64::total_cmp);
                    let trimmed = s[1..s.len() - 1].iter().sum::<f64>() / (s.len() - 2) as f64;
                    assert!((v - trimmed).abs() < 0.01);
                }
            }
        }
        let share = spread as f64 / panels_n as f64;
        assert!((0.02..=0.09).contains(&share), "{spread} of {panels_n}");
        assert_eq!(
            open, 6,
            "three open assignments on each featured SRDI enterprise"
        );
    }
}
