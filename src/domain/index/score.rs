//! Scoring one period: raw figures per enterprise (derived from annual data and
//! the record, or entered/imported/expert values) -> indicator points against the
//! period's reference spread -> sub-dimension, dimension and total scores.
//!
//! The stated rule for missing data (shown on the pages): a missing figure is
//! missing, never 0; a group's score is the weighted mean of the children that
//! have one, re-weighted over those present, and is itself missing when less than
//! half its children's weight has a score (see [`super::aggregate`]).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::aggregate::{self, AggregateError, Node};
use super::model::{IndexModel, Indicator, Source};
use super::normalise::{self, Reference};
use crate::domain::annual::AnnualFigures;
use crate::domain::assessment::RecordFacts;

/// Each indicator's spread in a period, by indicator key (as stored).
pub type References = BTreeMap<String, Reference>;

/// One enterprise's scores for one period, in the model's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseScore {
    /// 0..=100, None when too little data.
    pub total: Option<f64>,
    /// Share of the dimensions' weight that had scores.
    pub coverage: f64,
    /// One per dimension.
    pub dims: Vec<Option<f64>>,
    /// One per sub-dimension, dimension by dimension.
    pub subs: Vec<Option<f64>>,
    /// The raw figures, one per indicator.
    pub raw: Vec<Option<f64>>,
    /// Their points on 0..=100.
    pub points: Vec<Option<f64>>,
}

/// A model ready to score many enterprises: its tree and lookups built once.
#[derive(Debug)]
pub struct Scorer {
    model: IndexModel,
    tree: Node,
    position: HashMap<String, usize>,
    min_coverage: f64,
}

impl Scorer {
    /// For a model that passed [`IndexModel::validate`].
    pub fn new(model: IndexModel) -> Scorer {
        let tree = model.tree();
        let position = model
            .indicators()
            .enumerate()
            .map(|(i, ind)| (ind.key.clone(), i))
            .collect();
        Scorer {
            model,
            tree,
            position,
            min_coverage: aggregate::DEFAULT_MIN_COVERAGE,
        }
    }

    pub fn model(&self) -> &IndexModel {
        &self.model
    }

    /// The indicators in the order of every per-indicator vector.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.model.indicators()
    }

    /// Where indicator `key` sits in the per-indicator vectors.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.position.get(key).copied()
    }

    /// The raw figures of one enterprise for a period whose annual figures are
    /// `this` (with `previous`, the year before, for growth), reading entered and
    /// expert values through `stored`. `annual_year` is the year `this` should be
    /// (record facts such as "years in the niche" are measured at it).
    pub fn raw(
        &self,
        annual_year: i32,
        this: Option<&AnnualFigures>,
        previous: Option<&AnnualFigures>,
        facts: &RecordFacts,
        stored: impl Fn(&str) -> Option<f64>,
    ) -> Vec<Option<f64>> {
        let blank = AnnualFigures {
            year: annual_year,
            ..Default::default()
        };
        let this = this.filter(|t| t.year == annual_year);
        self.model
            .indicators()
            .map(|ind| {
                let v = match ind.source {
                    Source::Derived(d) if d.from_record_flags() => {
                        d.compute(this.unwrap_or(&blank), previous, facts)
                    }
                    Source::Derived(d) => this.and_then(|t| d.compute(t, previous, facts)),
                    Source::Entered | Source::Expert => stored(&ind.key),
                };
                v.filter(|x| x.is_finite())
            })
            .collect()
    }

    /// Each indicator's spread over the enterprises' raw figures.
    pub fn references<'a>(&self, rows: impl IntoIterator<Item = &'a [Option<f64>]>) -> References {
        let n = self.position.len();
        let mut columns: Vec<Vec<f64>> = vec![Vec::new(); n];
        for row in rows {
            for (col, v) in columns.iter_mut().zip(row) {
                if let Some(x) = v {
                    col.push(*x);
                }
            }
        }
        self.model
            .indicators()
            .zip(columns)
            .filter_map(|(ind, col)| Some((ind.key.clone(), Reference::of(col)?)))
            .collect()
    }

    /// The references in indicator order, for [`Scorer::score`].
    pub fn reference_list(&self, refs: &References) -> Vec<Option<Reference>> {
        self.model
            .indicators()
            .map(|ind| refs.get(&ind.key).copied())
            .collect()
    }

    /// Scores one enterprise's raw figures against the period's references (from
    /// [`Scorer::reference_list`]).
    pub fn score(
        &self,
        raw: &[Option<f64>],
        refs: &[Option<Reference>],
    ) -> Result<EnterpriseScore, AggregateError> {
        let points: Vec<Option<f64>> = self
            .model
            .indicators()
            .zip(raw)
            .zip(refs)
            .map(|((ind, v), r)| {
                v.map(|x| normalise::points(&ind.normalisation, r.as_ref(), x, ind.direction))
            })
            .collect();
        let scored = aggregate::aggregate(
            &self.tree,
            |key| {
                self.position(key)
                    .and_then(|i| points.get(i).copied().flatten())
            },
            self.min_coverage,
        )?;
        Ok(EnterpriseScore {
            total: scored.score,
            coverage: scored.coverage,
            dims: scored.children.iter().map(|d| d.score).collect(),
            subs: scored
                .children
                .iter()
                .flat_map(|d| d.children.iter().map(|s| s.score))
                .collect(),
            raw: raw.to_vec(),
            points,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::index::Direction;
    use crate::domain::index::model::{Dimension, SubDimension};
    use crate::domain::index::normalise::{Band, Method};

    fn indicator(key: &str, direction: Direction, normalisation: Method, weight: f64) -> Indicator {
        Indicator {
            key: key.into(),
            label_zh: key.into(),
            label_en: key.into(),
            definition_zh: String::new(),
            definition_en: String::new(),
            unit: String::new(),
            direction,
            source: Source::Entered,
            normalisation,
            weight,
        }
    }

    /// total -> d1 (0.6) -> s1 -> a (min-max, weight 1), b (bands, weight 3);
    ///          d2 (0.4) -> s2 -> c (efficacy, lower is better).
    fn small() -> Scorer {
        let bands = Method::Bands(vec![
            Band {
                threshold: 3.0,
                points: 40.0,
            },
            Band {
                threshold: 5.0,
                points: 70.0,
            },
            Band {
                threshold: 8.0,
                points: 100.0,
            },
        ]);
        let dim = |key: &str, weight: f64, indicators: Vec<Indicator>| Dimension {
            key: key.into(),
            label_zh: key.into(),
            label_en: key.into(),
            core: true,
            weight,
            subs: vec![SubDimension {
                key: format!("{key}_s"),
                label_zh: key.into(),
                label_en: key.into(),
                weight: 1.0,
                indicators,
            }],
        };
        Scorer::new(IndexModel {
            code: "small".into(),
            version: 1,
            name_zh: "小".into(),
            name_en: "small".into(),
            notes: String::new(),
            dimensions: vec![
                dim(
                    "d1",
                    0.6,
                    vec![
                        indicator("a", Direction::HigherIsBetter, Method::MinMax, 1.0),
                        indicator("b", Direction::HigherIsBetter, bands, 3.0),
                    ],
                ),
                dim(
                    "d2",
                    0.4,
                    vec![indicator(
                        "c",
                        Direction::LowerIsBetter,
                        Method::Efficacy,
                        1.0,
                    )],
                ),
            ],
        })
    }

    #[test]
    fn totals_match_hand_computation() {
        let s = small();
        let rows: Vec<Vec<Option<f64>>> = vec![
            vec![Some(10.0), Some(6.0), Some(20.0)],
            vec![Some(20.0), Some(2.0), Some(40.0)],
            vec![Some(30.0), None, Some(30.0)],
            vec![Some(30.0), Some(9.0), None],
        ];
        let refs = s.references(rows.iter().map(Vec::as_slice));
        assert_eq!((refs["a"].min, refs["a"].max), (10.0, 30.0));
        assert_eq!((refs["c"].min, refs["c"].max), (20.0, 40.0));
        assert_eq!(refs["b"].n, 3);
        let list = s.reference_list(&refs);
        let got: Vec<EnterpriseScore> = rows.iter().map(|r| s.score(r, &list).unwrap()).collect();

        // E1: a 0, b 70 -> s1 (0 + 3*70)/4 = 52.5; c 60 + 40*(40-20)/20 = 100;
        // total 0.6*52.5 + 0.4*100 = 71.5.
        assert_eq!(got[0].points, vec![Some(0.0), Some(70.0), Some(100.0)]);
        assert_eq!(got[0].dims, vec![Some(52.5), Some(100.0)]);
        assert_eq!(got[0].total, Some(71.5));
        assert_eq!(got[0].coverage, 1.0);
        // E2: a 50, b reaches no band 0 -> 12.5; c 60 -> 0.6*12.5 + 0.4*60 = 31.5.
        assert_eq!(got[1].total, Some(31.5));
        // E3: b missing -> s1 has a quarter of its weight -> missing -> d1 missing;
        // d2 = 80; the total has 40 % of its weight: missing, never 0.
        assert_eq!(got[2].points[1], None);
        assert_eq!(got[2].dims, vec![None, Some(80.0)]);
        assert_eq!(got[2].total, None);
        assert_eq!(got[2].coverage, 0.4);
        // E4: c missing -> d2 missing; the total re-weights over d1 alone: 100.
        assert_eq!(got[3].dims, vec![Some(100.0), None]);
        assert_eq!(got[3].total, Some(100.0));
        assert_eq!(got[3].coverage, 0.6);
        assert_eq!(got[3].subs, vec![Some(100.0), None]);
    }

    #[test]
    fn a_late_value_is_clamped_to_the_fixed_scale() {
        let s = small();
        let rows = [
            vec![Some(10.0), Some(6.0), Some(20.0)],
            vec![Some(20.0), Some(2.0), Some(40.0)],
        ];
        let list = s.reference_list(&s.references(rows.iter().map(Vec::as_slice)));
        // a = 50 is beyond the period's maximum of 20: 100 points, not 400.
        let late = s
            .score(&[Some(50.0), Some(8.0), Some(10.0)], &list)
            .unwrap();
        assert_eq!(late.points, vec![Some(100.0), Some(100.0), Some(100.0)]);
        assert_eq!(late.total, Some(100.0));
    }

    #[test]
    fn the_default_model_derives_figures_from_annual_data() {
        let s = Scorer::new(IndexModel::builtin());
        let prev = AnnualFigures {
            year: 2024,
            revenue: Some(80_000_000),
            rd_expense: Some(3_000_000),
            ..Default::default()
        };
        let this = AnnualFigures {
            year: 2025,
            revenue: Some(100_000_000),
            rd_expense: Some(6_000_000),
            employees: Some(200),
            ..Default::default()
        };
        let facts = RecordFacts {
            high_tech_title: true,
            ..Default::default()
        };
        let stored = |key: &str| (key == "inn_standards").then_some(3.0);
        let raw = s.raw(2025, Some(&this), Some(&prev), &facts, stored);
        let derived = |d| {
            s.indicators()
                .position(|i| i.source == Source::Derived(d))
                .map(|i| raw[i])
        };
        use crate::domain::index::model::Derivation;
        assert_eq!(derived(Derivation::RdIntensity), Some(Some(6.0)));
        assert_eq!(derived(Derivation::RevenueGrowth), Some(Some(25.0)));
        assert_eq!(derived(Derivation::HighTechTitle), Some(Some(1.0)));
        // Missing inputs stay missing.
        assert_eq!(derived(Derivation::DebtRatio), Some(None));
        // Without the year's figures only the record's flags are known.
        let bare = s.raw(2025, None, None, &facts, |_| None);
        assert_eq!(bare.iter().flatten().count(), 4, "{bare:?}");
        assert_eq!(raw[s.position("inn_standards").unwrap()], Some(3.0));
        assert_eq!(raw[s.position("dis_trademarks").unwrap()], None);
    }
}
