//! MIIT qualification rubrics (工信部企业〔2022〕63号, attachments 1-3) as versioned data, and
//! the evaluator that checks one enterprise-year against them.
//!
//! Rubrics are JSON rather than code so that a newer regulation (the 2026 one) or a province's
//! local indicators can be loaded by an admin without a release; every result carries the
//! rubric's code and version so a stored score can be traced to the rules that produced it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The unit a metric is measured in; it decides how values and thresholds are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Money in yuan.
    Yuan,
    /// A ratio in percent: 3.5 means 3.5%.
    Percent,
    /// A count of items or people.
    Count,
    /// A duration in years.
    Years,
    /// An ordinal level whose meaning the metric's label explains.
    Level,
    /// Yes (1) or no (0).
    Flag,
    /// Rubric points.
    Points,
}

/// Every metric a rubric may reference: (name, Chinese label, English label, unit).
#[rustfmt::skip] // one metric per row reads as a table; rustfmt would explode the rows
pub const KNOWN_METRICS: &[(&str, &str, &str, Unit)] = &[
    ("revenue", "营业收入", "Revenue", Unit::Yuan),
    ("main_business_revenue", "主营业务收入", "Main-business revenue", Unit::Yuan),
    ("rd_expense", "研发费用", "R&D expense", Unit::Yuan),
    ("rd_expense_prev", "前一年研发费用", "R&D expense (previous year)", Unit::Yuan),
    ("rd_expense_2y", "近2年研发费用总额", "R&D expense, last 2 years", Unit::Yuan),
    ("rd_intensity", "研发强度", "R&D intensity", Unit::Percent),
    ("rd_intensity_prev", "前一年研发强度", "R&D intensity (previous year)", Unit::Percent),
    ("main_business_share", "主营业务收入占比", "Main-business share", Unit::Percent),
    ("main_revenue_growth", "主营业务收入增长率", "Main-business revenue growth", Unit::Percent),
    ("main_revenue_growth_avg2", "近2年主营业务收入平均增长率",
        "Main-business revenue growth, 2-year average", Unit::Percent),
    ("debt_ratio", "资产负债率", "Debt ratio", Unit::Percent),
    ("net_margin", "净利润率", "Net profit margin", Unit::Percent),
    ("rd_staff_share", "研发人员占比", "R&D staff share", Unit::Percent),
    ("employees", "从业人员数", "Employees", Unit::Count),
    ("ip_class1", "Ⅰ类知识产权", "Class-I IP items", Unit::Count),
    ("ip_class1_self", "自主研发Ⅰ类知识产权", "Self-developed class-I IP items", Unit::Count),
    ("ip_class1_high_value", "Ⅰ类高价值知识产权", "High-value class-I IP items", Unit::Count),
    ("ip_class2", "Ⅱ类知识产权", "Class-II IP items", Unit::Count),
    ("equity_financing_2y", "近2年新增股权融资", "New equity financing, last 2 years", Unit::Yuan),
    ("equity_financing_3y", "近3年新增股权融资", "New equity financing, last 3 years", Unit::Yuan),
    ("digitalisation_level", "数字化水平", "Digitalisation level", Unit::Level),
    ("quality_items", "质量管理达标项数", "Quality items met", Unit::Count),
    ("rd_institution_level", "研发机构级别", "R&D institution level", Unit::Level),
    ("national_market_share", "全国细分市场占有率", "National niche market share", Unit::Percent),
    ("own_brand", "自主品牌", "Own brand", Unit::Flag),
    ("years_in_niche", "从事细分市场年限", "Years in the niche", Unit::Years),
    ("product_field", "主导产品所属领域", "Main product's field", Unit::Level),
    ("strategic_emerging", "属于战略性新兴产业", "Strategic emerging industry", Unit::Flag),
    ("meets_common_gate", "符合基本条件", "Meets the common gate", Unit::Flag),
    ("sci_award_3y", "近3年国家级或省级科技奖励", "S&T award in 3 years", Unit::Flag),
    ("sci_award_ranked_3y", "近3年省级科技奖励排名前三或国家级科技奖励排名前五",
        "S&T award in 3 years (provincial top 3 or national top 5)", Unit::Flag),
    ("maker_china_top500_3y", "近3年“创客中国”全国500强企业组",
        "Maker in China national top 500 in 3 years", Unit::Flag),
    ("high_tech_title", "高新技术企业等有效荣誉", "High-tech enterprise title", Unit::Flag),
    ("holds_srdi", "省级专精特新中小企业（有效期内）", "Holds provincial SRDI title", Unit::Flag),
    ("distinctive_points", "特色化指标得分", "Local distinctiveness score", Unit::Points),
];

/// Qualification levels from lowest to highest; a rubric's `levels` must name these.
pub const LEVELS: &[&str] = &["innovative_sme", "municipal", "provincial", "national"];

/// Looks up a known metric's (name, Chinese label, English label, unit).
pub fn known_metric(
    name: &str,
) -> Option<&'static (&'static str, &'static str, &'static str, Unit)> {
    KNOWN_METRICS.iter().find(|m| m.0 == name)
}

/// Named numeric inputs for one enterprise and year; an absent name means the datum is missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metrics(BTreeMap<String, f64>);

impl Metrics {
    /// An empty set: every metric missing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a value; NaN or infinity removes the metric instead, since it cannot be compared.
    pub fn set(&mut self, name: &str, v: f64) {
        if v.is_finite() {
            self.0.insert(name.to_string(), v);
        } else {
            self.0.remove(name);
        }
    }

    /// Sets a yes/no metric as 1.0 or 0.0.
    pub fn set_bool(&mut self, name: &str, v: bool) {
        self.set(name, if v { 1.0 } else { 0.0 });
    }

    /// The value, or None when it is missing.
    pub fn get(&self, name: &str) -> Option<f64> {
        // A deserialized map may not have gone through `set`, so filter here as well.
        self.0.get(name).copied().filter(|v| v.is_finite())
    }

    /// Marks a metric missing again.
    pub fn remove(&mut self, name: &str) {
        self.0.remove(name);
    }
}

/// Tolerance for threshold comparisons: ratios computed as 350_000 / 7_000_000 * 100 land a hair
/// below 5, and the rules put boundary values in the higher band.
fn eps(threshold: f64) -> f64 {
    1e-9 * threshold.abs().max(1.0)
}

/// A comparison in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// At least.
    #[serde(rename = ">=")]
    Ge,
    /// More than.
    #[serde(rename = ">")]
    Gt,
    /// At most.
    #[serde(rename = "<=")]
    Le,
    /// Less than.
    #[serde(rename = "<")]
    Lt,
    /// Equal to.
    #[serde(rename = "==")]
    Eq,
}

impl Op {
    fn holds(self, v: f64, t: f64) -> bool {
        let e = eps(t);
        match self {
            Op::Ge => v >= t - e,
            Op::Gt => v > t + e,
            Op::Le => v <= t + e,
            Op::Lt => v < t - e,
            Op::Eq => (v - t).abs() <= e,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Eq => "=",
        }
    }

    /// The symbol that describes a value failing this comparison ("2.1% < 3%").
    fn failed_symbol(self) -> &'static str {
        match self {
            Op::Ge => "<",
            Op::Gt => "≤",
            Op::Le => ">",
            Op::Lt => "≥",
            Op::Eq => "≠",
        }
    }
}

/// A test on metrics: one comparison, all or any of several, or cases picked by a guard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, try_from = "RawCondition")]
pub enum Condition {
    /// One comparison: `{"metric": "debt_ratio", "op": "<=", "value": 70}`.
    Test {
        /// The metric compared.
        metric: String,
        /// The comparison.
        op: Op,
        /// The threshold.
        value: f64,
    },
    /// Every part holds: `{"all": [...]}`; an empty list always holds.
    All {
        /// The parts.
        all: Vec<Condition>,
    },
    /// At least one part holds: `{"any": [...]}`.
    Any {
        /// The parts.
        any: Vec<Condition>,
    },
    /// The first case whose `when` holds decides; when none does, `otherwise` (if given) decides,
    /// else the condition fails.
    Cases {
        /// The cases in order.
        cases: Vec<Case>,
        /// What applies when no case does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        otherwise: Option<Box<Condition>>,
    },
}

/// One branch of a `cases` condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The guard that selects this case.
    pub when: Condition,
    /// What must hold in this case.
    pub then: Condition,
}

/// The JSON shape of a condition before we know which form it is; lets us refuse typos and
/// say which fields belong together, which an untagged enum cannot.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    metric: Option<String>,
    op: Option<Op>,
    value: Option<f64>,
    all: Option<Vec<Condition>>,
    any: Option<Vec<Condition>>,
    cases: Option<Vec<Case>>,
    otherwise: Option<Box<Condition>>,
}

impl TryFrom<RawCondition> for Condition {
    type Error = String;

    fn try_from(r: RawCondition) -> Result<Self, String> {
        match r {
            RawCondition {
                metric: Some(metric),
                op: Some(op),
                value: Some(value),
                all: None,
                any: None,
                cases: None,
                otherwise: None,
            } => Ok(Condition::Test { metric, op, value }),
            RawCondition {
                metric: Some(metric),
                all: None,
                any: None,
                cases: None,
                otherwise: None,
                ..
            } => Err(format!(
                "the condition on '{metric}' needs both \"op\" and \"value\""
            )),
            RawCondition {
                metric: None,
                op: None,
                value: None,
                all: Some(all),
                any: None,
                cases: None,
                otherwise: None,
            } => Ok(Condition::All { all }),
            RawCondition {
                metric: None,
                op: None,
                value: None,
                all: None,
                any: Some(any),
                cases: None,
                otherwise: None,
            } => Ok(Condition::Any { any }),
            RawCondition {
                metric: None,
                op: None,
                value: None,
                all: None,
                any: None,
                cases: Some(cases),
                otherwise,
            } => Ok(Condition::Cases { cases, otherwise }),
            _ => Err(
                "a condition is one of {\"metric\", \"op\", \"value\"}, {\"all\": [...]}, \
                 {\"any\": [...]} or {\"cases\": [...], \"otherwise\": ...}"
                    .to_string(),
            ),
        }
    }
}

/// One band of a `bands` indicator: `min` (higher is better) or `max` (lower is better).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The value must be at least this (higher-is-better bands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The value must be at most this (lower-is-better bands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Points for a value in this band.
    pub points: f64,
    /// Chinese label replacing the generated one (e.g. "国家级" for a level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<String>,
    /// English label replacing the generated one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
}

/// A metric with its bands, best band first; used by `best_of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSet {
    /// The metric banded.
    pub metric: String,
    /// The bands, best first.
    pub bands: Vec<Band>,
    /// Points when no band applies.
    #[serde(default)]
    pub else_points: f64,
    /// Chinese label when no band applies (default: generated from the last threshold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub else_label_zh: Option<String>,
    /// English label when no band applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub else_label_en: Option<String>,
}

/// One rule of a `first_match` indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// When this holds (and no earlier rule did), the rule applies.
    pub when: Condition,
    /// Points the rule gives.
    pub points: f64,
    /// Chinese label replacing the one generated from `when`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<String>,
    /// English label replacing the one generated from `when`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
}

/// How an indicator turns metrics into points; the JSON field `kind` picks the variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scoring {
    /// Bands on one metric, best band first.
    Bands {
        /// The metric banded.
        metric: String,
        /// The bands, best first.
        bands: Vec<Band>,
        /// Points when no band applies.
        #[serde(default)]
        else_points: f64,
        /// Chinese label when no band applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        else_label_zh: Option<String>,
        /// English label when no band applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        else_label_en: Option<String>,
    },
    /// Rules tried in order; the first that holds gives its points.
    FirstMatch {
        /// The rules, best first.
        rules: Vec<Rule>,
        /// Points when no rule holds.
        #[serde(default)]
        else_points: f64,
        /// Chinese label when no rule holds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        else_label_zh: Option<String>,
        /// English label when no rule holds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        else_label_en: Option<String>,
    },
    /// The best points over several band sets, each on its own metric.
    BestOf {
        /// The band sets.
        sets: Vec<BandSet>,
    },
    /// `points` for every full `per` of the metric, at most `cap`.
    PerUnit {
        /// The metric counted.
        metric: String,
        /// Size of one unit (2 for "per full 2 years").
        per: f64,
        /// Points per full unit.
        points: f64,
        /// Most points the indicator gives.
        cap: f64,
    },
    /// `yes` points when the flag is set, `no` points when it is not.
    Flag {
        /// The flag metric.
        metric: String,
        /// Points when set.
        yes: f64,
        /// Points when not set.
        no: f64,
    },
    /// The metric's own value taken as points, clamped to 0..=cap.
    Value {
        /// The metric.
        metric: String,
        /// Most points the indicator gives.
        cap: f64,
    },
}

/// One scored indicator: its names, its group and how it scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Map<String, Value>")]
pub struct Indicator {
    /// Stable key, unique within the rubric.
    pub key: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Key of the group it counts towards.
    pub group: String,
    /// How it scores.
    #[serde(flatten)]
    pub scoring: Scoring,
}

impl TryFrom<Map<String, Value>> for Indicator {
    type Error = String;

    // The indicator's own fields and its scoring share one flat JSON object; splitting them here
    // lets the scoring part refuse unknown fields, which `#[serde(flatten)]` cannot do.
    fn try_from(mut obj: Map<String, Value>) -> Result<Self, String> {
        let key = take_string(&mut obj, "key", "an indicator")?;
        let mut field = |name: &str| take_string(&mut obj, name, &format!("indicator '{key}'"));
        let name_zh = field("name_zh")?;
        let name_en = field("name_en")?;
        let group = field("group")?;
        let scoring: Scoring = serde_json::from_value(Value::Object(obj))
            .map_err(|e| format!("indicator '{key}': {e}"))?;
        Ok(Indicator {
            key,
            name_zh,
            name_en,
            group,
            scoring,
        })
    }
}

fn take_string(obj: &mut Map<String, Value>, name: &str, what: &str) -> Result<String, String> {
    match obj.remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("{what}: \"{name}\" must be a string")),
        None => Err(format!("{what} needs \"{name}\"")),
    }
}

/// A scored dimension (e.g. innovation, 40 points) and the minimum it needs to pass, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Stable key, unique within the rubric.
    pub key: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Most points; must equal the sum of its indicators' maxima.
    pub max: f64,
    /// Points the group needs for the score test to pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
}

/// A named condition: a hard requirement, or a direct-qualification route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable key, unique within its list.
    pub key: String,
    /// Chinese name, as the regulation words it.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// What must hold.
    pub condition: Condition,
}

/// One version of one qualification standard, as loaded from JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricDef {
    /// Which standard: "innovative_sme", "srdi_sme", "little_giant" or a local one.
    pub code: String,
    /// Which version of it, e.g. "2022"; compared naturally, so "2026" beats "2022".
    pub version: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Where the rules come from (document number and attachment).
    #[serde(default)]
    pub source: String,
    /// The qualification levels (from [`LEVELS`]) this standard decides.
    pub levels: Vec<String>,
    /// Scored dimensions.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Scored indicators.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Total needed to pass; None for a checklist standard or a score kept for information only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_total: Option<f64>,
    /// Hard requirements that must all hold.
    #[serde(default)]
    pub requirements: Vec<Check>,
    /// Direct-qualification conditions: any one replaces the score test (not the requirements).
    #[serde(default)]
    pub direct: Vec<Check>,
}

impl Scoring {
    /// Most points this scoring can give.
    fn max_points(&self) -> f64 {
        let top = |it: &mut dyn Iterator<Item = f64>| it.fold(0.0_f64, f64::max);
        match self {
            Scoring::Bands {
                bands, else_points, ..
            } => top(&mut bands.iter().map(|b| b.points).chain([*else_points])),
            Scoring::FirstMatch {
                rules, else_points, ..
            } => top(&mut rules.iter().map(|r| r.points).chain([*else_points])),
            Scoring::BestOf { sets } => top(&mut sets
                .iter()
                .flat_map(|s| s.bands.iter().map(|b| b.points).chain([s.else_points]))),
            Scoring::PerUnit { cap, .. } | Scoring::Value { cap, .. } => *cap,
            Scoring::Flag { yes, no, .. } => yes.max(*no),
        }
    }

    /// Metrics this scoring reads, in the order they matter.
    fn metrics(&self) -> Vec<&str> {
        let mut out = Vec::new();
        match self {
            Scoring::Bands { metric, .. }
            | Scoring::PerUnit { metric, .. }
            | Scoring::Flag { metric, .. }
            | Scoring::Value { metric, .. } => out.push(metric.as_str()),
            Scoring::FirstMatch { rules, .. } => {
                for r in rules {
                    r.when.collect_metrics(&mut out);
                }
            }
            Scoring::BestOf { sets } => out.extend(sets.iter().map(|s| s.metric.as_str())),
        }
        dedup_keep_order(out)
    }
}

fn dedup_keep_order(v: Vec<&str>) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    v.into_iter().filter(|m| seen.insert(*m)).collect()
}

impl Condition {
    fn collect_metrics<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::Test { metric, .. } => out.push(metric),
            Condition::All { all: parts } | Condition::Any { any: parts } => {
                for p in parts {
                    p.collect_metrics(out);
                }
            }
            Condition::Cases { cases, otherwise } => {
                for c in cases {
                    c.when.collect_metrics(out);
                    c.then.collect_metrics(out);
                }
                if let Some(o) = otherwise {
                    o.collect_metrics(out);
                }
            }
        }
    }

    fn validate(&self, at: &str) -> Result<(), String> {
        match self {
            Condition::Test { metric, .. } => check_metric(metric, at),
            Condition::All { all } => all.iter().try_for_each(|c| c.validate(at)),
            Condition::Any { any } => {
                if any.is_empty() {
                    return Err(format!("{at}: an \"any\" needs at least one part"));
                }
                any.iter().try_for_each(|c| c.validate(at))
            }
            Condition::Cases { cases, otherwise } => {
                if cases.is_empty() {
                    return Err(format!("{at}: \"cases\" needs at least one case"));
                }
                for c in cases {
                    c.when.validate(at)?;
                    c.then.validate(at)?;
                }
                otherwise.as_ref().map_or(Ok(()), |o| o.validate(at))
            }
        }
    }
}

fn check_metric(metric: &str, at: &str) -> Result<(), String> {
    if known_metric(metric).is_some() {
        Ok(())
    } else {
        Err(format!("{at}: unknown metric '{metric}'"))
    }
}

fn check_bands(bands: &[Band], else_points: f64, metric: &str, at: &str) -> Result<(), String> {
    check_metric(metric, at)?;
    if bands.is_empty() {
        return Err(format!("{at}: bands on '{metric}' need at least one band"));
    }
    let higher = bands[0].min.is_some();
    let mut prev: Option<f64> = None;
    for (i, b) in bands.iter().enumerate() {
        let t = match (b.min, b.max) {
            (Some(t), None) if higher => t,
            (None, Some(t)) if !higher => t,
            (Some(_), Some(_)) | (None, None) => {
                return Err(format!(
                    "{at}: band {} needs exactly one of \"min\" or \"max\"",
                    i + 1
                ));
            }
            _ => {
                return Err(format!(
                    "{at}: bands on '{metric}' mix \"min\" and \"max\"; use one direction"
                ));
            }
        };
        if b.points < 0.0 {
            return Err(format!("{at}: band {} has negative points", i + 1));
        }
        if let Some(p) = prev {
            // Bands are tried best first, so thresholds must move away from the good end.
            let ordered = if higher { t < p } else { t > p };
            if !ordered {
                let how = if higher {
                    "highest \"min\" first"
                } else {
                    "lowest \"max\" first"
                };
                return Err(format!(
                    "{at}: bands on '{metric}' must be ordered {how} (band {} has {} after {})",
                    i + 1,
                    num(t),
                    num(p)
                ));
            }
        }
        prev = Some(t);
    }
    if else_points < 0.0 {
        return Err(format!("{at}: \"else_points\" is negative"));
    }
    Ok(())
}

impl Indicator {
    fn validate(&self) -> Result<(), String> {
        let at = format!("indicator '{}'", self.key);
        match &self.scoring {
            Scoring::Bands {
                metric,
                bands,
                else_points,
                ..
            } => check_bands(bands, *else_points, metric, &at),
            Scoring::FirstMatch {
                rules, else_points, ..
            } => {
                if rules.is_empty() {
                    return Err(format!("{at}: \"rules\" needs at least one rule"));
                }
                for r in rules {
                    r.when.validate(&at)?;
                    if r.points < 0.0 {
                        return Err(format!("{at}: a rule has negative points"));
                    }
                }
                if *else_points < 0.0 {
                    return Err(format!("{at}: \"else_points\" is negative"));
                }
                Ok(())
            }
            Scoring::BestOf { sets } => {
                if sets.is_empty() {
                    return Err(format!("{at}: \"sets\" needs at least one band set"));
                }
                sets.iter()
                    .try_for_each(|s| check_bands(&s.bands, s.else_points, &s.metric, &at))
            }
            Scoring::PerUnit {
                metric,
                per,
                points,
                cap,
            } => {
                check_metric(metric, &at)?;
                if *per <= 0.0 || *points < 0.0 || *cap < 0.0 {
                    return Err(format!(
                        "{at}: \"per\" must be positive and \"points\" and \"cap\" not negative"
                    ));
                }
                Ok(())
            }
            Scoring::Flag { metric, yes, no } => {
                check_metric(metric, &at)?;
                if *yes < 0.0 || *no < 0.0 {
                    return Err(format!("{at}: \"yes\" and \"no\" must not be negative"));
                }
                Ok(())
            }
            Scoring::Value { metric, cap } => {
                check_metric(metric, &at)?;
                if *cap < 0.0 {
                    return Err(format!("{at}: \"cap\" must not be negative"));
                }
                Ok(())
            }
        }
    }
}

fn unique_keys<'a>(keys: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for k in keys {
        if k.trim().is_empty() {
            return Err(format!("a {what} has an empty key"));
        }
        if !seen.insert(k) {
            return Err(format!("{what} key '{k}' is used twice"));
        }
    }
    Ok(())
}

impl RubricDef {
    /// Reads and validates a rubric; the error says what is wrong and where.
    pub fn parse(json: &str) -> Result<RubricDef, String> {
        let def: RubricDef =
            serde_json::from_str(json).map_err(|e| format!("rubric JSON is not valid: {e}"))?;
        def.validate()?;
        Ok(def)
    }

    /// Checks the rules hang together (also for a rubric built in code).
    pub fn validate(&self) -> Result<(), String> {
        self.validate_inner().map_err(|e| {
            if self.code.trim().is_empty() {
                format!("rubric: {e}")
            } else {
                format!("rubric {} {}: {e}", self.code, self.version)
            }
        })
    }

    fn validate_inner(&self) -> Result<(), String> {
        for (field, v) in [
            ("code", &self.code),
            ("version", &self.version),
            ("name_zh", &self.name_zh),
            ("name_en", &self.name_en),
        ] {
            if v.trim().is_empty() {
                return Err(format!("\"{field}\" must not be empty"));
            }
        }
        for l in &self.levels {
            if !LEVELS.contains(&l.as_str()) {
                return Err(format!(
                    "unknown level '{l}' (known: {})",
                    LEVELS.join(", ")
                ));
            }
        }
        unique_keys(self.groups.iter().map(|g| g.key.as_str()), "group")?;
        unique_keys(self.indicators.iter().map(|i| i.key.as_str()), "indicator")?;
        unique_keys(
            self.requirements.iter().map(|c| c.key.as_str()),
            "requirement",
        )?;
        unique_keys(
            self.direct.iter().map(|c| c.key.as_str()),
            "direct condition",
        )?;

        for g in &self.groups {
            if g.max <= 0.0 {
                return Err(format!("group '{}': \"max\" must be positive", g.key));
            }
            if let Some(min) = g.min
                && !(0.0..=g.max).contains(&min)
            {
                return Err(format!(
                    "group '{}': minimum {} is outside 0..{}",
                    g.key,
                    num(min),
                    num(g.max)
                ));
            }
        }
        for ind in &self.indicators {
            ind.validate()?;
            let Some(g) = self.groups.iter().find(|g| g.key == ind.group) else {
                return Err(format!("indicator '{}': no group '{}'", ind.key, ind.group));
            };
            let max = ind.scoring.max_points();
            if max > g.max + eps(g.max) {
                return Err(format!(
                    "indicator '{}' can give {} points, more than its group '{}' max {}",
                    ind.key,
                    num(max),
                    g.key,
                    num(g.max)
                ));
            }
        }
        for g in &self.groups {
            let sum: f64 = self
                .indicators
                .iter()
                .filter(|i| i.group == g.key)
                .map(|i| i.scoring.max_points())
                .sum();
            // A mismatch is almost always a typo in a band, so refuse it rather than cap.
            if (sum - g.max).abs() > eps(g.max) {
                return Err(format!(
                    "group '{}' has max {} but its indicators can give {} in all",
                    g.key,
                    num(g.max),
                    num(sum)
                ));
            }
        }
        if let Some(p) = self.pass_total {
            let most: f64 = self.groups.iter().map(|g| g.max).sum();
            if self.indicators.is_empty() {
                return Err("\"pass_total\" is set but there are no indicators".to_string());
            }
            if p <= 0.0 || p > most + eps(most) {
                return Err(format!(
                    "\"pass_total\" {} is outside 0..{}",
                    num(p),
                    num(most)
                ));
            }
        }
        for c in &self.requirements {
            c.condition.validate(&format!("requirement '{}'", c.key))?;
        }
        for c in &self.direct {
            c.condition
                .validate(&format!("direct condition '{}'", c.key))?;
        }
        if self.indicators.is_empty() && self.requirements.is_empty() {
            return Err("a rubric needs indicators or requirements".to_string());
        }
        Ok(())
    }

    /// Every metric the rubric reads, so a form can ask for exactly these.
    pub fn referenced_metrics(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for i in &self.indicators {
            out.extend(i.scoring.metrics());
        }
        for c in self.requirements.iter().chain(&self.direct) {
            c.condition.collect_metrics(&mut out);
        }
        dedup_keep_order(out)
    }
}

/// The three 2022 MIIT rubrics embedded in the binary.
pub fn builtin() -> Vec<RubricDef> {
    const FILES: [(&str, &str); 3] = [
        (
            "miit-2022-innovative-sme.json",
            include_str!("miit-2022-innovative-sme.json"),
        ),
        (
            "miit-2022-srdi-sme.json",
            include_str!("miit-2022-srdi-sme.json"),
        ),
        (
            "miit-2022-little-giant.json",
            include_str!("miit-2022-little-giant.json"),
        ),
    ];
    FILES
        .iter()
        .map(|(name, json)| {
            // Compiled-in data, not user input: the tests parse every file, so this cannot fire.
            RubricDef::parse(json).unwrap_or_else(|e| panic!("built-in {name} is invalid: {e}"))
        })
        .collect()
}

/// Compares version strings naturally: digit runs as numbers, so "2026" > "2022", "10" > "9".
pub fn version_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for ch in s.chars() {
            let d = ch.is_ascii_digit();
            match out.last_mut() {
                Some((is_d, buf)) if *is_d == d => buf.push(ch),
                _ => out.push((d, ch.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x, y) {
            ((true, p), (true, q)) => {
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                p.len().cmp(&q.len()).then_with(|| p.cmp(q))
            }
            ((_, p), (_, q)) => p.cmp(q),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len())
}

fn newest<'a>(it: impl Iterator<Item = &'a RubricDef>) -> Option<&'a RubricDef> {
    // Keep the first of equal versions so the result does not depend on iterator quirks.
    it.fold(None, |best: Option<&RubricDef>, d| match best {
        Some(b) if version_cmp(&d.version, &b.version) != Ordering::Greater => Some(b),
        _ => Some(d),
    })
}

/// The newest version of the rubric with this code.
pub fn latest<'a>(defs: &'a [RubricDef], code: &str) -> Option<&'a RubricDef> {
    newest(defs.iter().filter(|d| d.code == code))
}

/// The rubric with this exact code and version, e.g. to re-check a stored result.
pub fn find<'a>(defs: &'a [RubricDef], code: &str, version: &str) -> Option<&'a RubricDef> {
    defs.iter().find(|d| d.code == code && d.version == version)
}

/// The newest rubric that decides this qualification level.
pub fn rubric_for_level<'a>(defs: &'a [RubricDef], level: &str) -> Option<&'a RubricDef> {
    newest(defs.iter().filter(|d| d.levels.iter().any(|l| l == level)))
}

/// The rubric for the first level above `current_level` that has one (None = no title yet);
/// None above "national" or for an unknown level.
pub fn next_level_rubric<'a>(
    defs: &'a [RubricDef],
    current_level: Option<&str>,
) -> Option<&'a RubricDef> {
    let start = match current_level {
        None => 0,
        Some(l) => LEVELS.iter().position(|x| *x == l)? + 1,
    };
    LEVELS[start..]
        .iter()
        .find_map(|l| rubric_for_level(defs, l))
}

// ---------------------------------------------------------------------------------------------
// Results

/// Whether a condition held, failed, or could not be decided for lack of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It holds.
    Met,
    /// It does not hold.
    NotMet,
    /// A metric it needs is missing, so it cannot be shown to hold.
    Missing,
}

/// A metric's value as used in an evaluation; None when missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    /// Metric name.
    pub metric: String,
    /// Its value, or None when missing.
    pub value: Option<f64>,
}

/// How one indicator scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// Indicator key.
    pub key: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Group key.
    pub group: String,
    /// The metrics it read.
    pub values: Vec<MetricValue>,
    /// The band or rule that applied, in Chinese ("≥ 5%", "3%–5%", "数据缺失").
    pub band_zh: String,
    /// The band or rule that applied, in English.
    pub band_en: String,
    /// Points earned.
    pub points: f64,
    /// Most points possible.
    pub max: f64,
    /// True when missing data may have cost points.
    pub missing: bool,
    /// The missing metrics that may have cost points.
    pub missing_metrics: Vec<String>,
}

/// How one group scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    /// Group key.
    pub key: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Points earned.
    pub points: f64,
    /// Most points possible.
    pub max: f64,
    /// The minimum the group needs, if any.
    pub min: Option<f64>,
    /// Whether the minimum holds (true when there is none).
    pub min_met: bool,
}

/// The outcome of one requirement or direct condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Check key.
    pub key: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Whether it held.
    pub outcome: Outcome,
    /// The metrics it read.
    pub values: Vec<MetricValue>,
}

/// Why a result fell short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallKind {
    /// The total is below the pass mark.
    TotalBelowPass,
    /// A group is below its minimum.
    GroupBelowMin,
    /// A requirement's comparison failed.
    RequirementFailed,
    /// A metric needed by a requirement or indicator is missing.
    MissingData,
}

/// One reason a rubric was not passed, with numbers a page can show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    /// What kind of reason.
    pub kind: ShortfallKind,
    /// The requirement, group or indicator key; "total" for the pass mark.
    pub key: String,
    /// The metric concerned, when there is one.
    pub metric: Option<String>,
    /// What fell short, in Chinese (metric label, group name or "总分").
    pub label_zh: String,
    /// What fell short, in English.
    pub label_en: String,
    /// The comparison that was required, if any.
    pub op: Option<Op>,
    /// The value required, if any.
    pub required: Option<f64>,
    /// The actual value; None when missing.
    pub actual: Option<f64>,
    /// How far off: points short, or how much to raise (>=) or lower (<=) the metric.
    pub gap: Option<f64>,
    /// Unit of `required`, `actual` and `gap`.
    pub unit: Unit,
    /// True when this is one of alternatives and meeting any one of them would do.
    pub one_of: bool,
    /// A sentence in Chinese, e.g. "总分 52 < 60，还差 8 分".
    pub message_zh: String,
    /// A sentence in English, e.g. "Total score 52 < 60, 8 points short".
    pub message_en: String,
}

/// The evaluation of one enterprise-year against one rubric version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricResult {
    /// Rubric code.
    pub code: String,
    /// Rubric version that produced this result.
    pub version: String,
    /// Per-indicator scores, in rubric order.
    pub indicators: Vec<IndicatorResult>,
    /// Per-group totals, in rubric order.
    pub groups: Vec<GroupResult>,
    /// Total score; None for a checklist rubric.
    pub total: Option<f64>,
    /// Most points possible; None for a checklist rubric.
    pub max_total: Option<f64>,
    /// The pass mark, if the rubric has one.
    pub pass_total: Option<f64>,
    /// Whether the score test (pass mark and every group minimum) held.
    pub score_passed: bool,
    /// Outcome of each hard requirement.
    pub requirements: Vec<CheckResult>,
    /// Outcome of each direct-qualification condition.
    pub direct: Vec<CheckResult>,
    /// Whether the enterprise qualifies.
    pub passed: bool,
    /// The direct condition that qualified it when the score alone did not.
    pub via_direct: Option<String>,
    /// Every reason it does not qualify; empty when it passed.
    pub shortfalls: Vec<Shortfall>,
}

// ---------------------------------------------------------------------------------------------
// Formatting

fn label(metric: &str) -> (&str, &str, Unit) {
    // Metrics were validated at parse time; a rubric built in code without `validate` still
    // gets a usable label.
    known_metric(metric).map_or((metric, metric, Unit::Count), |m| (m.1, m.2, m.3))
}

/// A number with at most two decimals and no trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Groups the integer digits of a formatted number by thousands ("800000" -> "800,000").
fn thousands(n: &str) -> String {
    let (sign, rest) = n.strip_prefix('-').map_or(("", n), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// A value split into number and suffix, so ranges can share the suffix ("400–500万元").
fn parts(v: f64, unit: Unit, zh: bool) -> (String, String) {
    match (unit, zh) {
        (Unit::Yuan, true) if v.abs() >= 1e8 => (num(v / 1e8), "亿元".into()),
        (Unit::Yuan, true) if v.abs() >= 1e4 => (num(v / 1e4), "万元".into()),
        (Unit::Yuan, true) => (num(v), "元".into()),
        (Unit::Yuan, false) if v.abs() >= 1e6 => (num(v / 1e6), " million yuan".into()),
        (Unit::Yuan, false) => (thousands(&num(v)), " yuan".into()),
        (Unit::Percent, _) => (num(v), "%".into()),
        (Unit::Years, true) => (num(v), "年".into()),
        (Unit::Years, false) => (num(v), " years".into()),
        (Unit::Points, true) => (num(v), "分".into()),
        (Unit::Points, false) => (num(v), " points".into()),
        (Unit::Flag, true) => ((if v != 0.0 { "是" } else { "否" }).into(), String::new()),
        (Unit::Flag, false) => ((if v != 0.0 { "yes" } else { "no" }).into(), String::new()),
        (Unit::Count | Unit::Level, _) => (num(v), String::new()),
    }
}

fn fmt_value(v: f64, unit: Unit, zh: bool) -> String {
    let (n, s) = parts(v, unit, zh);
    n + &s
}

fn fmt_range(lo: f64, hi: f64, unit: Unit, zh: bool) -> String {
    // Whole-number levels and counts: the band [2, 3) is just "2".
    if matches!(unit, Unit::Count | Unit::Level) && lo.fract() == 0.0 && hi - lo == 1.0 {
        return num(lo);
    }
    let (a, sa) = parts(lo, unit, zh);
    let (b, sb) = parts(hi, unit, zh);
    if sa == sb && unit != Unit::Percent {
        format!("{a}–{b}{sa}")
    } else {
        format!("{a}{sa}–{b}{sb}")
    }
}

/// The label of band `idx` (None = no band applied), generated unless the data gives one.
fn band_label(set: &BandView, idx: Option<usize>, unit: Unit, zh: bool) -> String {
    let given = match idx {
        Some(i) => {
            if zh {
                &set.bands[i].label_zh
            } else {
                &set.bands[i].label_en
            }
        }
        None => {
            if zh {
                set.else_zh
            } else {
                set.else_en
            }
        }
    };
    if let Some(l) = given {
        return l.clone();
    }
    let t = |b: &Band| b.min.or(b.max).unwrap_or(0.0);
    // Validation refuses empty band lists; a rubric built in code may not have been validated.
    let (Some(first), Some(last)) = (set.bands.first(), set.bands.last()) else {
        return "—".to_string();
    };
    let higher = first.min.is_some();
    match (idx, higher) {
        (Some(0), true) => format!("≥ {}", fmt_value(t(first), unit, zh)),
        (Some(0), false) => format!("≤ {}", fmt_value(t(first), unit, zh)),
        (Some(i), true) => fmt_range(t(&set.bands[i]), t(&set.bands[i - 1]), unit, zh),
        (Some(i), false) => fmt_range(t(&set.bands[i - 1]), t(&set.bands[i]), unit, zh),
        (None, true) => format!("< {}", fmt_value(t(last), unit, zh)),
        (None, false) => format!("> {}", fmt_value(t(last), unit, zh)),
    }
}

fn describe(c: &Condition, zh: bool) -> String {
    match c {
        Condition::Test { metric, op, value } => {
            let (lz, le, unit) = label(metric);
            let l = if zh { lz } else { le };
            format!("{l} {} {}", op.symbol(), fmt_value(*value, unit, zh))
        }
        Condition::All { all } if all.is_empty() => {
            (if zh { "无要求" } else { "no requirement" }).to_string()
        }
        Condition::All { all } => {
            let parts: Vec<String> = all.iter().map(|p| describe(p, zh)).collect();
            parts.join(if zh { " 且 " } else { " and " })
        }
        Condition::Any { any } => {
            let parts: Vec<String> = any.iter().map(|p| describe(p, zh)).collect();
            parts.join(if zh { " 或 " } else { " or " })
        }
        Condition::Cases { .. } => (if zh { "按情形" } else { "by case" }).to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

fn eval(c: &Condition, m: &Metrics) -> Outcome {
    match c {
        Condition::Test { metric, op, value } => match m.get(metric) {
            None => Outcome::Missing,
            Some(v) if op.holds(v, *value) => Outcome::Met,
            Some(_) => Outcome::NotMet,
        },
        Condition::All { all } => {
            let outs: Vec<Outcome> = all.iter().map(|p| eval(p, m)).collect();
            if outs.contains(&Outcome::NotMet) {
                Outcome::NotMet
            } else if outs.contains(&Outcome::Missing) {
                Outcome::Missing
            } else {
                Outcome::Met
            }
        }
        Condition::Any { any } => {
            let outs: Vec<Outcome> = any.iter().map(|p| eval(p, m)).collect();
            if outs.contains(&Outcome::Met) {
                Outcome::Met
            } else if outs.contains(&Outcome::Missing) {
                Outcome::Missing
            } else {
                Outcome::NotMet
            }
        }
        Condition::Cases { cases, otherwise } => {
            for case in cases {
                match eval(&case.when, m) {
                    Outcome::Met => return eval(&case.then, m),
                    // Without the guard's metric we cannot know which case applies.
                    Outcome::Missing => return Outcome::Missing,
                    Outcome::NotMet => {}
                }
            }
            otherwise.as_ref().map_or(Outcome::NotMet, |o| eval(o, m))
        }
    }
}

/// A comparison that failed or lacked data, with the case guard that selected it.
struct Leaf<'a> {
    metric: &'a str,
    op: Op,
    value: f64,
    actual: Option<f64>,
    one_of: bool,
    context: Option<&'a Condition>,
}

/// Collects the comparisons that make `c` fail, so each can be reported with its numbers.
fn failures<'a>(
    c: &'a Condition,
    m: &Metrics,
    one_of: bool,
    context: Option<&'a Condition>,
    out: &mut Vec<Leaf<'a>>,
) {
    match c {
        Condition::Test { metric, op, value } => {
            if eval(c, m) != Outcome::Met {
                let actual = m.get(metric);
                out.push(Leaf {
                    metric,
                    op: *op,
                    value: *value,
                    actual,
                    one_of,
                    context,
                });
            }
        }
        Condition::All { all } => {
            for p in all.iter().filter(|p| eval(p, m) != Outcome::Met) {
                failures(p, m, one_of, context, out);
            }
        }
        Condition::Any { any } => {
            if eval(c, m) != Outcome::Met {
                for p in any {
                    failures(p, m, true, context, out);
                }
            }
        }
        Condition::Cases { cases, otherwise } => {
            for case in cases {
                match eval(&case.when, m) {
                    Outcome::Met => return failures(&case.then, m, one_of, Some(&case.when), out),
                    Outcome::Missing => return failures(&case.when, m, one_of, context, out),
                    Outcome::NotMet => {}
                }
            }
            match otherwise {
                Some(o) => failures(o, m, one_of, context, out),
                // No case applies: report every guard, any one of which would have opened a case.
                None => {
                    for case in cases {
                        failures(&case.when, m, true, context, out);
                    }
                }
            }
        }
    }
}

fn leaf_shortfall(key: &str, leaf: &Leaf) -> Shortfall {
    let (lz, le, unit) = label(leaf.metric);
    let req_zh = fmt_value(leaf.value, unit, true);
    let req_en = fmt_value(leaf.value, unit, false);
    let sym = leaf.op.symbol();
    let (kind, mut zh, mut en, gap) = match leaf.actual {
        None => (
            ShortfallKind::MissingData,
            format!("{lz}：缺少数据（要求 {sym} {req_zh}）"),
            format!("{le}: missing data (required {sym} {req_en})"),
            None,
        ),
        Some(a) if unit == Unit::Flag => (
            ShortfallKind::RequirementFailed,
            format!("{lz}：{}（要求：{req_zh}）", fmt_value(a, unit, true)),
            format!("{le}: {} (required: {req_en})", fmt_value(a, unit, false)),
            None,
        ),
        Some(a) => {
            let bad = leaf.op.failed_symbol();
            let gap = match leaf.op {
                Op::Ge | Op::Gt => leaf.value - a,
                Op::Le | Op::Lt => a - leaf.value,
                Op::Eq => (a - leaf.value).abs(),
            };
            (
                ShortfallKind::RequirementFailed,
                format!("{lz} {} {bad} {req_zh}", fmt_value(a, unit, true)),
                format!("{le} {} {bad} {req_en}", fmt_value(a, unit, false)),
                Some(gap),
            )
        }
    };
    if let Some(ctx) = leaf.context {
        zh.push_str(&format!("（{} 时）", describe(ctx, true)));
        en.push_str(&format!(" (when {})", describe(ctx, false)));
    }
    if leaf.one_of {
        zh.push_str("（满足其一即可）");
        en.push_str(" (any one suffices)");
    }
    Shortfall {
        kind,
        key: key.to_string(),
        metric: Some(leaf.metric.to_string()),
        label_zh: lz.to_string(),
        label_en: le.to_string(),
        op: Some(leaf.op),
        required: Some(leaf.value),
        actual: leaf.actual,
        gap,
        unit,
        one_of: leaf.one_of,
        message_zh: zh,
        message_en: en,
    }
}

fn score_shortfall(
    kind: ShortfallKind,
    key: &str,
    zh: &str,
    en: &str,
    req: f64,
    got: f64,
) -> Shortfall {
    let gap = req - got;
    Shortfall {
        kind,
        key: key.to_string(),
        metric: None,
        label_zh: zh.to_string(),
        label_en: en.to_string(),
        op: Some(Op::Ge),
        required: Some(req),
        actual: Some(got),
        gap: Some(gap),
        unit: Unit::Points,
        one_of: false,
        message_zh: format!("{zh} {} < {}，还差 {} 分", num(got), num(req), num(gap)),
        message_en: format!(
            "{en} {} < {}, {} point{} short",
            num(got),
            num(req),
            num(gap),
            if num(gap) == "1" { "" } else { "s" }
        ),
    }
}

/// A `bands` indicator or one set of a `best_of`, viewed the same way.
struct BandView<'a> {
    metric: &'a str,
    bands: &'a [Band],
    else_points: f64,
    else_zh: &'a Option<String>,
    else_en: &'a Option<String>,
}

/// Points, band labels and whether a band (not the "else") applied; None when the metric is
/// missing.
fn score_bands(set: &BandView, m: &Metrics) -> Option<(f64, String, String, bool)> {
    let v = m.get(set.metric)?;
    let unit = label(set.metric).2;
    let idx = set.bands.iter().position(|b| match (b.min, b.max) {
        (Some(t), _) => Op::Ge.holds(v, t),
        (_, Some(t)) => Op::Le.holds(v, t),
        _ => false,
    });
    let points = idx.map_or(set.else_points, |i| set.bands[i].points);
    let (zh, en) = (
        band_label(set, idx, unit, true),
        band_label(set, idx, unit, false),
    );
    Some((points, zh, en, idx.is_some()))
}

const MISSING_ZH: &str = "数据缺失";
const MISSING_EN: &str = "missing data";

/// Points, band labels and the metrics whose absence may have cost points.
fn score_indicator<'a>(s: &'a Scoring, m: &Metrics) -> (f64, String, String, Vec<&'a str>) {
    let missing = || (0.0, MISSING_ZH.to_string(), MISSING_EN.to_string());
    match s {
        Scoring::Bands {
            metric,
            bands,
            else_points,
            else_label_zh,
            else_label_en,
        } => {
            let view = BandView {
                metric,
                bands,
                else_points: *else_points,
                else_zh: else_label_zh,
                else_en: else_label_en,
            };
            match score_bands(&view, m) {
                Some((p, zh, en, _)) => (p, zh, en, vec![]),
                None => {
                    let (p, zh, en) = missing();
                    (p, zh, en, vec![metric.as_str()])
                }
            }
        }
        Scoring::FirstMatch {
            rules,
            else_points,
            else_label_zh,
            else_label_en,
        } => {
            // Only rules tried before the one that applied could have given more points, so
            // only their missing metrics matter.
            let mut lacking = Vec::new();
            for r in rules {
                match eval(&r.when, m) {
                    Outcome::Met => {
                        let zh = r
                            .label_zh
                            .clone()
                            .unwrap_or_else(|| describe(&r.when, true));
                        let en = r
                            .label_en
                            .clone()
                            .unwrap_or_else(|| describe(&r.when, false));
                        return (r.points, zh, en, lacking);
                    }
                    Outcome::Missing => {
                        let mut ms = Vec::new();
                        r.when.collect_metrics(&mut ms);
                        lacking.extend(ms.into_iter().filter(|x| m.get(x).is_none()));
                    }
                    Outcome::NotMet => {}
                }
            }
            let lacking = dedup_keep_order(lacking);
            if !lacking.is_empty() && lacking.len() == s.metrics().len() {
                let (p, zh, en) = missing();
                return (p, zh, en, lacking);
            }
            let zh = else_label_zh
                .clone()
                .unwrap_or_else(|| "以上均不满足".to_string());
            let en = else_label_en
                .clone()
                .unwrap_or_else(|| "none of the above".to_string());
            (*else_points, zh, en, lacking)
        }
        Scoring::BestOf { sets } => {
            let mut best: Option<(f64, String, String)> = None;
            let mut any_band = false;
            let mut lacking = Vec::new();
            let mut else_labels = (Vec::new(), Vec::new());
            for set in sets {
                let view = BandView {
                    metric: &set.metric,
                    bands: &set.bands,
                    else_points: set.else_points,
                    else_zh: &set.else_label_zh,
                    else_en: &set.else_label_en,
                };
                let Some((p, zh, en, hit)) = score_bands(&view, m) else {
                    lacking.push(set.metric.as_str());
                    continue;
                };
                any_band |= hit;
                let (lz, le, _) = label(&set.metric);
                let (zh, en) = (format!("{lz} {zh}"), format!("{le} {en}"));
                else_labels.0.push(zh.clone());
                else_labels.1.push(en.clone());
                if best.as_ref().is_none_or(|b| p > b.0) {
                    best = Some((p, zh, en));
                }
            }
            match best {
                None => {
                    let (p, zh, en) = missing();
                    (p, zh, en, lacking)
                }
                Some((p, zh, en)) => {
                    let top = s.max_points();
                    // A missing alternative cannot matter once the maximum is reached.
                    let lacking = if p >= top { vec![] } else { lacking };
                    if !any_band {
                        // Nothing reached a band: show every set's "below" label.
                        (
                            p,
                            else_labels.0.join("，"),
                            else_labels.1.join("; "),
                            lacking,
                        )
                    } else {
                        (p, zh, en, lacking)
                    }
                }
            }
        }
        Scoring::PerUnit {
            metric,
            per,
            points,
            cap,
        } => match m.get(metric) {
            None => {
                let (p, zh, en) = missing();
                (p, zh, en, vec![metric.as_str()])
            }
            Some(v) => {
                let units = ((v + eps(*per)) / per).floor().max(0.0);
                let unit = label(metric).2;
                let (p, c) = (num(*points), num(*cap));
                // "Every full 1" reads badly for counted items, so say "each".
                let (zh, en) = if unit == Unit::Count && *per == 1.0 {
                    (
                        format!("每项 {p} 分，最高 {c} 分"),
                        format!("{p} each, at most {c}"),
                    )
                } else {
                    (
                        format!(
                            "每满 {} 得 {p} 分，最高 {c} 分",
                            fmt_value(*per, unit, true)
                        ),
                        format!("{p} per full {}, at most {c}", fmt_value(*per, unit, false)),
                    )
                };
                ((units * points).min(*cap), zh, en, vec![])
            }
        },
        Scoring::Flag { metric, yes, no } => match m.get(metric) {
            // Missing is not "no": a missing flag earns nothing and is reported.
            None => {
                let (p, zh, en) = missing();
                (p, zh, en, vec![metric.as_str()])
            }
            Some(v) if v != 0.0 => (*yes, "是".to_string(), "yes".to_string(), vec![]),
            Some(_) => (*no, "否".to_string(), "no".to_string(), vec![]),
        },
        Scoring::Value { metric, cap } => match m.get(metric) {
            None => {
                let (p, zh, en) = missing();
                (p, zh, en, vec![metric.as_str()])
            }
            Some(v) => {
                let zh = format!("按得分计，最高 {} 分", num(*cap));
                let en = format!("as scored, at most {}", num(*cap));
                // Not `clamp`: it panics on a negative cap in a rubric that skipped `validate`.
                (v.max(0.0).min(*cap), zh, en, vec![])
            }
        },
    }
}

fn values_of<'a>(metrics: impl IntoIterator<Item = &'a str>, m: &Metrics) -> Vec<MetricValue> {
    metrics
        .into_iter()
        .map(|x| MetricValue {
            metric: x.to_string(),
            value: m.get(x),
        })
        .collect()
}

fn check_result(c: &Check, m: &Metrics) -> CheckResult {
    let mut ms = Vec::new();
    c.condition.collect_metrics(&mut ms);
    CheckResult {
        key: c.key.clone(),
        name_zh: c.name_zh.clone(),
        name_en: c.name_en.clone(),
        outcome: eval(&c.condition, m),
        values: values_of(dedup_keep_order(ms), m),
    }
}

/// Evaluates one enterprise-year against one rubric; missing metrics earn nothing and are named.
pub fn evaluate(def: &RubricDef, m: &Metrics) -> RubricResult {
    let indicators: Vec<IndicatorResult> = def
        .indicators
        .iter()
        .map(|ind| {
            let (points, band_zh, band_en, lacking) = score_indicator(&ind.scoring, m);
            IndicatorResult {
                key: ind.key.clone(),
                name_zh: ind.name_zh.clone(),
                name_en: ind.name_en.clone(),
                group: ind.group.clone(),
                values: values_of(ind.scoring.metrics(), m),
                band_zh,
                band_en,
                points,
                max: ind.scoring.max_points(),
                missing: !lacking.is_empty(),
                missing_metrics: lacking.into_iter().map(str::to_string).collect(),
            }
        })
        .collect();

    let groups: Vec<GroupResult> = def
        .groups
        .iter()
        .map(|g| {
            let points: f64 = indicators
                .iter()
                .filter(|i| i.group == g.key)
                .map(|i| i.points)
                .sum();
            GroupResult {
                key: g.key.clone(),
                name_zh: g.name_zh.clone(),
                name_en: g.name_en.clone(),
                points,
                max: g.max,
                min: g.min,
                min_met: g.min.is_none_or(|min| Op::Ge.holds(points, min)),
            }
        })
        .collect();

    let scored = !def.indicators.is_empty();
    let total = scored.then(|| groups.iter().map(|g| g.points).sum::<f64>());
    let max_total = scored.then(|| groups.iter().map(|g| g.max).sum::<f64>());
    let total_ok = match (def.pass_total, total) {
        (Some(p), Some(t)) => Op::Ge.holds(t, p),
        _ => true,
    };
    let score_passed = total_ok && groups.iter().all(|g| g.min_met);

    let requirements: Vec<CheckResult> = def
        .requirements
        .iter()
        .map(|c| check_result(c, m))
        .collect();
    let direct: Vec<CheckResult> = def.direct.iter().map(|c| check_result(c, m)).collect();
    let requirements_ok = requirements.iter().all(|r| r.outcome == Outcome::Met);
    let direct_hit = direct
        .iter()
        .find(|d| d.outcome == Outcome::Met)
        .map(|d| d.key.clone());

    let passed = requirements_ok && (score_passed || direct_hit.is_some());
    let via_direct = if passed && !score_passed {
        direct_hit.clone()
    } else {
        None
    };

    let mut shortfalls = Vec::new();
    if !passed {
        for c in &def.requirements {
            let mut leaves = Vec::new();
            failures(&c.condition, m, false, None, &mut leaves);
            shortfalls.extend(leaves.iter().map(|l| leaf_shortfall(&c.key, l)));
        }
        // The score only matters when no direct condition stands in for it.
        if !score_passed && direct_hit.is_none() {
            if let (Some(p), Some(t)) = (def.pass_total, total)
                && !total_ok
            {
                let k = ShortfallKind::TotalBelowPass;
                shortfalls.push(score_shortfall(k, "total", "总分", "Total score", p, t));
            }
            for g in groups.iter().filter(|g| !g.min_met) {
                let k = ShortfallKind::GroupBelowMin;
                let min = g.min.unwrap_or(0.0);
                shortfalls.push(score_shortfall(
                    k, &g.key, &g.name_zh, &g.name_en, min, g.points,
                ));
            }
            for ind in indicators.iter().filter(|i| i.missing) {
                for metric in &ind.missing_metrics {
                    let (lz, le, unit) = label(metric);
                    let (hz, he) = if ind.points == 0.0 {
                        ("按 0 分计", "scored 0".to_string())
                    } else {
                        ("可能少计分", "may be understated".to_string())
                    };
                    shortfalls.push(Shortfall {
                        kind: ShortfallKind::MissingData,
                        key: ind.key.clone(),
                        metric: Some(metric.clone()),
                        label_zh: lz.to_string(),
                        label_en: le.to_string(),
                        op: None,
                        required: None,
                        actual: None,
                        gap: None,
                        unit,
                        one_of: false,
                        message_zh: format!("{lz}：缺少数据（指标“{}”{hz}）", ind.name_zh),
                        message_en: format!(
                            "{le}: missing data (indicator “{}” {he})",
                            ind.name_en
                        ),
                    });
                }
            }
        }
    }

    RubricResult {
        code: def.code.clone(),
        version: def.version.clone(),
        indicators,
        groups,
        total,
        max_total,
        pass_total: def.pass_total,
        score_passed,
        requirements,
        direct,
        passed,
        via_direct,
        shortfalls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric(code: &str) -> RubricDef {
        latest(&builtin(), code).cloned().expect("built-in rubric")
    }

    fn ind<'a>(r: &'a RubricResult, key: &str) -> &'a IndicatorResult {
        r.indicators
            .iter()
            .find(|i| i.key == key)
            .expect("indicator")
    }

    fn group<'a>(r: &'a RubricResult, key: &str) -> &'a GroupResult {
        r.groups.iter().find(|g| g.key == key).expect("group")
    }

    /// Points of one indicator after setting one metric on top of `base`.
    fn points_with(def: &RubricDef, base: &Metrics, metric: &str, v: f64, key: &str) -> f64 {
        let mut m = base.clone();
        m.set(metric, v);
        ind(&evaluate(def, &m), key).points
    }

    /// Innovative SME, every indicator in its top band, no direct condition:
    /// IP 20 + R&D 20 | growth 20 + debt 10 | strategic 10 + share 20 = 100.
    fn strong_innovative() -> Metrics {
        let mut m = Metrics::new();
        m.set_bool("meets_common_gate", true);
        m.set("ip_class1_high_value", 1.0);
        m.set("rd_intensity", 6.0);
        m.set("main_revenue_growth", 20.0);
        m.set("debt_ratio", 40.0);
        m.set_bool("strategic_emerging", true);
        m.set("main_business_share", 90.0);
        m.set_bool("sci_award_3y", false);
        m.set_bool("high_tech_title", false);
        m.set("rd_institution_level", 0.0);
        m.set("equity_financing_3y", 0.0);
        m
    }

    /// The SRDI worked example, by hand:
    /// specialization: share 75% -> 3, avg growth 9% -> 8, 7 years -> 3 (3 full 2-year spans),
    ///   product field 1 -> 3; = 17
    /// refinement: digitalisation 2 -> 3, 1 quality item -> 3, net margin 7% -> 6,
    ///   debt 55% -> 3; = 15
    /// distinctiveness: 9
    /// innovation: class-I IP (not self-developed, not high-value) -> 6,
    ///   R&D max(2.5 million -> 4, 8.5% -> 8) = 8, R&D staff 12% -> 3, municipal institution -> 4;
    ///   = 21
    /// total 17 + 15 + 9 + 21 = 62 >= 60.
    fn srdi_example() -> Metrics {
        let mut m = Metrics::new();
        m.set_bool("meets_common_gate", true);
        m.set("main_business_share", 75.0);
        m.set("main_revenue_growth_avg2", 9.0);
        m.set("years_in_niche", 7.0);
        m.set("product_field", 1.0);
        m.set("digitalisation_level", 2.0);
        m.set("quality_items", 1.0);
        m.set("net_margin", 7.0);
        m.set("debt_ratio", 55.0);
        m.set("distinctive_points", 9.0);
        m.set("ip_class1_high_value", 0.0);
        m.set("ip_class1_self", 0.0);
        m.set("ip_class1", 2.0);
        m.set("ip_class2", 3.0);
        m.set("rd_expense", 2_500_000.0);
        m.set("rd_intensity", 8.5);
        m.set("rd_staff_share", 12.0);
        m.set("rd_institution_level", 2.0);
        m.set("revenue", 29_411_765.0);
        m.set("equity_financing_2y", 0.0);
        m.set("rd_expense_2y", 4_500_000.0);
        m.set_bool("sci_award_ranked_3y", false);
        m.set_bool("maker_china_top500_3y", false);
        m
    }

    /// A little giant candidate meeting every item, in the >= 100 million revenue band.
    fn giant() -> Metrics {
        let mut m = Metrics::new();
        m.set_bool("meets_common_gate", true);
        m.set_bool("holds_srdi", true);
        m.set("years_in_niche", 5.0);
        m.set("main_business_share", 85.0);
        m.set("main_revenue_growth_avg2", 8.0);
        m.set("debt_ratio", 50.0);
        m.set("national_market_share", 15.0);
        m.set_bool("own_brand", true);
        m.set("revenue", 200_000_000.0);
        m.set("rd_intensity", 3.5);
        m.set("rd_intensity_prev", 3.2);
        m.set("rd_institution_level", 2.0);
        m.set("ip_class1", 3.0);
        m
    }

    #[test]
    fn builtin_rubrics_parse_and_add_up() {
        let defs = builtin();
        assert_eq!(defs.len(), 3);

        let inn = rubric("innovative_sme");
        assert_eq!(inn.indicators.len(), 6);
        let maxes: Vec<f64> = inn.groups.iter().map(|g| g.max).collect();
        assert_eq!(maxes, [40.0, 30.0, 30.0]);
        let mins: Vec<Option<f64>> = inn.groups.iter().map(|g| g.min).collect();
        assert_eq!(mins, [Some(20.0), Some(15.0), Some(15.0)]);
        assert_eq!((inn.pass_total, inn.direct.len()), (Some(60.0), 4));

        let srdi = rubric("srdi_sme");
        assert_eq!(srdi.indicators.len(), 13);
        let maxes: Vec<f64> = srdi.groups.iter().map(|g| g.max).collect();
        assert_eq!(maxes, [25.0, 25.0, 15.0, 35.0]);
        assert_eq!((srdi.requirements.len(), srdi.direct.len()), (4, 4));

        let lg = rubric("little_giant");
        assert!(lg.indicators.is_empty() && lg.pass_total.is_none());
        assert_eq!(lg.requirements.len(), 11);

        let names: BTreeSet<&str> = KNOWN_METRICS.iter().map(|m| m.0).collect();
        assert_eq!(names.len(), KNOWN_METRICS.len(), "metric names are unique");
    }

    #[test]
    fn strong_enterprise_scores_100_on_innovative_sme() {
        let r = evaluate(&rubric("innovative_sme"), &strong_innovative());
        assert_eq!(
            (r.code.as_str(), r.version.as_str()),
            ("innovative_sme", "2022")
        );
        assert_eq!((r.total, r.max_total), (Some(100.0), Some(100.0)));
        assert!(r.passed && r.score_passed);
        assert_eq!(r.via_direct, None);
        assert!(r.shortfalls.is_empty());
        // The IP rule matched on its first line, so the absent lower IP counts do not matter.
        assert!(r.indicators.iter().all(|i| !i.missing));
        assert_eq!(ind(&r, "ip").band_zh, "Ⅰ类高价值知识产权 ≥ 1");
    }

    #[test]
    fn innovative_sme_band_boundaries_go_to_the_higher_band() {
        let def = rubric("innovative_sme");
        let m = strong_innovative();
        let rd = |v| points_with(&def, &m, "rd_intensity", v, "rd_intensity");
        assert_eq!(
            [rd(5.0), rd(4.99), rd(3.0), rd(2.0), rd(1.0), rd(0.99)],
            [20.0, 15.0, 15.0, 10.0, 5.0, 0.0]
        );

        let debt = |v| points_with(&def, &m, "debt_ratio", v, "debt_ratio");
        assert_eq!(
            [debt(55.0), debt(55.01), debt(75.0), debt(75.01)],
            [10.0, 5.0, 5.0, 0.0]
        );

        let growth = |v| points_with(&def, &m, "main_revenue_growth", v, "main_revenue_growth");
        assert_eq!(
            [growth(15.0), growth(10.0), growth(0.0), growth(-0.01)],
            [20.0, 15.0, 5.0, 0.0]
        );

        let share = |v| points_with(&def, &m, "main_business_share", v, "main_business_share");
        assert_eq!(
            [share(70.0), share(55.0), share(50.0), share(49.9)],
            [20.0, 10.0, 5.0, 0.0]
        );

        let se = |v| points_with(&def, &m, "strategic_emerging", v, "strategic_emerging");
        assert_eq!([se(1.0), se(0.0)], [10.0, 5.0]);

        // First match: the best IP line that holds.
        let mut ip = m.clone();
        for (k, v) in [
            ("ip_class1_high_value", 0.0),
            ("ip_class1_self", 1.0),
            ("ip_class1", 1.0),
        ] {
            ip.set(k, v);
        }
        assert_eq!(ind(&evaluate(&def, &ip), "ip").points, 15.0);
        ip.set("ip_class1_self", 0.0);
        assert_eq!(ind(&evaluate(&def, &ip), "ip").points, 10.0);
        ip.set("ip_class1", 0.0);
        ip.set("ip_class2", 4.0);
        assert_eq!(ind(&evaluate(&def, &ip), "ip").points, 5.0);
        ip.set("ip_class2", 0.0);
        let r = evaluate(&def, &ip);
        assert_eq!(
            (ind(&r, "ip").points, ind(&r, "ip").band_zh.as_str()),
            (0.0, "无")
        );
    }

    #[test]
    fn srdi_band_kinds_at_their_boundaries() {
        let def = rubric("srdi_sme");
        let m = srdi_example();
        // Per unit: 1 point per full 2 years, capped at 5.
        let yrs = |v| points_with(&def, &m, "years_in_niche", v, "years_in_niche");
        assert_eq!(
            [yrs(1.99), yrs(2.0), yrs(7.0), yrs(8.0), yrs(30.0)],
            [0.0, 1.0, 3.0, 4.0, 5.0]
        );
        // Per unit: 3 per quality item, capped at 5.
        let q = |v| points_with(&def, &m, "quality_items", v, "quality_items");
        assert_eq!([q(0.0), q(1.0), q(2.0), q(4.0)], [0.0, 3.0, 5.0, 5.0]);
        // Lower is better.
        let debt = |v| points_with(&def, &m, "debt_ratio", v, "debt_ratio");
        assert_eq!(
            [debt(50.0), debt(60.0), debt(70.0), debt(70.5)],
            [5.0, 3.0, 1.0, 0.0]
        );
        // Value capped.
        let dp = |v| points_with(&def, &m, "distinctive_points", v, "distinctive_points");
        assert_eq!([dp(20.0), dp(7.5), dp(-3.0)], [15.0, 7.5, 0.0]);
        // Levels.
        let inst = |v| points_with(&def, &m, "rd_institution_level", v, "rd_institution");
        assert_eq!(
            [inst(4.0), inst(3.0), inst(2.0), inst(1.0), inst(0.0)],
            [10.0, 8.0, 4.0, 2.0, 0.0]
        );
        // A margin computed as 1 - 90% is 10% on paper but 9.999999999999998 in floating point;
        // the tolerance keeps it in the ">= 10%" band.
        let margin = (1.0 - 0.9) * 100.0;
        assert!(margin < 10.0);
        assert_eq!(
            points_with(&def, &m, "net_margin", margin, "net_margin"),
            10.0
        );
        assert_eq!(points_with(&def, &m, "net_margin", 9.99, "net_margin"), 8.0);
        let dig = |v| points_with(&def, &m, "digitalisation_level", v, "digitalisation_level");
        assert_eq!(
            [dig(4.0), dig(3.0), dig(2.0), dig(1.0)],
            [5.0, 5.0, 3.0, 0.0]
        );

        // Best of two band sets.
        let rd = |expense: f64, intensity: f64| {
            let mut x = m.clone();
            x.set("rd_expense", expense);
            x.set("rd_intensity", intensity);
            ind(&evaluate(&def, &x), "rd_input").points
        };
        assert_eq!(rd(5_000_000.0, 0.0), 10.0);
        assert_eq!(rd(0.0, 10.0), 10.0);
        assert_eq!(rd(2_000_000.0, 8.0), 8.0);
        assert_eq!(rd(4_500_000.0, 3.5), 8.0);
        assert_eq!(rd(999_999.0, 2.9), 0.0);
    }

    #[test]
    fn band_labels_read_like_the_regulation() {
        let def = rubric("innovative_sme");
        let m = strong_innovative();
        let lab = |metric: &str, v: f64, key: &str| {
            let mut x = m.clone();
            x.set(metric, v);
            let r = evaluate(&def, &x);
            let i = ind(&r, key);
            (i.band_zh.clone(), i.band_en.clone())
        };
        assert_eq!(lab("rd_intensity", 6.0, "rd_intensity").0, "≥ 5%");
        assert_eq!(lab("rd_intensity", 4.0, "rd_intensity").0, "3%–5%");
        assert_eq!(lab("rd_intensity", 0.5, "rd_intensity").1, "< 1%");
        assert_eq!(lab("debt_ratio", 55.0, "debt_ratio").0, "≤ 55%");
        assert_eq!(lab("debt_ratio", 60.0, "debt_ratio").0, "55%–75%");
        assert_eq!(lab("debt_ratio", 80.0, "debt_ratio").1, "> 75%");
        assert_eq!(lab("strategic_emerging", 0.0, "strategic_emerging").1, "no");

        let srdi = rubric("srdi_sme");
        let r = evaluate(&srdi, &srdi_example());
        let rd = ind(&r, "rd_input");
        assert_eq!(rd.band_zh, "研发强度 8%–10%");
        assert_eq!(rd.values.len(), 2);
        let mut x = srdi_example();
        x.set("rd_expense", 4_500_000.0);
        x.set("rd_intensity", 3.5);
        let r = evaluate(&srdi, &x);
        assert_eq!(ind(&r, "rd_input").band_zh, "研发费用 400–500万元");
        assert_eq!(ind(&r, "rd_input").band_en, "R&D expense 4–5 million yuan");
        assert_eq!(ind(&r, "digitalisation_level").band_zh, "二级");
        assert_eq!(ind(&r, "rd_institution").band_en, "municipal");
        assert_eq!(
            ind(&r, "years_in_niche").band_zh,
            "每满 2年 得 1 分，最高 5 分"
        );
    }

    #[test]
    fn a_group_below_its_minimum_fails_with_that_shortfall() {
        // Innovation: class-II IP only -> 5, R&D 2.5% -> 10; = 15 < 20.
        // Growth 30, specialization 30, total 75 >= 60: only the group minimum fails.
        let mut m = strong_innovative();
        m.set("ip_class1_high_value", 0.0);
        m.set("ip_class1_self", 0.0);
        m.set("ip_class1", 0.0);
        m.set("ip_class2", 1.0);
        m.set("rd_intensity", 2.5);
        let r = evaluate(&rubric("innovative_sme"), &m);
        assert_eq!(r.total, Some(75.0));
        assert_eq!(group(&r, "innovation").points, 15.0);
        assert!(!group(&r, "innovation").min_met && group(&r, "growth").min_met);
        assert!(!r.passed && !r.score_passed);
        assert_eq!(r.shortfalls.len(), 1);
        let s = &r.shortfalls[0];
        assert_eq!(s.kind, ShortfallKind::GroupBelowMin);
        assert_eq!(
            (s.key.as_str(), s.required, s.actual, s.gap),
            ("innovation", Some(20.0), Some(15.0), Some(5.0))
        );
        assert_eq!(s.message_zh, "创新能力 15 < 20，还差 5 分");
        assert_eq!(s.message_en, "Innovation 15 < 20, 5 points short");
    }

    #[test]
    fn total_below_pass_mark_says_how_many_points_are_missing() {
        // IP class-I 10 + R&D 3% 15 = 25 | growth 5% 10 + debt 60% 5 = 15 |
        // not strategic 5 + share 52% 5 = 10 (< 15); total 50.
        let mut m = strong_innovative();
        m.set("ip_class1_high_value", 0.0);
        m.set("ip_class1_self", 0.0);
        m.set("ip_class1", 1.0);
        m.set("rd_intensity", 3.0);
        m.set("main_revenue_growth", 5.0);
        m.set("debt_ratio", 60.0);
        m.set_bool("strategic_emerging", false);
        m.set("main_business_share", 52.0);
        let r = evaluate(&rubric("innovative_sme"), &m);
        assert_eq!(r.total, Some(50.0));
        let kinds: Vec<(ShortfallKind, &str)> = r
            .shortfalls
            .iter()
            .map(|s| (s.kind, s.key.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (ShortfallKind::TotalBelowPass, "total"),
                (ShortfallKind::GroupBelowMin, "specialization")
            ]
        );
        assert_eq!(r.shortfalls[0].message_zh, "总分 50 < 60，还差 10 分");
        assert_eq!(r.shortfalls[1].message_zh, "专业化 10 < 15，还差 5 分");
    }

    #[test]
    fn a_direct_condition_overrides_a_low_score_but_not_a_requirement() {
        // No IP 0, R&D 0.5% 0 | growth -5% 0, debt 80% 0 | not strategic 5, share 40% 0: total 5.
        let mut m = strong_innovative();
        m.set("ip_class1_high_value", 0.0);
        m.set("ip_class1_self", 0.0);
        m.set("ip_class1", 0.0);
        m.set("ip_class2", 0.0);
        m.set("rd_intensity", 0.5);
        m.set("main_revenue_growth", -5.0);
        m.set("debt_ratio", 80.0);
        m.set_bool("strategic_emerging", false);
        m.set("main_business_share", 40.0);
        let def = rubric("innovative_sme");
        let r = evaluate(&def, &m);
        assert_eq!((r.total, r.passed), (Some(5.0), false));

        m.set_bool("high_tech_title", true);
        let r = evaluate(&def, &m);
        assert!(r.passed && !r.score_passed);
        assert_eq!(r.via_direct.as_deref(), Some("high_tech_title"));
        assert!(r.shortfalls.is_empty());

        // Exactly 5 million yuan of equity is enough (boundary to the qualifying side).
        m.set_bool("high_tech_title", false);
        m.set("equity_financing_3y", 5_000_000.0);
        assert_eq!(
            evaluate(&def, &m).via_direct.as_deref(),
            Some("equity_financing")
        );
        m.set("equity_financing_3y", 0.0);
        m.set("rd_institution_level", 3.0);
        assert_eq!(
            evaluate(&def, &m).via_direct.as_deref(),
            Some("rd_institution")
        );

        // The common gate still applies; only its failure is reported, not the score.
        m.set_bool("meets_common_gate", false);
        let r = evaluate(&def, &m);
        assert!(!r.passed);
        assert_eq!(r.shortfalls.len(), 1);
        assert_eq!(r.shortfalls[0].kind, ShortfallKind::RequirementFailed);
        assert_eq!(r.shortfalls[0].message_zh, "符合基本条件：否（要求：是）");
    }

    #[test]
    fn a_missing_metric_is_reported_as_missing_not_as_zero() {
        let def = rubric("innovative_sme");
        // A debt ratio of 0 would earn 10, a strategic flag of 0 would earn 5: missing earns 0.
        let mut m = strong_innovative();
        m.remove("debt_ratio");
        m.remove("strategic_emerging");
        let r = evaluate(&def, &m);
        let d = ind(&r, "debt_ratio");
        assert_eq!(
            (d.points, d.missing, d.band_zh.as_str()),
            (0.0, true, "数据缺失")
        );
        assert_eq!(
            d.values,
            [MetricValue {
                metric: "debt_ratio".into(),
                value: None
            }]
        );
        assert_eq!(ind(&r, "strategic_emerging").points, 0.0);
        // 100 - 10 - 10 = 80, every group still at its minimum: it passes, nothing to report.
        assert_eq!(r.total, Some(80.0));
        assert!(r.passed && r.shortfalls.is_empty());

        // When the score fails, the missing data is among the reasons.
        m.remove("main_business_share");
        let r = evaluate(&def, &m);
        assert!(!r.passed);
        let missing: Vec<&str> = r
            .shortfalls
            .iter()
            .filter(|s| s.kind == ShortfallKind::MissingData)
            .filter_map(|s| s.metric.as_deref())
            .collect();
        assert_eq!(
            missing,
            ["debt_ratio", "strategic_emerging", "main_business_share"]
        );

        // A missing requirement metric fails as missing data, not as a failed comparison.
        let mut m = strong_innovative();
        m.remove("meets_common_gate");
        let r = evaluate(&def, &m);
        assert!(!r.passed);
        assert_eq!(r.requirements[0].outcome, Outcome::Missing);
        assert_eq!(r.shortfalls[0].kind, ShortfallKind::MissingData);
        assert_eq!(r.shortfalls[0].actual, None);

        // IP: a missing higher line may have cost points; a missing lower line may not.
        let mut m = strong_innovative();
        m.remove("ip_class1_high_value");
        m.set("ip_class1_self", 1.0);
        let r = evaluate(&def, &m);
        let ip = ind(&r, "ip");
        assert_eq!(
            (ip.points, ip.missing_metrics.clone()),
            (15.0, vec!["ip_class1_high_value".to_string()])
        );
    }

    #[test]
    fn srdi_worked_example_scores_62_and_passes() {
        let def = rubric("srdi_sme");
        let r = evaluate(&def, &srdi_example());
        let g: Vec<f64> = r.groups.iter().map(|g| g.points).collect();
        assert_eq!(g, [17.0, 15.0, 9.0, 21.0]);
        assert_eq!(r.total, Some(62.0));
        assert!(r.passed && r.via_direct.is_none() && r.shortfalls.is_empty());
        assert!(r.indicators.iter().all(|i| !i.missing));

        // Net margin 3% earns 2 instead of 6: 58 < 60.
        let mut m = srdi_example();
        m.set("net_margin", 3.0);
        let r = evaluate(&def, &m);
        assert_eq!((r.total, r.passed), (Some(58.0), false));
        assert_eq!(r.shortfalls.len(), 1);
        assert_eq!(r.shortfalls[0].message_zh, "总分 58 < 60，还差 2 分");
        assert_eq!(
            r.shortfalls[0].message_en,
            "Total score 58 < 60, 2 points short"
        );

        // Two-year R&D averaging 10 million qualifies directly.
        m.set("rd_expense_2y", 20_000_000.0);
        let r = evaluate(&def, &m);
        assert!(r.passed);
        assert_eq!(r.via_direct.as_deref(), Some("rd_expense_avg"));
    }

    #[test]
    fn srdi_requirements_report_each_failing_comparison() {
        let def = rubric("srdi_sme");
        let mut m = srdi_example();
        m.set("rd_intensity", 2.1);
        m.set("revenue", 8_000_000.0);
        m.set("equity_financing_2y", 5_000_000.0);
        let r = evaluate(&def, &m);
        assert!(!r.passed);
        let rd: Vec<&Shortfall> = r
            .shortfalls
            .iter()
            .filter(|s| s.key == "rd_input")
            .collect();
        assert_eq!(rd.len(), 1);
        assert_eq!(rd[0].message_zh, "研发强度 2.1% < 3%");
        assert_eq!(rd[0].message_en, "R&D intensity 2.1% < 3%");
        assert!((rd[0].gap.unwrap_or(0.0) - 0.9).abs() < 1e-9);

        let scale: Vec<&Shortfall> = r.shortfalls.iter().filter(|s| s.key == "scale").collect();
        assert_eq!(scale.len(), 2);
        assert!(scale.iter().all(|s| s.one_of));
        assert_eq!(
            scale[0].message_zh,
            "营业收入 800万元 < 1000万元（满足其一即可）"
        );
        assert_eq!(
            scale[1].message_en,
            "New equity financing, last 2 years 5 million yuan < 20 million yuan \
             (any one suffices)"
        );

        // Little revenue is fine with 20 million of new equity.
        m.set("rd_intensity", 8.5);
        m.set("equity_financing_2y", 20_000_000.0);
        assert!(evaluate(&def, &m).passed);
    }

    #[test]
    fn little_giant_rd_rule_in_each_revenue_band() {
        let def = rubric("little_giant");
        let check = |m: &Metrics| {
            let r = evaluate(&def, m);
            assert_eq!(r.total, None, "a checklist has no score");
            (r.passed, r.shortfalls)
        };

        // >= 100 million: 3% in both years.
        let m = giant();
        assert!(check(&m).0);
        let mut x = m.clone();
        x.set("rd_intensity_prev", 2.9);
        let (passed, s) = check(&x);
        assert!(!passed);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].key, "rd_by_revenue");
        assert_eq!(
            s[0].message_zh,
            "前一年研发强度 2.9% < 3%（营业收入 ≥ 1亿元 时）"
        );

        // Exactly 100 million is in the top band, so 3% suffices there.
        let mut x = m.clone();
        x.set("revenue", 100_000_000.0);
        assert!(check(&x).0);

        // 50-100 million: 6% in both years.
        let mut x = m.clone();
        x.set("revenue", 80_000_000.0);
        x.set("rd_intensity", 6.5);
        x.set("rd_intensity_prev", 6.0);
        assert!(check(&x).0);
        x.set("rd_intensity", 5.0);
        let (passed, s) = check(&x);
        assert!(!passed);
        assert_eq!(s[0].metric.as_deref(), Some("rd_intensity"));
        assert_eq!(
            s[0].message_en,
            "R&D intensity 5% < 6% (when Revenue ≥ 50 million yuan)"
        );

        // < 50 million: equity, two-year R&D and R&D staff together.
        let mut x = m.clone();
        x.set("revenue", 40_000_000.0);
        x.set("equity_financing_2y", 80_000_000.0);
        x.set("rd_expense_2y", 30_000_000.0);
        x.set("rd_staff_share", 50.0);
        assert!(check(&x).0);
        x.set("rd_staff_share", 40.0);
        let (passed, s) = check(&x);
        assert!(!passed);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].metric.as_deref(), Some("rd_staff_share"));
        assert_eq!(s[0].gap, Some(10.0));

        // Without revenue we cannot tell which band applies.
        let mut x = m.clone();
        x.remove("revenue");
        let (passed, s) = check(&x);
        assert!(!passed);
        assert_eq!(
            (s[0].kind, s[0].metric.as_deref()),
            (ShortfallKind::MissingData, Some("revenue"))
        );
    }

    #[test]
    fn little_giant_other_items_each_fail_with_their_reason() {
        let def = rubric("little_giant");
        let cases: [(&str, f64, &str); 8] = [
            ("holds_srdi", 0.0, "holds_srdi"),
            ("years_in_niche", 2.5, "years_in_niche"),
            ("main_business_share", 69.0, "main_business_share"),
            ("main_revenue_growth_avg2", 4.9, "main_revenue_growth_avg2"),
            ("debt_ratio", 70.1, "debt_ratio"),
            ("national_market_share", 9.0, "national_market_share"),
            ("rd_institution_level", 0.0, "rd_institution"),
            ("ip_class1", 1.0, "ip_class1"),
        ];
        for (metric, v, key) in cases {
            let mut m = giant();
            m.set(metric, v);
            let r = evaluate(&def, &m);
            assert!(!r.passed, "{metric}");
            let keys: Vec<&str> = r.shortfalls.iter().map(|s| s.key.as_str()).collect();
            assert_eq!(keys, [key], "{metric}");
        }
        let mut m = giant();
        m.set("debt_ratio", 70.0);
        assert!(evaluate(&def, &m).passed, "70% debt is allowed");
        m.set_bool("own_brand", false);
        let r = evaluate(&def, &m);
        assert_eq!(r.shortfalls[0].message_zh, "自主品牌：否（要求：是）");
        assert_eq!(r.shortfalls[0].message_en, "Own brand: no (required: yes)");
    }

    const SMALL: &str = r#"{
        "code": "t", "version": "1", "name_zh": "测", "name_en": "T", "levels": [],
        "groups": [{"key": "g", "name_zh": "组", "name_en": "G", "max": 10}],
        "indicators": [{"key": "i", "group": "g", "name_zh": "指", "name_en": "I",
            "kind": "bands", "metric": "debt_ratio",
            "bands": [{"max": 50, "points": 10}, {"max": 70, "points": 5}]}],
        "pass_total": 5
    }"#;

    fn parse_err(json: &str) -> String {
        RubricDef::parse(json).expect_err("should be refused")
    }

    #[test]
    fn parse_refuses_bad_rubrics_with_a_useful_message() {
        assert!(RubricDef::parse(SMALL).is_ok());

        let e = parse_err(&SMALL.replace("\"debt_ratio\"", "\"debt_ratoi\""));
        assert!(e.contains("unknown metric 'debt_ratoi'"), "{e}");

        let e = parse_err(&SMALL.replace("\"points\": 10", "\"points\": 20"));
        assert!(e.contains("indicator 'i' can give 20 points, more than its group 'g' max 10"));

        let e = parse_err(&SMALL.replace("\"max\": 70", "\"max\": 40"));
        assert!(e.contains("lowest \"max\" first"), "{e}");

        let e = parse_err(&SMALL.replace("\"max\": 70", "\"min\": 70"));
        assert!(e.contains("mix \"min\" and \"max\""), "{e}");

        let e = parse_err(&SMALL.replace("\"group\": \"g\"", "\"group\": \"h\""));
        assert!(e.contains("no group 'h'"), "{e}");

        let e = parse_err(&SMALL.replace("\"version\": \"1\"", "\"version\": \" \""));
        assert!(e.contains("\"version\" must not be empty"), "{e}");

        let e = parse_err(&SMALL.replace("\"max\": 10}", "\"max\": 12}"));
        assert!(
            e.contains("group 'g' has max 12 but its indicators can give 10"),
            "{e}"
        );

        let e = parse_err(&SMALL.replace("\"bands\":", "\"bandz\":"));
        assert!(e.contains("indicator 'i'") && e.contains("bandz"), "{e}");

        let e = parse_err(&SMALL.replace("\"levels\": []", "\"levels\": [\"county\"]"));
        assert!(e.contains("unknown level 'county'"), "{e}");

        let e = parse_err(&SMALL.replace("\"pass_total\": 5", "\"pass_total\": 50"));
        assert!(e.contains("\"pass_total\" 50 is outside"), "{e}");

        let req = |cond: &str| {
            SMALL.replace(
                "\"pass_total\": 5",
                &format!(
                    "\"pass_total\": 5, \"requirements\": [{{\"key\": \"r\", \"name_zh\": \"要\", \
                     \"name_en\": \"R\", \"condition\": {cond}}}]"
                ),
            )
        };
        assert!(RubricDef::parse(&req(r#"{"metric": "revenue", "op": ">=", "value": 1}"#)).is_ok());
        let e = parse_err(&req(r#"{"metric": "revenue", "op": "=>", "value": 1}"#));
        assert!(e.contains("unknown variant `=>`"), "{e}");
        let e = parse_err(&req(r#"{"metric": "revenue", "value": 1}"#));
        assert!(e.contains("needs both \"op\" and \"value\""), "{e}");
        let e = parse_err(&req(r#"{"any": [], "all": []}"#));
        assert!(e.contains("a condition is one of"), "{e}");
        let e = parse_err(&req(r#"{"any": []}"#));
        assert!(
            e.contains("requirement 'r': an \"any\" needs at least one part"),
            "{e}"
        );
        let e = parse_err(&req(
            r#"{"all": [{"metric": "profit", "op": ">", "value": 0}]}"#,
        ));
        assert!(
            e.contains("requirement 'r': unknown metric 'profit'"),
            "{e}"
        );

        assert!(parse_err("{").starts_with("rubric JSON is not valid"));
    }

    #[test]
    fn next_level_rubric_follows_the_ladder() {
        let defs = builtin();
        let code = |l: Option<&str>| next_level_rubric(&defs, l).map(|d| d.code.as_str());
        assert_eq!(code(None), Some("innovative_sme"));
        assert_eq!(code(Some("innovative_sme")), Some("srdi_sme"));
        // Little giant requires a provincial title, so a municipal one aims at provincial first.
        assert_eq!(code(Some("municipal")), Some("srdi_sme"));
        assert_eq!(code(Some("provincial")), Some("little_giant"));
        assert_eq!(code(Some("national")), None);
        assert_eq!(code(Some("county")), None);
        assert_eq!(
            rubric_for_level(&defs, "provincial").map(|d| d.code.as_str()),
            Some("srdi_sme")
        );
    }

    #[test]
    fn a_newer_version_given_as_json_is_picked_without_code_changes() {
        // A hypothetical 2026 SRDI rubric: 3 years in the niche and a pass mark of 65.
        let mut v: Value =
            serde_json::from_str(include_str!("miit-2022-srdi-sme.json")).expect("json");
        v["version"] = Value::from("2026");
        v["pass_total"] = Value::from(65);
        v["requirements"][1]["condition"]["value"] = Value::from(3);
        let json_2026 = v.to_string();

        let mut defs = builtin();
        defs.push(RubricDef::parse(&json_2026).expect("2026 parses"));
        let next = next_level_rubric(&defs, Some("innovative_sme")).expect("rubric");
        assert_eq!(
            (next.code.as_str(), next.version.as_str()),
            ("srdi_sme", "2026")
        );
        assert_eq!(
            latest(&defs, "srdi_sme").map(|d| d.version.as_str()),
            Some("2026")
        );
        let old = find(&defs, "srdi_sme", "2022").expect("2022 still there");

        // The worked example's 62 passes under 2022 and falls 3 short under 2026.
        let m = srdi_example();
        assert!(evaluate(old, &m).passed);
        let r = evaluate(next, &m);
        assert_eq!((r.version.as_str(), r.passed), ("2026", false));
        assert_eq!(r.shortfalls[0].message_zh, "总分 62 < 65，还差 3 分");
        let mut m2 = m.clone();
        m2.set("years_in_niche", 2.0);
        let r = evaluate(next, &m2);
        assert_eq!(r.shortfalls[0].message_zh, "从事细分市场年限 2年 < 3年");
    }

    #[test]
    fn versions_compare_naturally() {
        assert_eq!(version_cmp("2026", "2022"), Ordering::Greater);
        assert_eq!(version_cmp("10", "9"), Ordering::Greater);
        assert_eq!(version_cmp("2022.1", "2022"), Ordering::Greater);
        assert_eq!(version_cmp("2022-b", "2022-a"), Ordering::Greater);
        assert_eq!(version_cmp("2022", "2022"), Ordering::Equal);
    }

    #[test]
    fn rubrics_and_results_round_trip_through_json() {
        for def in builtin() {
            let json = serde_json::to_string(&def).expect("serialize");
            assert_eq!(RubricDef::parse(&json).as_ref(), Ok(&def), "{}", def.code);
        }
        let r = evaluate(&rubric("srdi_sme"), &srdi_example());
        let json = serde_json::to_string(&r).expect("serialize");
        assert!(json.contains("\"version\":\"2022\""));
        let back: RubricResult = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, r);
    }

    #[test]
    fn values_are_formatted_for_people() {
        assert_eq!(fmt_value(800_000.0, Unit::Yuan, false), "800,000 yuan");
        assert_eq!(fmt_value(-1_234.5, Unit::Yuan, false), "-1,234.5 yuan");
        assert_eq!(
            fmt_value(50_000_000.0, Unit::Yuan, false),
            "50 million yuan"
        );
        assert_eq!(fmt_value(800_000.0, Unit::Yuan, true), "80万元");
        assert_eq!(fmt_value(150_000_000.0, Unit::Yuan, true), "1.5亿元");
        assert_eq!(fmt_value(2.126, Unit::Percent, true), "2.13%");
        assert_eq!(fmt_range(4e6, 5e6, Unit::Yuan, true), "400–500万元");
        assert_eq!(fmt_range(5e7, 1e8, Unit::Yuan, true), "5000万元–1亿元");
        assert_eq!(fmt_range(2.0, 3.0, Unit::Level, false), "2");
        assert_eq!(fmt_value(1.0, Unit::Flag, true), "是");
    }

    #[test]
    fn metrics_treat_absent_and_non_finite_as_missing() {
        let mut m = Metrics::new();
        m.set("revenue", 1.0);
        m.set_bool("own_brand", true);
        assert_eq!(
            (m.get("revenue"), m.get("own_brand")),
            (Some(1.0), Some(1.0))
        );
        m.set("revenue", f64::NAN);
        assert_eq!(m.get("revenue"), None);
        assert_eq!(m.get("debt_ratio"), None);
        let all = rubric("srdi_sme");
        let used = all.referenced_metrics();
        assert!(used.contains(&"distinctive_points") && used.contains(&"maker_china_top500_3y"));
        assert!(used.iter().all(|x| known_metric(x).is_some()));
    }
}
