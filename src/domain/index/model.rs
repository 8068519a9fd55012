//! The index model as versioned data: which dimensions, sub-dimensions and
//! indicators make up the development index ("4+2" dimensions, three layers,
//! "60+N" indicators), with each indicator's unit, direction, source,
//! normalisation and weight. A model is stored as JSON (snake_case tags); the
//! built-in default ships as `default-model.json` beside this file.
//!
//! The default weights are expert defaults: relative weights agreed for a first
//! version (innovation weighs most, the two configurable dimensions least) that a
//! locality is expected to revise with AHP and entropy weights once it has data.

use std::collections::HashSet;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Direction;
use super::aggregate::Node;
use super::normalise::{Band, Method};
use crate::domain::annual::{self, AnnualFigures};
use crate::domain::assessment::RecordFacts;

/// The four core dimensions every model must have, marked core.
pub const CORE_DIMENSIONS: [&str; 4] = [
    "specialization",
    "refinement",
    "distinctiveness",
    "innovation",
];
/// How many dimensions a model has: the four core ones plus two configurable ones.
pub const DIMENSION_COUNT: usize = 6;
/// The "60" of "60+N": a model has at least this many indicators.
pub const MIN_INDICATORS: usize = 60;
/// The key of the root of [`IndexModel::tree`]; no dimension or indicator may use it.
pub const TOTAL_KEY: &str = "total";

/// One version of the index model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexModel {
    /// Stable code of the model family, e.g. `qingdao-srdi`.
    pub code: String,
    /// Version within the family, from 1.
    pub version: u32,
    pub name_zh: String,
    pub name_en: String,
    /// Where the weights come from and anything else a reader should know.
    #[serde(default)]
    pub notes: String,
    /// Layer 1: six dimensions.
    pub dimensions: Vec<Dimension>,
}

/// Layer 1 of the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// One of the four dimensions every model has (the other two are configurable).
    pub core: bool,
    /// Relative to the other dimensions.
    pub weight: f64,
    /// Layer 2.
    pub subs: Vec<SubDimension>,
}

/// Layer 2 of the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubDimension {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// Relative to its sibling sub-dimensions.
    pub weight: f64,
    /// Layer 3.
    pub indicators: Vec<Indicator>,
}

/// Layer 3 of the index: one measured figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// One sentence saying exactly what is measured.
    pub definition_zh: String,
    pub definition_en: String,
    /// As shown beside the raw figure, e.g. `%`, `万元`, `件`, `分`.
    pub unit: String,
    #[serde(with = "direction_form")]
    pub direction: Direction,
    pub source: Source,
    #[serde(with = "method_form")]
    pub normalisation: Method,
    /// Relative to its sibling indicators.
    pub weight: f64,
}

/// Where an indicator's raw figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the annual figures and the enterprise record.
    Derived(Derivation),
    /// Typed in by staff (or the enterprise) for the period.
    Entered,
    /// Scored 0..100 by experts; the summary of their scores is the figure.
    Expert,
}

/// The figures the index can compute itself. Percentages are percent (4.0 = 4 %),
/// money is 万元, growth compares with the year immediately before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Derivation {
    /// R&D expense / revenue, %.
    RdIntensity,
    /// R&D expense, 万元.
    RdExpense,
    /// Growth of R&D expense over the previous year, %.
    RdExpenseGrowth,
    /// R&D staff / employees, %.
    RdStaffShare,
    /// Revenue, 万元.
    Revenue,
    /// Growth of revenue over the previous year, %.
    RevenueGrowth,
    /// Main-business revenue / revenue, %.
    MainBusinessShare,
    /// Growth of main-business revenue over the previous year, %.
    MainRevenueGrowth,
    /// Net profit / revenue, %.
    NetMargin,
    /// Net profit / total assets, %.
    ReturnOnAssets,
    /// Revenue / total assets, times.
    AssetTurnover,
    /// Revenue / employees, 万元 per person.
    RevenuePerEmployee,
    /// Total liabilities / total assets, %.
    DebtRatio,
    /// Net profit, 万元 (may be negative).
    NetProfit,
    /// Growth of net profit over a profitable previous year, %.
    NetProfitGrowth,
    /// Total assets - total liabilities, 万元.
    NetAssets,
    /// Employees, persons.
    Employees,
    /// New equity financing raised in the year, 万元.
    EquityFinancing,
    /// Valid class-I IP (invention patents etc.), count.
    Class1Ip,
    /// Class-I IP per 100 employees.
    Class1IpPer100Staff,
    /// High-value class-I IP, count.
    HighValueIp,
    /// High-value class-I IP / class-I IP, %.
    HighValueIpShare,
    /// Self-developed class-I IP / class-I IP, %.
    SelfDevelopedIpShare,
    /// Class-II IP (utility models, designs, software copyrights), count.
    Class2Ip,
    /// National niche market share, %.
    MarketShare,
    /// Digitalisation level, 1-4.
    DigitalisationLevel,
    /// R&D institution level, 0 none .. 4 national.
    RdInstitutionLevel,
    /// Quality items held (award, certification, own brand, standards), 0-4.
    QualityItems,
    /// Owns a brand: 1 yes, 0 no.
    OwnBrand,
    /// Staff's score on the local distinctiveness indicators, 0-15.
    DistinctivePoints,
    /// Years in the niche market up to the figures' year.
    NicheYears,
    /// Main product's field: 0 general, 1 industrial base / time-honoured / chain
    /// supplier, 2 filling a gap (补短板/锻长板/填空白).
    ProductField,
    /// In a strategic emerging industry: 1 yes, 0 no.
    StrategicEmerging,
    /// Holds the high-tech enterprise title: 1 yes, 0 no.
    HighTechTitle,
    /// A national or provincial S&T award in the figures' year or the 4 before: 1/0.
    SciAwardRecent,
}

fn wan(v: Option<i64>) -> Option<f64> {
    v.map(|x| x as f64 / 10_000.0)
}

fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

fn count(v: Option<i32>) -> Option<f64> {
    v.map(f64::from)
}

fn flag(b: bool) -> Option<f64> {
    Some(if b { 1.0 } else { 0.0 })
}

impl Derivation {
    /// The figure for `this` year, using `previous` (only when it is the year
    /// before) for growth and `facts` from the record. None when an input is missing.
    pub fn compute(
        self,
        this: &AnnualFigures,
        previous: Option<&AnnualFigures>,
        facts: &RecordFacts,
    ) -> Option<f64> {
        use Derivation::*;
        let prev = previous.filter(|p| p.year == this.year - 1);
        let r = annual::ratios(this, prev);
        let growth = |now: Option<i64>, before: Option<i64>| match (now, before) {
            (Some(n), Some(b)) if b > 0 => Some((n - b) as f64 * 100.0 / b as f64),
            _ => None,
        };
        let ip_share =
            |part: Option<i32>| ratio(count(part), count(this.ip_class1)).map(|x| x * 100.0);
        match self {
            RdIntensity => r.rd_intensity,
            RdExpense => wan(this.rd_expense),
            RdExpenseGrowth => growth(this.rd_expense, prev.and_then(|p| p.rd_expense)),
            RdStaffShare => r.rd_staff_share,
            Revenue => wan(this.revenue),
            RevenueGrowth => r.revenue_growth,
            MainBusinessShare => r.main_business_share,
            MainRevenueGrowth => r.main_revenue_growth,
            NetMargin => r.net_margin,
            ReturnOnAssets => {
                ratio(wan(this.net_profit), wan(this.total_assets)).map(|x| x * 100.0)
            }
            AssetTurnover => ratio(wan(this.revenue), wan(this.total_assets)),
            RevenuePerEmployee => ratio(wan(this.revenue), count(this.employees)),
            DebtRatio => r.debt_ratio,
            NetProfit => wan(this.net_profit),
            NetProfitGrowth => growth(this.net_profit, prev.and_then(|p| p.net_profit)),
            NetAssets => Some((this.total_assets? - this.total_liabilities?) as f64 / 10_000.0),
            Employees => count(this.employees),
            EquityFinancing => wan(this.equity_financing),
            Class1Ip => count(this.ip_class1),
            Class1IpPer100Staff => {
                ratio(count(this.ip_class1), count(this.employees)).map(|x| x * 100.0)
            }
            HighValueIp => count(this.ip_class1_high_value),
            HighValueIpShare => ip_share(this.ip_class1_high_value),
            SelfDevelopedIpShare => ip_share(this.ip_class1_self),
            Class2Ip => count(this.ip_class2),
            MarketShare => this.market_share,
            DigitalisationLevel => count(this.digitalisation_level),
            RdInstitutionLevel => count(this.rd_institution_level),
            QualityItems => count(this.quality_items),
            OwnBrand => this.own_brand.and_then(flag),
            DistinctivePoints => this.distinctive_points,
            NicheYears => facts
                .niche_since
                .filter(|since| *since <= this.year)
                .map(|since| f64::from(this.year - since)),
            ProductField => Some(f64::from(facts.product_field)),
            StrategicEmerging => flag(facts.strategic_emerging),
            HighTechTitle => flag(facts.high_tech_title),
            SciAwardRecent => flag(
                facts
                    .sci_award_year
                    .is_some_and(|y| y <= this.year && y > this.year - 5),
            ),
        }
    }

    /// Every derivation, in declaration order.
    pub const ALL: [Derivation; 35] = {
        use Derivation::*;
        [
            RdIntensity,
            RdExpense,
            RdExpenseGrowth,
            RdStaffShare,
            Revenue,
            RevenueGrowth,
            MainBusinessShare,
            MainRevenueGrowth,
            NetMargin,
            ReturnOnAssets,
            AssetTurnover,
            RevenuePerEmployee,
            DebtRatio,
            NetProfit,
            NetProfitGrowth,
            NetAssets,
            Employees,
            EquityFinancing,
            Class1Ip,
            Class1IpPer100Staff,
            HighValueIp,
            HighValueIpShare,
            SelfDevelopedIpShare,
            Class2Ip,
            MarketShare,
            DigitalisationLevel,
            RdInstitutionLevel,
            QualityItems,
            OwnBrand,
            DistinctivePoints,
            NicheYears,
            ProductField,
            StrategicEmerging,
            HighTechTitle,
            SciAwardRecent,
        ]
    };

    /// Whether the figure comes from the record alone, which always has it (a flag
    /// that is not set is a "no", not a missing value).
    pub fn from_record_flags(self) -> bool {
        matches!(
            self,
            Derivation::ProductField
                | Derivation::StrategicEmerging
                | Derivation::HighTechTitle
                | Derivation::SciAwardRecent
        )
    }
}

/// What is wrong with a model; each message says what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelProblem {
    #[error("the model needs a code")]
    MissingCode,
    #[error("the version must be 1 or more")]
    BadVersion,
    #[error(
        "the model has {0} dimensions; it needs exactly 6 (the 4 core ones and 2 configurable ones)"
    )]
    DimensionCount(usize),
    #[error("the core dimension '{0}' is missing or not marked core")]
    MissingCoreDimension(String),
    #[error(
        "dimension '{0}' is marked core but only specialization, refinement, distinctiveness and innovation are core"
    )]
    NotACoreDimension(String),
    #[error("the key '{0}' is used more than once; keys must be unique across the model")]
    DuplicateKey(String),
    #[error(
        "the key '{0}' is not allowed: use lowercase letters, digits and '_' (and not 'total')"
    )]
    BadKey(String),
    #[error("'{0}' needs both a Chinese and an English label")]
    MissingLabel(String),
    #[error("indicator '{0}' needs a definition in Chinese and English and a unit")]
    MissingDefinition(String),
    #[error("'{key}' has weight {weight}; weights must be positive numbers")]
    BadWeight { key: String, weight: f64 },
    #[error("dimension '{0}' has no sub-dimensions")]
    EmptyDimension(String),
    #[error("sub-dimension '{0}' has no indicators")]
    EmptySubDimension(String),
    #[error("indicator '{key}' has invalid bands: {reason}")]
    BadBands { key: String, reason: &'static str },
    #[error("the model has {0} indicators; it needs at least 60")]
    TooFewIndicators(usize),
}

impl IndexModel {
    /// The built-in default model (`default-model.json`).
    pub fn builtin() -> IndexModel {
        serde_json::from_str(include_str!("default-model.json"))
            .expect("the built-in index model is valid JSON (checked by its tests)")
    }

    /// Reads a model from its JSON form (not yet validated).
    pub fn from_json(json: &str) -> Result<IndexModel, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The model's JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model always serialises")
    }

    /// Every indicator, dimension by dimension, in order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.dimensions
            .iter()
            .flat_map(|d| d.subs.iter())
            .flat_map(|s| s.indicators.iter())
    }

    /// The indicator with `key`, if any.
    pub fn indicator(&self, key: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.key == key)
    }

    /// The tree the roll-up scores: root [`TOTAL_KEY`], then dimensions,
    /// sub-dimensions and indicators (leaves keyed by indicator key).
    pub fn tree(&self) -> Node {
        Node::group(
            TOTAL_KEY,
            1.0,
            self.dimensions
                .iter()
                .map(|d| {
                    Node::group(
                        d.key.clone(),
                        d.weight,
                        d.subs
                            .iter()
                            .map(|s| {
                                Node::group(
                                    s.key.clone(),
                                    s.weight,
                                    s.indicators
                                        .iter()
                                        .map(|i| Node::leaf(i.key.clone(), i.weight))
                                        .collect(),
                                )
                            })
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// Checks the model's shape; every problem is reported.
    pub fn validate(&self) -> Result<(), Vec<ModelProblem>> {
        let mut out = Vec::new();
        if self.code.trim().is_empty() {
            out.push(ModelProblem::MissingCode);
        }
        if self.version == 0 {
            out.push(ModelProblem::BadVersion);
        }
        if self.name_zh.trim().is_empty() || self.name_en.trim().is_empty() {
            out.push(ModelProblem::MissingLabel(self.code.clone()));
        }
        if self.dimensions.len() != DIMENSION_COUNT {
            out.push(ModelProblem::DimensionCount(self.dimensions.len()));
        }
        for core in CORE_DIMENSIONS {
            if !self.dimensions.iter().any(|d| d.key == core && d.core) {
                out.push(ModelProblem::MissingCoreDimension(core.to_string()));
            }
        }
        let mut seen = HashSet::new();
        let mut node = |key: &str, zh: &str, en: &str, weight: f64, out: &mut Vec<ModelProblem>| {
            if !seen.insert(key.to_string()) {
                out.push(ModelProblem::DuplicateKey(key.to_string()));
            }
            if !good_key(key) {
                out.push(ModelProblem::BadKey(key.to_string()));
            }
            if zh.trim().is_empty() || en.trim().is_empty() {
                out.push(ModelProblem::MissingLabel(key.to_string()));
            }
            if !(weight.is_finite() && weight > 0.0) {
                out.push(ModelProblem::BadWeight {
                    key: key.to_string(),
                    weight,
                });
            }
        };
        for d in &self.dimensions {
            node(&d.key, &d.label_zh, &d.label_en, d.weight, &mut out);
            if d.core && !CORE_DIMENSIONS.contains(&d.key.as_str()) {
                out.push(ModelProblem::NotACoreDimension(d.key.clone()));
            }
            if d.subs.is_empty() {
                out.push(ModelProblem::EmptyDimension(d.key.clone()));
            }
            for s in &d.subs {
                node(&s.key, &s.label_zh, &s.label_en, s.weight, &mut out);
                if s.indicators.is_empty() {
                    out.push(ModelProblem::EmptySubDimension(s.key.clone()));
                }
                for i in &s.indicators {
                    node(&i.key, &i.label_zh, &i.label_en, i.weight, &mut out);
                    if i.definition_zh.trim().is_empty()
                        || i.definition_en.trim().is_empty()
                        || i.unit.trim().is_empty()
                    {
                        out.push(ModelProblem::MissingDefinition(i.key.clone()));
                    }
                    if let Method::Bands(bands) = &i.normalisation
                        && let Err(reason) = check_bands(bands)
                    {
                        out.push(ModelProblem::BadBands {
                            key: i.key.clone(),
                            reason,
                        });
                    }
                }
            }
        }
        let n = self.indicators().count();
        if n < MIN_INDICATORS {
            out.push(ModelProblem::TooFewIndicators(n));
        }
        if out.is_empty() { Ok(()) } else { Err(out) }
    }
}

fn good_key(key: &str) -> bool {
    key != TOTAL_KEY
        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_bands(bands: &[Band]) -> Result<(), &'static str> {
    if bands.is_empty() {
        return Err("there must be at least one band");
    }
    if bands
        .iter()
        .any(|b| !b.threshold.is_finite() || !(0.0..=100.0).contains(&b.points))
    {
        return Err("thresholds must be numbers and points 0 to 100");
    }
    if bands.windows(2).any(|w| w[0].threshold >= w[1].threshold) {
        return Err("thresholds must be strictly ascending");
    }
    Ok(())
}

/// `Direction` as `"higher"` / `"lower"`.
mod direction_form {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Direction, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(d.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Direction, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `Method` as `{"method": "efficacy"}` or
/// `{"method": "bands", "bands": [{"threshold": 3, "points": 60}, ...]}`.
mod method_form {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct BandForm {
        threshold: f64,
        points: f64,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "method", rename_all = "snake_case")]
    enum MethodForm {
        MinMax,
        ZScore,
        Efficacy,
        Bands { bands: Vec<BandForm> },
    }

    pub fn serialize<S: Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
        let form = match m {
            Method::MinMax => MethodForm::MinMax,
            Method::ZScore => MethodForm::ZScore,
            Method::Efficacy => MethodForm::Efficacy,
            Method::Bands(bands) => MethodForm::Bands {
                bands: bands
                    .iter()
                    .map(|b| BandForm {
                        threshold: b.threshold,
                        points: b.points,
                    })
                    .collect(),
            },
        };
        form.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Method, D::Error> {
        Ok(match MethodForm::deserialize(d)? {
            MethodForm::MinMax => Method::MinMax,
            MethodForm::ZScore => Method::ZScore,
            MethodForm::Efficacy => Method::Efficacy,
            MethodForm::Bands { bands } => Method::Bands(
                bands
                    .into_iter()
                    .map(|b| Band {
                        threshold: b.threshold,
                        points: b.points,
                    })
                    .collect(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (AnnualFigures, AnnualFigures, RecordFacts) {
        let prev = AnnualFigures {
            year: 2023,
            revenue: Some(80_000_000),
            main_business_revenue: Some(72_000_000),
            net_profit: Some(6_000_000),
            rd_expense: Some(3_200_000),
            ..Default::default()
        };
        let this = AnnualFigures {
            year: 2024,
            revenue: Some(100_000_000),
            main_business_revenue: Some(90_000_000),
            net_profit: Some(8_000_000),
            total_assets: Some(50_000_000),
            total_liabilities: Some(20_000_000),
            rd_expense: Some(4_000_000),
            employees: Some(200),
            rd_staff: Some(40),
            ip_class1: Some(10),
            ip_class1_high_value: Some(4),
            ip_class1_self: Some(8),
            ip_class2: Some(25),
            equity_financing: Some(15_000_000),
            digitalisation_level: Some(3),
            rd_institution_level: Some(2),
            quality_items: Some(2),
            market_share: Some(12.5),
            own_brand: Some(true),
            distinctive_points: Some(9.0),
        };
        let facts = RecordFacts {
            niche_since: Some(2015),
            product_field: 2,
            strategic_emerging: true,
            high_tech_title: true,
            sci_award_year: Some(2022),
            ..Default::default()
        };
        (this, prev, facts)
    }

    #[test]
    fn builtin_model_parses_and_validates() {
        let m = IndexModel::builtin();
        assert_eq!(m.validate(), Ok(()));
        assert!(m.indicators().count() >= MIN_INDICATORS);
        assert_eq!(m.dimensions.len(), 6);
        for core in CORE_DIMENSIONS {
            assert!(
                m.dimensions.iter().any(|d| d.key == core && d.core),
                "{core}"
            );
        }
        assert_eq!(m.dimensions.iter().filter(|d| !d.core).count(), 2);
        for d in &m.dimensions {
            assert!((2..=4).contains(&d.subs.len()), "{}", d.key);
        }
        // Expert-scored indicators are already on 0..100: min-max keeps their spread.
        for i in m.indicators().filter(|i| i.source == Source::Expert) {
            assert_eq!(i.normalisation, Method::MinMax, "{}", i.key);
        }
        // Every derivation is used once, so the default computes all it can.
        let used: Vec<Derivation> = m
            .indicators()
            .filter_map(|i| match i.source {
                Source::Derived(d) => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(used.len(), Derivation::ALL.len());
        for d in Derivation::ALL {
            assert!(used.contains(&d), "{d:?} unused");
        }
    }

    #[test]
    fn tree_mirrors_the_model() {
        let m = IndexModel::builtin();
        let t = m.tree();
        assert_eq!(t.key, TOTAL_KEY);
        assert_eq!(t.children.len(), 6);
        let leaves: usize = t
            .children
            .iter()
            .flat_map(|d| d.children.iter())
            .map(|s| s.children.len())
            .sum();
        assert_eq!(leaves, m.indicators().count());
        let scored = super::super::aggregate::aggregate(&t, |_| Some(80.0), 0.5).unwrap();
        assert!((scored.score.unwrap() - 80.0).abs() < 1e-9);
    }

    #[test]
    fn derivations_compute_plausible_values() {
        let (this, prev, facts) = sample();
        let v = |d: Derivation| d.compute(&this, Some(&prev), &facts).unwrap();
        use Derivation::*;
        assert_eq!(v(RdIntensity), 4.0);
        assert_eq!(v(RdExpense), 400.0);
        assert_eq!(v(RdExpenseGrowth), 25.0);
        assert_eq!(v(RdStaffShare), 20.0);
        assert_eq!(v(Revenue), 10_000.0);
        assert_eq!(v(RevenueGrowth), 25.0);
        assert_eq!(v(MainBusinessShare), 90.0);
        assert_eq!(v(MainRevenueGrowth), 25.0);
        assert_eq!(v(NetMargin), 8.0);
        assert_eq!(v(ReturnOnAssets), 16.0);
        assert_eq!(v(AssetTurnover), 2.0);
        assert_eq!(v(RevenuePerEmployee), 50.0);
        assert_eq!(v(DebtRatio), 40.0);
        assert_eq!(v(NetProfit), 800.0);
        assert!((v(NetProfitGrowth) - 33.333).abs() < 0.001);
        assert_eq!(v(NetAssets), 3_000.0);
        assert_eq!(v(Employees), 200.0);
        assert_eq!(v(EquityFinancing), 1_500.0);
        assert_eq!(v(Class1Ip), 10.0);
        assert_eq!(v(Class1IpPer100Staff), 5.0);
        assert_eq!(v(HighValueIp), 4.0);
        assert_eq!(v(HighValueIpShare), 40.0);
        assert_eq!(v(SelfDevelopedIpShare), 80.0);
        assert_eq!(v(Class2Ip), 25.0);
        assert_eq!(v(MarketShare), 12.5);
        assert_eq!(v(DigitalisationLevel), 3.0);
        assert_eq!(v(RdInstitutionLevel), 2.0);
        assert_eq!(v(QualityItems), 2.0);
        assert_eq!(v(OwnBrand), 1.0);
        assert_eq!(v(DistinctivePoints), 9.0);
        assert_eq!(v(NicheYears), 9.0);
        assert_eq!(v(ProductField), 2.0);
        assert_eq!(v(StrategicEmerging), 1.0);
        assert_eq!(v(HighTechTitle), 1.0);
        assert_eq!(v(SciAwardRecent), 1.0);
        for d in Derivation::ALL {
            let x = d.compute(&this, Some(&prev), &facts);
            assert!(x.is_some_and(f64::is_finite), "{d:?}");
        }
    }

    #[test]
    fn missing_inputs_give_missing_figures() {
        let (this, prev, facts) = sample();
        let empty = AnnualFigures {
            year: 2024,
            ..Default::default()
        };
        let no_facts = RecordFacts::default();
        for d in Derivation::ALL {
            let x = d.compute(&empty, None, &no_facts);
            if d.from_record_flags() {
                assert!(x.is_some(), "{d:?}: a flag not set is a no");
            } else {
                assert_eq!(x, None, "{d:?}");
            }
        }
        // Growth needs the year immediately before, and a positive base.
        let old = AnnualFigures {
            year: 2021,
            ..prev.clone()
        };
        assert_eq!(
            Derivation::RevenueGrowth.compute(&this, Some(&old), &facts),
            None
        );
        let loss = AnnualFigures {
            net_profit: Some(-1),
            ..prev
        };
        assert_eq!(
            Derivation::NetProfitGrowth.compute(&this, Some(&loss), &facts),
            None
        );
        // No division by zero.
        let zero = AnnualFigures {
            employees: Some(0),
            ..this.clone()
        };
        assert_eq!(
            Derivation::RevenuePerEmployee.compute(&zero, None, &facts),
            None
        );
        // An award long ago is not recent.
        let old_award = RecordFacts {
            sci_award_year: Some(2010),
            ..facts
        };
        assert_eq!(
            Derivation::SciAwardRecent.compute(&this, None, &old_award),
            Some(0.0)
        );
    }

    #[test]
    fn validation_names_the_problem() {
        let mut five = IndexModel::builtin();
        five.dimensions.pop();
        let problems = five.validate().unwrap_err();
        assert!(
            problems.contains(&ModelProblem::DimensionCount(5)),
            "{problems:?}"
        );
        assert!(problems[0].to_string().contains("exactly 6"));

        let mut dup = IndexModel::builtin();
        let key = dup.dimensions[0].subs[0].indicators[0].key.clone();
        dup.dimensions[1].subs[0].indicators[0].key = key.clone();
        assert_eq!(dup.validate(), Err(vec![ModelProblem::DuplicateKey(key)]));

        let mut zero = IndexModel::builtin();
        zero.dimensions[2].subs[1].weight = 0.0;
        let key = zero.dimensions[2].subs[1].key.clone();
        let problems = zero.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![ModelProblem::BadWeight {
                key: key.clone(),
                weight: 0.0
            }]
        );
        assert!(problems[0].to_string().contains(&key));

        let mut not_core = IndexModel::builtin();
        not_core.dimensions[0].core = false;
        assert_eq!(
            not_core.validate(),
            Err(vec![ModelProblem::MissingCoreDimension(
                "specialization".into()
            )])
        );

        let mut empty = IndexModel::builtin();
        empty.dimensions[3].subs[0].indicators.clear();
        let problems = empty.validate().unwrap_err();
        assert!(problems.contains(&ModelProblem::EmptySubDimension(
            empty.dimensions[3].subs[0].key.clone()
        )));

        let mut bands = IndexModel::builtin();
        let ind = &mut bands.dimensions[0].subs[0].indicators[0];
        ind.normalisation = Method::Bands(vec![
            Band {
                threshold: 5.0,
                points: 80.0,
            },
            Band {
                threshold: 3.0,
                points: 60.0,
            },
        ]);
        let key = ind.key.clone();
        assert!(matches!(
            &bands.validate().unwrap_err()[..],
            [ModelProblem::BadBands { key: k, .. }] if *k == key
        ));
    }

    #[test]
    fn json_round_trips() {
        let m = IndexModel::builtin();
        let json = m.to_json();
        assert!(
            json.contains(r#""derived": "rd_intensity""#),
            "snake_case tags"
        );
        assert!(json.contains(r#""method": "bands""#));
        assert!(json.contains(r#""source": "expert""#));
        assert_eq!(IndexModel::from_json(&json).unwrap(), m);
        assert!(IndexModel::from_json(r#"{"code": 1}"#).is_err());
    }
}
