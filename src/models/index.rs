//! The development index in the database: model versions, periods, the values
//! that are not derived (entered, imported, expert), and the scores, kept current.
//!
//! How scores stay current (the rule the pages state):
//! - a full computation of a period (CLI `index recompute`, or an admin's button)
//!   scores every active enterprise with the active model and fixes the period's
//!   reference spread of each indicator (min, max, mean, sd);
//! - any later change to one enterprise's data (annual figures, record, entered or
//!   expert values) re-scores that enterprise alone, in the same transaction,
//!   against the period's fixed reference and model: only what changed;
//! - the first data for a period that was never computed computes the whole period.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::domain::annual::AnnualFigures;
use crate::domain::assessment::RecordFacts;
use crate::domain::index::ValueSource;
use crate::domain::index::model::IndexModel;
use crate::domain::index::normalise::Reference;
use crate::domain::index::period::Period;
use crate::domain::index::rank::{Sorted, Standing};
use crate::domain::index::score::{EnterpriseScore, References, Scorer};
use crate::domain::qualification::Level;
use crate::domain::scope::DataScope;
use crate::schema::{
    annual_data, enterprises, index_generation, index_models, index_periods, index_scores,
    index_values,
};

use super::annual::AnnualRow;
use super::audit::{self, Actor, Change};
use super::seed::insert_chunks;

/// A stored version of the index model.
#[derive(Debug, Clone, Queryable)]
pub struct ModelRow {
    pub id: i32,
    pub code: String,
    pub version: i32,
    pub name_zh: String,
    pub name_en: String,
    pub model: String,
    pub change_note: String,
    pub active: bool,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// Scorers by model text: a model row never changes, and parsing one is the
/// expensive part. Keyed by the text itself so that several databases in one
/// process (the tests) cannot mix their models up.
fn scorers() -> &'static Mutex<HashMap<Arc<str>, Arc<Scorer>>> {
    static SCORERS: OnceLock<Mutex<HashMap<Arc<str>, Arc<Scorer>>>> = OnceLock::new();
    SCORERS.get_or_init(Default::default)
}

impl ModelRow {
    /// The parsed model, ready to score (cached per model text).
    pub fn scorer(&self) -> QueryResult<Arc<Scorer>> {
        let mut map = scorers()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(s) = map.get(self.model.as_str()) {
            return Ok(s.clone());
        }
        let model = IndexModel::from_json(&self.model).map_err(|e| {
            diesel::result::Error::DeserializationError(
                format!("index model {} v{}: {e}", self.code, self.version).into(),
            )
        })?;
        let scorer = Arc::new(Scorer::new(model));
        if map.len() >= 32 {
            map.clear();
        }
        map.insert(Arc::from(self.model.as_str()), scorer.clone());
        Ok(scorer)
    }
}

/// Stores the built-in model as the active version when there is none yet.
pub fn ensure_builtin(conn: &mut DbConnection) -> QueryResult<bool> {
    let n: i64 = index_models::table.count().get_result(conn)?;
    if n > 0 {
        return Ok(false);
    }
    let model = IndexModel::builtin();
    insert_model(conn, &model, "", None)?;
    Ok(true)
}

fn insert_model(
    conn: &mut DbConnection,
    model: &IndexModel,
    note: &str,
    user: Option<i32>,
) -> QueryResult<i32> {
    diesel::update(index_models::table.filter(index_models::active.eq(true)))
        .set(index_models::active.eq(false))
        .execute(conn)?;
    diesel::insert_into(index_models::table)
        .values((
            index_models::code.eq(&model.code),
            index_models::version.eq(model.version as i32),
            index_models::name_zh.eq(&model.name_zh),
            index_models::name_en.eq(&model.name_en),
            index_models::model.eq(model.to_json()),
            index_models::change_note.eq(note),
            index_models::active.eq(true),
            index_models::created_by.eq(user),
            index_models::created_at.eq(super::now()),
        ))
        .returning(index_models::id)
        .get_result(conn)
}

/// Adds `model` as the next version of its code and makes it the active one;
/// returns the new row's id. The caller has validated the model. Version numbers
/// are assigned here (one more than the highest of the code).
pub fn add_version(
    conn: &mut DbConnection,
    mut model: IndexModel,
    note: &str,
    user: i32,
) -> QueryResult<(i32, u32)> {
    let highest: Option<i32> = index_models::table
        .filter(index_models::code.eq(&model.code))
        .select(diesel::dsl::max(index_models::version))
        .get_result(conn)?;
    model.version = highest.map_or(1, |v| v as u32 + 1);
    let id = insert_model(conn, &model, note, Some(user))?;
    Ok((id, model.version))
}

/// Makes version `id` the active model (used by computations from now on).
pub fn activate(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    if model(conn, id)?.is_none() {
        return Ok(false);
    }
    diesel::update(index_models::table.filter(index_models::active.eq(true)))
        .set(index_models::active.eq(false))
        .execute(conn)?;
    diesel::update(index_models::table.filter(index_models::id.eq(id)))
        .set(index_models::active.eq(true))
        .execute(conn)?;
    Ok(true)
}

/// The active model version (the built-in one until an admin adds another).
pub fn active(conn: &mut DbConnection) -> QueryResult<ModelRow> {
    if let Some(m) = index_models::table
        .filter(index_models::active.eq(true))
        .first::<ModelRow>(conn)
        .optional()?
    {
        return Ok(m);
    }
    ensure_builtin(conn)?;
    index_models::table
        .order(index_models::id.desc())
        .first::<ModelRow>(conn)
}

pub fn model(conn: &mut DbConnection, id: i32) -> QueryResult<Option<ModelRow>> {
    super::only(index_models::table.filter(index_models::id.eq(id)), conn)
}

/// Every model version, newest first.
pub fn versions(conn: &mut DbConnection) -> QueryResult<Vec<ModelRow>> {
    index_models::table
        .order(index_models::id.desc())
        .load(conn)
}

/// A period the index has data or scores for.
#[derive(Debug, Clone, Queryable)]
pub struct PeriodRow {
    pub period: String,
    pub model_id: Option<i32>,
    pub reference: Option<String>,
    pub computed_at: Option<NaiveDateTime>,
    pub computed_by: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl PeriodRow {
    pub fn parsed(&self) -> Option<Period> {
        self.period.parse().ok()
    }

    /// The reference spreads fixed at the last full computation.
    pub fn references(&self) -> References {
        self.reference
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default()
    }
}

/// Every period, oldest first.
pub fn periods(conn: &mut DbConnection) -> QueryResult<Vec<PeriodRow>> {
    let mut rows: Vec<PeriodRow> = index_periods::table.load(conn)?;
    rows.sort_by_key(|r| r.parsed());
    Ok(rows)
}

pub fn period(conn: &mut DbConnection, p: Period) -> QueryResult<Option<PeriodRow>> {
    super::only(
        index_periods::table.filter(index_periods::period.eq(p.to_string())),
        conn,
    )
}

/// The newest period with scores, if any.
pub fn latest_computed(conn: &mut DbConnection) -> QueryResult<Option<Period>> {
    Ok(periods(conn)?
        .iter()
        .rev()
        .filter(|r| r.computed_at.is_some())
        .find_map(PeriodRow::parsed))
}

/// Makes sure the period exists (data can be entered for it).
pub fn ensure_period(conn: &mut DbConnection, p: Period) -> QueryResult<()> {
    if period(conn, p)?.is_none() {
        diesel::insert_into(index_periods::table)
            .values((
                index_periods::period.eq(p.to_string()),
                index_periods::created_at.eq(super::now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A stored (not derived) indicator value.
#[derive(Debug, Clone, Queryable)]
pub struct ValueRow {
    pub enterprise_id: i32,
    pub period: String,
    pub indicator: String,
    pub value: f64,
    pub source: String,
    pub updated_by: Option<i32>,
    pub updated_at: NaiveDateTime,
}

/// An enterprise's stored values for a period.
pub fn values_of(
    conn: &mut DbConnection,
    enterprise_id: i32,
    p: Period,
) -> QueryResult<Vec<ValueRow>> {
    index_values::table
        .filter(index_values::enterprise_id.eq(enterprise_id))
        .filter(index_values::period.eq(p.to_string()))
        .order(index_values::indicator)
        .load(conn)
}

/// Sets (Some) or clears (None) one stored value; returns whether anything changed.
/// Does not re-score: call [`rescore`] once after a batch of changes.
pub fn set_value(
    conn: &mut DbConnection,
    enterprise_id: i32,
    p: Period,
    indicator: &str,
    value: Option<f64>,
    source: ValueSource,
    user: Option<i32>,
) -> QueryResult<bool> {
    ensure_period(conn, p)?;
    let period = p.to_string();
    let key = (
        index_values::enterprise_id.eq(enterprise_id),
        index_values::period.eq(&period),
        index_values::indicator.eq(indicator),
    );
    let current: Option<f64> = super::only(
        index_values::table
            .filter(key.0)
            .filter(key.1)
            .filter(key.2)
            .select(index_values::value),
        conn,
    )?;
    if current == value {
        return Ok(false);
    }
    let target = index_values::table
        .filter(key.0)
        .filter(key.1)
        .filter(key.2);
    match (current, value) {
        (Some(_), None) => {
            diesel::delete(target).execute(conn)?;
        }
        (Some(_), Some(v)) => {
            diesel::update(target)
                .set((
                    index_values::value.eq(v),
                    index_values::source.eq(source.as_str()),
                    index_values::updated_by.eq(user),
                    index_values::updated_at.eq(super::now()),
                ))
                .execute(conn)?;
        }
        (None, Some(v)) => {
            diesel::insert_into(index_values::table)
                .values((
                    key.0,
                    key.1,
                    key.2,
                    index_values::value.eq(v),
                    index_values::source.eq(source.as_str()),
                    index_values::updated_by.eq(user),
                    index_values::updated_at.eq(super::now()),
                ))
                .execute(conn)?;
        }
        (None, None) => return Ok(false),
    }
    Ok(true)
}

/// What a score row keeps beside its columns (arrays in the model's order).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Detail {
    pub subs: Vec<Option<f64>>,
    pub raw: Vec<Option<f64>>,
    pub points: Vec<Option<f64>>,
}

/// One enterprise's stored scores for one period.
#[derive(Debug, Clone, Queryable)]
pub struct ScoreRow {
    pub enterprise_id: i32,
    pub period: String,
    pub model_id: i32,
    pub total: Option<f64>,
    pub dim1: Option<f64>,
    pub dim2: Option<f64>,
    pub dim3: Option<f64>,
    pub dim4: Option<f64>,
    pub dim5: Option<f64>,
    pub dim6: Option<f64>,
    pub coverage: f64,
    pub detail: String,
    pub computed_at: NaiveDateTime,
}

impl ScoreRow {
    pub fn parsed_period(&self) -> Option<Period> {
        self.period.parse().ok()
    }

    /// The six dimension scores in the model's order.
    pub fn dims(&self) -> [Option<f64>; 6] {
        [
            self.dim1, self.dim2, self.dim3, self.dim4, self.dim5, self.dim6,
        ]
    }

    pub fn detail(&self) -> Detail {
        serde_json::from_str(&self.detail).unwrap_or_default()
    }
}

/// An enterprise's scores, oldest period first.
pub fn scores_of(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<ScoreRow>> {
    let mut rows: Vec<ScoreRow> = index_scores::table
        .filter(index_scores::enterprise_id.eq(enterprise_id))
        .load(conn)?;
    rows.sort_by_key(|r| r.parsed_period());
    Ok(rows)
}

/// Every stored score row of a period (for entropy weights over its data).
pub fn period_scores(conn: &mut DbConnection, p: Period) -> QueryResult<Vec<ScoreRow>> {
    index_scores::table
        .filter(index_scores::period.eq(p.to_string()))
        .order(index_scores::enterprise_id)
        .load(conn)
}

#[derive(Insertable)]
#[diesel(table_name = index_scores)]
struct NewScore<'a> {
    enterprise_id: i32,
    period: &'a str,
    model_id: i32,
    total: Option<f64>,
    dim1: Option<f64>,
    dim2: Option<f64>,
    dim3: Option<f64>,
    dim4: Option<f64>,
    dim5: Option<f64>,
    dim6: Option<f64>,
    coverage: f64,
    detail: String,
    computed_at: NaiveDateTime,
}

/// Rounds for storage: scores to 4 decimals, raw figures to 6 significant places.
fn round(v: Option<f64>, places: i32) -> Option<f64> {
    let f = 10f64.powi(places);
    v.map(|x| (x * f).round() / f)
}

fn new_score<'a>(
    enterprise_id: i32,
    period: &'a str,
    model_id: i32,
    s: &EnterpriseScore,
    at: NaiveDateTime,
) -> NewScore<'a> {
    let dim = |i: usize| round(s.dims.get(i).copied().flatten(), 4);
    let detail = Detail {
        subs: s.subs.iter().map(|v| round(*v, 4)).collect(),
        raw: s.raw.iter().map(|v| round(*v, 4)).collect(),
        points: s.points.iter().map(|v| round(*v, 4)).collect(),
    };
    NewScore {
        enterprise_id,
        period,
        model_id,
        total: round(s.total, 4),
        dim1: dim(0),
        dim2: dim(1),
        dim3: dim(2),
        dim4: dim(3),
        dim5: dim(4),
        dim6: dim(5),
        coverage: s.coverage,
        detail: serde_json::to_string(&detail).unwrap_or_default(),
        computed_at: at,
    }
}

/// The record columns the derived indicators read.
type FactsRow = (
    i32,
    Option<i32>,
    i32,
    bool,
    bool,
    Option<i32>,
    bool,
    Option<String>,
);

fn facts_columns() -> (
    enterprises::id,
    enterprises::niche_since,
    enterprises::product_field,
    enterprises::strategic_emerging,
    enterprises::high_tech_title,
    enterprises::sci_award_year,
    enterprises::meets_common_gate,
    enterprises::current_level,
) {
    (
        enterprises::id,
        enterprises::niche_since,
        enterprises::product_field,
        enterprises::strategic_emerging,
        enterprises::high_tech_title,
        enterprises::sci_award_year,
        enterprises::meets_common_gate,
        enterprises::current_level,
    )
}

fn facts_of(r: &FactsRow) -> RecordFacts {
    RecordFacts {
        niche_since: r.1,
        product_field: r.2,
        strategic_emerging: r.3,
        high_tech_title: r.4,
        sci_award_year: r.5,
        meets_common_gate: r.6,
        holds_srdi: r
            .7
            .as_deref()
            .and_then(|l| l.parse::<Level>().ok())
            .is_some_and(|l| l >= Level::Provincial),
    }
}

/// What a full computation did.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    pub period: Period,
    /// Active enterprises looked at.
    pub enterprises: usize,
    /// Score rows written (enterprises with any figure for the period).
    pub scored: usize,
    /// Of those, with a total.
    pub with_total: usize,
    /// Indicator figures read or derived.
    pub values: usize,
    pub model_version: i32,
    pub seconds: f64,
    /// Seconds spent per phase: load, derive, clear, score, write.
    pub phases: Vec<(&'static str, f64)>,
}

/// Progress of a full computation: (phase, done, of).
pub type Progress<'a> = &'a mut dyn FnMut(&'static str, usize, usize);

/// Scores every active enterprise for `p` with the active model, fixes the
/// period's reference spreads and replaces its scores, in one transaction.
/// Audited as `index.recompute`.
pub fn recompute_period(
    conn: &mut DbConnection,
    actor: &Actor,
    p: Period,
    progress: Progress<'_>,
) -> QueryResult<Recomputed> {
    crate::db::write_transaction(conn, |conn| {
        let done = recompute_in(conn, p, actor.user_id, progress)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "index.recompute",
                entity: "index_period",
                entity_id: Some(p.to_string()),
                after: Some(serde_json::json!({
                    "model_version": done.model_version,
                    "enterprises": done.enterprises,
                    "scored": done.scored,
                    "with_total": done.with_total,
                    "values": done.values,
                })),
                ..Default::default()
            },
        )?;
        Ok(done)
    })
}

fn recompute_in(
    conn: &mut DbConnection,
    p: Period,
    user: Option<i32>,
    progress: Progress<'_>,
) -> QueryResult<Recomputed> {
    let started = Instant::now();
    ensure_period(conn, p)?;
    let model = active(conn)?;
    let scorer = model.scorer()?;
    let period = p.to_string();
    let year = p.annual_year();

    progress("load", 0, 1);
    let facts: Vec<FactsRow> = enterprises::table
        .filter(enterprises::archived_at.is_null())
        .select(facts_columns())
        .order(enterprises::id)
        .load(conn)?;
    let mut annual: HashMap<i32, (Option<AnnualFigures>, Option<AnnualFigures>)> = HashMap::new();
    for row in annual_data::table
        .filter(annual_data::year.eq_any([year, year - 1]))
        .load::<AnnualRow>(conn)?
    {
        let slot = annual.entry(row.enterprise_id).or_default();
        if row.year == year {
            slot.0 = Some(row.figures());
        } else {
            slot.1 = Some(row.figures());
        }
    }
    // Stored values by enterprise, as (indicator position, value).
    let mut stored: HashMap<i32, Vec<(usize, f64)>> = HashMap::new();
    for (eid, key, value) in index_values::table
        .filter(index_values::period.eq(&period))
        .select((
            index_values::enterprise_id,
            index_values::indicator,
            index_values::value,
        ))
        .load::<(i32, String, f64)>(conn)?
    {
        if let Some(i) = scorer.position(&key) {
            stored.entry(eid).or_default().push((i, value));
        }
    }
    progress("load", 1, 1);
    let mut phases = Vec::new();
    let mut lap = started;
    let mut mark = |name: &'static str| {
        phases.push((name, lap.elapsed().as_secs_f64()));
        lap = Instant::now();
    };
    mark("load");

    // Raw figures of every enterprise that has any for the period.
    let mut ids = Vec::with_capacity(facts.len());
    let mut rows: Vec<Vec<Option<f64>>> = Vec::with_capacity(facts.len());
    for (n, f) in facts.iter().enumerate() {
        let (this, previous) = annual.get(&f.0).cloned().unwrap_or_default();
        let own = stored.remove(&f.0).unwrap_or_default();
        if this.is_none() && own.is_empty() {
            continue;
        }
        let raw = scorer.raw(
            year,
            this.as_ref(),
            previous.as_ref(),
            &facts_of(f),
            |key| {
                let i = scorer.position(key)?;
                own.iter().find(|(j, _)| *j == i).map(|(_, v)| *v)
            },
        );
        ids.push(f.0);
        rows.push(raw);
        if n % 4096 == 0 {
            progress("derive", n, facts.len());
        }
    }
    progress("derive", facts.len(), facts.len());
    let values = rows.iter().map(|r| r.iter().flatten().count()).sum();
    let references = scorer.references(rows.iter().map(Vec::as_slice));
    let list = scorer.reference_list(&references);
    mark("derive");

    diesel::delete(index_scores::table.filter(index_scores::period.eq(&period))).execute(conn)?;
    mark("clear");
    let (mut scoring, mut writing) = (0.0, 0.0);
    let at = super::now();
    let mut with_total = 0;
    const BATCH: usize = 2048;
    for (b, (id_chunk, row_chunk)) in ids.chunks(BATCH).zip(rows.chunks(BATCH)).enumerate() {
        let t = Instant::now();
        let mut batch = Vec::with_capacity(id_chunk.len());
        for (id, raw) in id_chunk.iter().zip(row_chunk) {
            let s = scorer
                .score(raw, &list)
                .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
            with_total += usize::from(s.total.is_some());
            batch.push(new_score(*id, &period, model.id, &s, at));
        }
        let t2 = Instant::now();
        scoring += (t2 - t).as_secs_f64();
        insert_chunks!(conn, index_scores::table, &batch, 13);
        writing += t2.elapsed().as_secs_f64();
        progress("score", (b + 1) * BATCH.min(ids.len()), ids.len());
    }
    progress("score", ids.len(), ids.len());
    phases.push(("score", scoring));
    phases.push(("write", writing));
    diesel::update(index_periods::table.filter(index_periods::period.eq(&period)))
        .set((
            index_periods::model_id.eq(model.id),
            index_periods::reference.eq(serde_json::to_string(&references).unwrap_or_default()),
            index_periods::computed_at.eq(at),
            index_periods::computed_by.eq(user),
        ))
        .execute(conn)?;
    Ok(Recomputed {
        period: p,
        enterprises: facts.len(),
        scored: ids.len(),
        with_total,
        values,
        model_version: model.version,
        seconds: started.elapsed().as_secs_f64(),
        phases,
    })
}

/// Re-scores one enterprise for one period against the period's fixed model and
/// reference (only what changed). A period never computed is computed whole.
/// Call in the transaction that changed the data.
pub fn rescore(conn: &mut DbConnection, enterprise_id: i32, p: Period) -> QueryResult<()> {
    let Some(row) = period(conn, p)? else {
        return Ok(());
    };
    let Some(model_id) = row.model_id else {
        recompute_in(conn, p, None, &mut |_, _, _| {})?;
        return Ok(());
    };
    let Some(model) = model(conn, model_id)? else {
        return Ok(());
    };
    let scorer = model.scorer()?;
    let facts: Option<FactsRow> = super::only(
        enterprises::table
            .filter(enterprises::id.eq(enterprise_id))
            .filter(enterprises::archived_at.is_null())
            .select(facts_columns()),
        conn,
    )?;
    let Some(facts) = facts else {
        return Ok(());
    };
    let year = p.annual_year();
    let years: Vec<AnnualFigures> = annual_data::table
        .filter(annual_data::enterprise_id.eq(enterprise_id))
        .filter(annual_data::year.eq_any([year, year - 1]))
        .load::<AnnualRow>(conn)?
        .iter()
        .map(AnnualRow::figures)
        .collect();
    let this = years.iter().find(|f| f.year == year);
    let previous = years.iter().find(|f| f.year == year - 1);
    let own = values_of(conn, enterprise_id, p)?;
    let period = p.to_string();
    let target = index_scores::table
        .filter(index_scores::enterprise_id.eq(enterprise_id))
        .filter(index_scores::period.eq(&period));
    diesel::delete(target).execute(conn)?;
    if this.is_none() && own.is_empty() {
        return Ok(());
    }
    let raw = scorer.raw(year, this, previous, &facts_of(&facts), |key| {
        own.iter().find(|v| v.indicator == key).map(|v| v.value)
    });
    let list = scorer.reference_list(&row.references());
    let s = scorer
        .score(&raw, &list)
        .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
    diesel::insert_into(index_scores::table)
        .values(new_score(
            enterprise_id,
            &period,
            model.id,
            &s,
            super::now(),
        ))
        .execute(conn)?;
    Ok(())
}

/// Re-scores one enterprise in every computed period whose figures its annual
/// data or record can reach (after an annual-data or record change).
pub fn rescore_everywhere(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<()> {
    for p in periods(conn)?
        .iter()
        .filter(|r| r.model_id.is_some())
        .filter_map(PeriodRow::parsed)
    {
        rescore(conn, enterprise_id, p)?;
    }
    Ok(())
}

/// The generation of the enterprise columns the index groups by (district,
/// industry section and division, level, archived): bumped by triggers in the
/// writing transaction.
pub fn groups_generation(conn: &mut DbConnection) -> QueryResult<i64> {
    use crate::schema::index_groups_generation as g;
    Ok(super::only(g::table.filter(g::id.eq(1)).select(g::n), conn)?.unwrap_or(0))
}

/// The current score generation: bumped (by triggers, in the writing transaction)
/// whenever a stored score changes.
pub fn generation(conn: &mut DbConnection) -> QueryResult<i64> {
    Ok(super::only(
        index_generation::table
            .filter(index_generation::id.eq(1))
            .select(index_generation::n),
        conn,
    )?
    .unwrap_or(0))
}

/// The reference spread of indicator `key` in a period, for display.
pub fn reference_of(row: &PeriodRow, key: &str) -> Option<Reference> {
    row.references().get(key).copied()
}

/// Which peers a standing is among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerGroup {
    /// The same GB/T 4754 division (the section when the division is unknown).
    Industry,
    District,
    Level,
}

impl PeerGroup {
    pub const ALL: [PeerGroup; 3] = [PeerGroup::Industry, PeerGroup::District, PeerGroup::Level];

    pub fn as_str(self) -> &'static str {
        match self {
            PeerGroup::Industry => "industry",
            PeerGroup::District => "district",
            PeerGroup::Level => "level",
        }
    }
}

/// One scored, active enterprise in a period, with what it is grouped by.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i32,
    pub total: Option<f64>,
    pub dims: [Option<f64>; 6],
    pub district: String,
    pub section: Option<String>,
    pub division: Option<String>,
    /// The level held now (`none` when untitled).
    pub level: String,
}

impl Entry {
    /// The entry's key in a peer group.
    pub fn group_key(&self, g: PeerGroup) -> Option<&str> {
        match g {
            PeerGroup::Industry => self.division.as_deref().or(self.section.as_deref()),
            PeerGroup::District => Some(&self.district),
            PeerGroup::Level => Some(&self.level),
        }
    }
}

/// A group's sorted totals and the median of each dimension.
#[derive(Debug, Clone, Default)]
pub struct Peers {
    pub totals: Sorted,
    pub dim_medians: [Option<f64>; 6],
}

impl Peers {
    fn of<'a>(entries: impl Iterator<Item = &'a Entry> + Clone) -> Peers {
        let totals = Sorted::new(entries.clone().filter_map(|e| e.total).collect());
        let dim_medians = std::array::from_fn(|d| {
            Sorted::new(entries.clone().filter_map(|e| e.dims[d]).collect()).median()
        });
        Peers {
            totals,
            dim_medians,
        }
    }
}

/// Where an enterprise stands in a period: overall and among each peer group.
#[derive(Debug, Clone, Default)]
pub struct Standings {
    pub overall: Option<Standing>,
    pub groups: Vec<(PeerGroup, String, Option<Standing>)>,
}

/// Every active enterprise's scores in one period, sorted once for ranks,
/// percentiles, peer medians and the overview.
#[derive(Debug)]
pub struct PeriodView {
    pub period: Period,
    pub entries: Vec<Entry>,
    by_id: HashMap<i32, usize>,
    pub all: Peers,
    groups: HashMap<(PeerGroup, String), Peers>,
}

impl PeriodView {
    fn build(period: Period, entries: Vec<Entry>) -> PeriodView {
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        let all = Peers::of(entries.iter());
        let mut members: HashMap<(PeerGroup, String), Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            for g in PeerGroup::ALL {
                if let Some(k) = e.group_key(g) {
                    members.entry((g, k.to_string())).or_default().push(i);
                }
            }
        }
        let groups = members
            .into_iter()
            .map(|(k, idx)| (k, Peers::of(idx.iter().map(|&i| &entries[i]))))
            .collect();
        PeriodView {
            period,
            entries,
            by_id,
            all,
            groups,
        }
    }

    /// The entries `scope` may see, in `district` when not empty.
    pub fn in_scope(&self, scope: &DataScope, district: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| scope.allows(e.id, &e.district))
            .filter(|e| district.is_empty() || e.district == district)
            .collect()
    }

    pub fn entry(&self, id: i32) -> Option<&Entry> {
        self.by_id.get(&id).map(|&i| &self.entries[i])
    }

    /// The peers of `g` that `e` belongs to.
    pub fn peers_of(&self, e: &Entry, g: PeerGroup) -> Option<&Peers> {
        let k = e.group_key(g)?;
        self.groups.get(&(g, k.to_string()))
    }

    /// Rank and percentile of enterprise `id`, overall and in its groups.
    pub fn standings(&self, id: i32) -> Standings {
        let Some(e) = self.entry(id) else {
            return Standings::default();
        };
        let at = |p: &Peers| e.total.and_then(|t| p.totals.standing(t));
        Standings {
            overall: at(&self.all),
            groups: PeerGroup::ALL
                .iter()
                .filter_map(|&g| {
                    let k = e.group_key(g)?;
                    Some((g, k.to_string(), self.peers_of(e, g).and_then(at)))
                })
                .collect(),
        }
    }
}

/// A view with the (score, pipeline) generations it was built at.
type CachedView = ((i64, i64), Arc<PeriodView>);
/// A summary with the generations it was computed at.
type CachedSummary = ((i64, i64), Arc<Summary>);

/// [`PeriodView`]s by period, each valid while the score generation and the
/// generation of the grouping columns (district, industry, level, archiving of
/// records; not board moves or cultivation steps) it was built at last. One per app server; both generations live in the database.
#[derive(Debug, Default)]
pub struct Cache {
    views: Mutex<HashMap<Period, CachedView>>,
    summaries: Mutex<HashMap<String, CachedSummary>>,
}

/// Averages of one group of entries.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMeans {
    /// The group's key (district code, industry section letter, level).
    pub key: String,
    pub count: usize,
    pub total: Option<f64>,
    pub dims: [Option<f64>; 6],
}

/// An enterprise in a list of the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub id: i32,
    pub district: String,
    pub level: String,
    pub total: Option<f64>,
    /// Against the previous period.
    pub change: Option<f64>,
}

/// The overview of a period for one scope and district filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub scored: usize,
    pub with_total: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    /// Totals in ten bands of ten points.
    pub bins: [usize; 10],
    pub dim_means: [Option<f64>; 6],
    pub leaders: Vec<Listed>,
    pub risers: Vec<Listed>,
    pub fallers: Vec<Listed>,
    pub by_district: Vec<GroupMeans>,
    pub by_section: Vec<GroupMeans>,
    pub by_level: Vec<GroupMeans>,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = values.fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    (n > 0).then(|| sum / n as f64)
}

fn group_means<'a>(entries: &[&'a Entry], key: impl Fn(&'a Entry) -> String) -> Vec<GroupMeans> {
    let mut groups: HashMap<String, Vec<&Entry>> = HashMap::new();
    for e in entries {
        groups.entry(key(e)).or_default().push(e);
    }
    let mut out: Vec<GroupMeans> = groups
        .into_iter()
        .map(|(key, members)| GroupMeans {
            key,
            count: members.len(),
            total: mean(members.iter().filter_map(|e| e.total)),
            dims: std::array::from_fn(|d| mean(members.iter().filter_map(|e| e.dims[d]))),
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    out
}

impl Summary {
    /// The overview of `entries` (one period's, in scope), with changes against
    /// `previous` (the period before).
    pub fn of(entries: &[&Entry], previous: &PeriodView, top: usize) -> Summary {
        let totals = Sorted::new(entries.iter().filter_map(|e| e.total).collect());
        let mut bins = [0usize; 10];
        for t in entries.iter().filter_map(|e| e.total) {
            bins[((t / 10.0).floor().max(0.0) as usize).min(9)] += 1;
        }
        let change_of = |e: &Entry| Some(e.total? - previous.entry(e.id)?.total?);
        let listed = |e: &Entry| Listed {
            id: e.id,
            district: e.district.clone(),
            level: e.level.clone(),
            total: e.total,
            change: change_of(e),
        };
        let mut ranked: Vec<&Entry> = entries
            .iter()
            .copied()
            .filter(|e| e.total.is_some())
            .collect();
        ranked.sort_by(|a, b| {
            b.total
                .unwrap_or(0.0)
                .total_cmp(&a.total.unwrap_or(0.0))
                .then(a.id.cmp(&b.id))
        });
        let mut changes: Vec<(&Entry, f64)> = entries
            .iter()
            .filter_map(|e| Some((*e, change_of(e)?)))
            .collect();
        // Ties in id order (the selection keeps the input's order among equals).
        changes.sort_by_key(|(e, _)| e.id);
        let moved = crate::domain::index::rank::movers(changes, top);
        Summary {
            scored: entries.len(),
            with_total: totals.len(),
            mean: mean(entries.iter().filter_map(|e| e.total)),
            median: totals.median(),
            bins,
            dim_means: std::array::from_fn(|d| mean(entries.iter().filter_map(|e| e.dims[d]))),
            leaders: ranked.iter().take(top).map(|e| listed(e)).collect(),
            risers: moved
                .iter()
                .filter(|m| m.1 > 0.0)
                .map(|m| listed(m.0))
                .collect(),
            fallers: moved
                .iter()
                .rev()
                .filter(|m| m.1 < 0.0)
                .map(|m| listed(m.0))
                .collect(),
            by_district: group_means(entries, |e| e.district.clone()),
            by_section: group_means(entries, |e| e.section.clone().unwrap_or_default()),
            by_level: group_means(entries, |e| e.level.clone()),
        }
    }
}

impl Cache {
    /// The period's view (empty when nothing is scored).
    pub fn view(&self, conn: &mut DbConnection, p: Period) -> QueryResult<Arc<PeriodView>> {
        // Generations are read before the data, so a write landing in between
        // leaves a view older than its key, which the next request rebuilds.
        let key = (generation(conn)?, groups_generation(conn)?);
        let lock = || {
            self.views
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((k, v)) = lock().get(&p)
            && *k == key
        {
            return Ok(v.clone());
        }
        let view = Arc::new(PeriodView::build(p, load_entries(conn, p)?));
        let mut views = lock();
        if views.len() >= 64 {
            views.clear();
        }
        views.insert(p, (key, view.clone()));
        Ok(view)
    }

    /// The overview of period `p` for `scope`, narrowed to `district` when not
    /// empty: computed once per generation and view.
    pub fn summary(
        &self,
        conn: &mut DbConnection,
        p: Period,
        scope: &DataScope,
        district: &str,
    ) -> QueryResult<Arc<Summary>> {
        let key = (generation(conn)?, groups_generation(conn)?);
        let name = format!("{p}|{scope:?}|{district}");
        let lock = || {
            self.summaries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((k, v)) = lock().get(&name)
            && *k == key
        {
            return Ok(v.clone());
        }
        let view = self.view(conn, p)?;
        let previous = self.view(conn, p.previous())?;
        let entries = view.in_scope(scope, district);
        let summary = Arc::new(Summary::of(&entries, &previous, 10));
        let mut map = lock();
        if map.len() >= 256 {
            map.clear();
        }
        map.insert(name, (key, summary.clone()));
        Ok(summary)
    }
}

type EntryRow = (
    i32,
    Option<f64>,
    (
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    ),
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn load_entries(conn: &mut DbConnection, p: Period) -> QueryResult<Vec<Entry>> {
    let rows: Vec<EntryRow> = index_scores::table
        .inner_join(enterprises::table)
        .filter(index_scores::period.eq(p.to_string()))
        .filter(enterprises::archived_at.is_null())
        .select((
            index_scores::enterprise_id,
            index_scores::total,
            (
                index_scores::dim1,
                index_scores::dim2,
                index_scores::dim3,
                index_scores::dim4,
                index_scores::dim5,
                index_scores::dim6,
            ),
            enterprises::district_code,
            enterprises::industry_section,
            enterprises::industry_division,
            enterprises::current_level,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, total, d, district, section, division, level)| Entry {
            id,
            total,
            dims: [d.0, d.1, d.2, d.3, d.4, d.5],
            district,
            section,
            division,
            level: level.unwrap_or_else(|| "none".into()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i32, total: Option<f64>, district: &str, level: &str) -> Entry {
        Entry {
            id,
            total,
            dims: [total, None, None, None, None, Some(50.0)],
            district: district.into(),
            section: Some("C".into()),
            division: Some("34".into()),
            level: level.into(),
        }
    }

    #[test]
    fn the_overview_summary_counts_ranks_and_averages() {
        let p: Period = "2025".parse().unwrap();
        let now = PeriodView::build(
            p,
            vec![
                entry(1, Some(82.0), "370212", "national"),
                entry(2, Some(64.0), "370212", "none"),
                entry(3, Some(71.0), "370202", "municipal"),
                entry(4, None, "370202", "none"),
            ],
        );
        let before = PeriodView::build(
            p.previous(),
            vec![
                entry(1, Some(80.0), "370212", "national"),
                entry(2, Some(70.0), "370212", "none"),
            ],
        );
        let all = now.in_scope(&DataScope::All, "");
        let s = Summary::of(&all, &before, 10);
        assert_eq!((s.scored, s.with_total), (4, 3));
        assert_eq!(s.mean, Some(217.0 / 3.0));
        assert_eq!(s.median, Some(71.0));
        assert_eq!(s.bins[6] + s.bins[7] + s.bins[8], 3);
        assert_eq!(s.bins[8], 1);
        assert_eq!(
            s.leaders.iter().map(|l| l.id).collect::<Vec<_>>(),
            vec![1, 3, 2]
        );
        assert_eq!(
            s.risers
                .iter()
                .map(|l| (l.id, l.change))
                .collect::<Vec<_>>(),
            vec![(1, Some(2.0))]
        );
        assert_eq!(
            s.fallers
                .iter()
                .map(|l| (l.id, l.change))
                .collect::<Vec<_>>(),
            vec![(2, Some(-6.0))]
        );
        assert_eq!(s.dim_means[5], Some(50.0));
        let laoshan = s.by_district.iter().find(|g| g.key == "370212").unwrap();
        assert_eq!((laoshan.count, laoshan.total), (2, Some(73.0)));
        // A district filter and a district scope narrow the same way.
        let only = now.in_scope(&DataScope::All, "370202");
        assert_eq!(Summary::of(&only, &before, 10).scored, 2);
        // Standings: 82 is first of three overall, percentile 100.
        let st = now.standings(1);
        assert_eq!(st.overall.map(|s| (s.rank, s.of)), Some((1, 3)));
        assert_eq!(now.standings(4).overall, None);
    }
}
