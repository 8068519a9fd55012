//! The officials' view of the pipeline: counts, time in stage and stalls per stage,
//! each stage's queue, the stalled list, and the rows behind the export. Every query
//! starts from the registry's scoped query, so data scopes apply as everywhere.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::{DbConnection, MultiBackend};
use crate::domain::cultivation::{self, Stage, Step, TargetBoard};
use crate::domain::qualification::Level;
use crate::domain::scope::DataScope;
use crate::domain::tier::Tier;
use crate::models::enterprise::filter_scope;
use crate::schema::{cultivation_plans, cultivation_tasks, enterprises, users};

/// What the pipeline page is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineFilter {
    pub district: Option<String>,
    /// An industry section letter.
    pub industry: Option<String>,
    /// `Some(None)`: no title in force.
    pub level: Option<Option<Level>>,
    /// `Some(None)`: not on the board.
    pub tier: Option<Option<Tier>>,
    /// `Some(None)`: no target board chosen.
    pub target_board: Option<Option<TargetBoard>>,
}

/// Narrows a boxed query over `enterprises` to active (not archived) records in the
/// pipeline, in `scope`, matching `f`. A macro so it serves plain and grouped queries.
macro_rules! pipeline_filters {
    ($q:expr, $scope:expr, $f:expr) => {{
        use enterprises as pf_e;
        let f: &PipelineFilter = $f;
        let mut q = filter_scope!($q, $scope)
            .filter(pf_e::archived_at.is_null())
            .filter(pf_e::cultivation_stage.is_not_null());
        if let Some(d) = &f.district {
            q = q.filter(pf_e::district_code.eq(d.clone()));
        }
        if let Some(i) = &f.industry {
            q = q.filter(pf_e::industry_section.eq(i.clone()));
        }
        match f.level {
            Some(Some(l)) => q = q.filter(pf_e::current_level.eq(l.as_str())),
            Some(None) => q = q.filter(pf_e::current_level.is_null()),
            None => {}
        }
        match f.tier {
            Some(Some(t)) => q = q.filter(pf_e::current_tier.eq(t.as_str())),
            Some(None) => q = q.filter(pf_e::current_tier.is_null()),
            None => {}
        }
        match f.target_board {
            Some(Some(b)) => q = q.filter(pf_e::target_board.eq(b.as_str())),
            Some(None) => q = q.filter(pf_e::target_board.is_null()),
            None => {}
        }
        q
    }};
}

/// Active records in the pipeline, in scope, narrowed by `f`.
fn filtered(
    scope: &DataScope,
    f: &PipelineFilter,
) -> enterprises::BoxedQuery<'static, MultiBackend> {
    pipeline_filters!(enterprises::table.into_boxed(), scope, f)
}

/// The current data generation: bumped (by triggers, in the writing transaction)
/// whenever a column the whole-pipeline figures read changes on any enterprise.
pub fn generation(conn: &mut DbConnection) -> QueryResult<i64> {
    use crate::schema::pipeline_generation as g;
    Ok(super::only(g::table.filter(g::id.eq(1)).select(g::n), conn)?.unwrap_or(0))
}

/// The figures of one view that read the whole pipeline: per-stage statistics and
/// the plan's actuals.
#[derive(Debug)]
pub struct Aggregates {
    pub stats: Vec<StageStats>,
    pub actuals: Vec<(i32, Stage, i64)>,
}

/// How many views a cache keeps before it starts afresh.
const CACHE_VIEWS: usize = 512;

/// Figures that read the whole pipeline (or its dated history), by view key, each
/// valid while the data generation it was computed at lasts. One per app server;
/// the generation lives in the database, so every server sees every write. `G` is
/// the generation: the pipeline's, or a tuple where a view reads more than it.
#[derive(Debug)]
pub struct Cache<V, G = i64> {
    views: Mutex<HashMap<String, (G, Arc<V>)>>,
}

impl<V, G> Default for Cache<V, G> {
    fn default() -> Self {
        Cache {
            views: Mutex::new(HashMap::new()),
        }
    }
}

impl<V> Cache<V> {
    /// The view's value: from the cache when nothing changed since, else computed.
    pub fn get_or(
        &self,
        conn: &mut DbConnection,
        key: String,
        compute: impl FnOnce(&mut DbConnection) -> QueryResult<V>,
    ) -> QueryResult<Arc<V>> {
        // Read before computing: a write landing in between makes the stored value
        // newer than its generation, which the next request then recomputes; never
        // the other way round.
        let generation = generation(conn)?;
        self.at(generation, key, || compute(conn))
    }
}

impl<V, G: PartialEq> Cache<V, G> {
    /// The view's value at `generation` (read before calling, see `get_or`).
    pub fn at(
        &self,
        generation: G,
        key: String,
        compute: impl FnOnce() -> QueryResult<V>,
    ) -> QueryResult<Arc<V>> {
        let lock = || {
            self.views
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((g, value)) = lock().get(&key)
            && *g == generation
        {
            return Ok(value.clone());
        }
        let value = Arc::new(compute()?);
        let mut views = lock();
        if views.len() >= CACHE_VIEWS {
            views.clear();
        }
        views.insert(key, (generation, value.clone()));
        Ok(value)
    }
}

impl Cache<Aggregates> {
    /// A pipeline view's figures (scope, filters, day, stall threshold, plan years).
    pub fn aggregates(
        &self,
        conn: &mut DbConnection,
        scope: &DataScope,
        f: &PipelineFilter,
        today: NaiveDate,
        stall_cutoff: NaiveDate,
        years: std::ops::RangeInclusive<i32>,
    ) -> QueryResult<Arc<Aggregates>> {
        let key = format!("{scope:?}|{f:?}|{today}|{stall_cutoff}|{years:?}");
        self.get_or(conn, key, |conn| {
            Ok(Aggregates {
                stats: stage_stats(conn, scope, f, today, stall_cutoff)?,
                actuals: super::cultivation::actuals(conn, scope, years)?,
            })
        })
    }
}

/// (stage, stage since, step since, how many) as grouped.
type GroupRow = (Option<String>, Option<NaiveDate>, Option<NaiveDate>, i64);

/// (valuation, planned raise, planned filing, planned listing, counsellor) of a plan.
type PlanFigures = (
    Option<i64>,
    Option<i64>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
);

/// One stage's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StageStats {
    /// A stage key, or `exited`.
    pub stage: String,
    pub count: i64,
    /// Median whole days since entering the stage (`None` when empty).
    pub median_days: Option<i64>,
    /// Enterprises at an active step that has not moved for the stall threshold.
    pub stalled: i64,
}

/// Figures for every stage and for the exited, in pipeline order, from one grouped
/// scan: counts, median time in stage, and how many have not moved since `stall_cutoff`.
pub fn stage_stats(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &PipelineFilter,
    today: NaiveDate,
    stall_cutoff: NaiveDate,
) -> QueryResult<Vec<StageStats>> {
    use enterprises as e;
    let grouped = e::table
        .group_by((e::cultivation_stage, e::stage_since, e::step_since))
        .select((
            e::cultivation_stage,
            e::stage_since,
            e::step_since,
            diesel::dsl::count_star(),
        ))
        .into_boxed();
    let rows: Vec<GroupRow> = pipeline_filters!(grouped, scope, f).load(conn)?;
    // stage -> (days in stage -> how many), stalled
    let mut per: BTreeMap<String, (BTreeMap<i64, i64>, i64)> = BTreeMap::new();
    for (stage, stage_since, step_since, n) in rows {
        let Some(stage) = stage else { continue };
        let entry = per.entry(stage.clone()).or_default();
        let days = stage_since.map_or(0, |d| cultivation::days_since(d, today));
        *entry.0.entry(days).or_default() += n;
        let active = stage != "listed" && stage != "exited";
        if active && step_since.is_some_and(|d| d <= stall_cutoff) {
            entry.1 += n;
        }
    }
    let keys = Stage::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(std::iter::once("exited"));
    Ok(keys
        .map(|k| {
            let (hist, stalled) = per.remove(k).unwrap_or_default();
            let count: i64 = hist.values().sum();
            StageStats {
                stage: k.to_string(),
                count,
                median_days: median(&hist, count),
                stalled,
            }
        })
        .collect())
}

/// The median of a histogram (value -> how many) holding `count` values.
fn median(hist: &BTreeMap<i64, i64>, count: i64) -> Option<i64> {
    if count == 0 {
        return None;
    }
    let middle = (count + 1) / 2;
    let mut seen = 0;
    for (value, n) in hist {
        seen += n;
        if seen >= middle {
            return Some(*value);
        }
    }
    None
}

/// An enterprise as the pipeline lists it.
#[derive(Debug, Clone)]
pub struct PipelineRow {
    pub id: i32,
    pub name: String,
    pub district_code: String,
    pub step: Step,
    pub stage_since: Option<NaiveDate>,
    pub step_since: Option<NaiveDate>,
    pub queue_order: Option<i32>,
    pub target_board: Option<String>,
    pub current_level: Option<String>,
    pub current_tier: Option<String>,
    pub industry_division: Option<String>,
    /// Has open tasks past due.
    pub overdue: bool,
}

type RowTuple = (
    i32,
    String,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

macro_rules! row_columns {
    () => {
        (
            enterprises::id,
            enterprises::name,
            enterprises::district_code,
            enterprises::cultivation_step,
            enterprises::stage_since,
            enterprises::step_since,
            enterprises::queue_order,
            enterprises::target_board,
            enterprises::current_level,
            enterprises::current_tier,
            enterprises::industry_division,
        )
    };
}

/// Sets the overdue flag of `rows` (open tasks past due): one indexed query for all
/// the rows on screen.
pub fn flag_overdue<'a>(
    conn: &mut DbConnection,
    rows: impl IntoIterator<Item = &'a mut PipelineRow>,
    today: NaiveDate,
) -> QueryResult<()> {
    let mut rows: Vec<&mut PipelineRow> = rows.into_iter().collect();
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let overdue: HashSet<i32> = cultivation_tasks::table
        .filter(cultivation_tasks::enterprise_id.eq_any(&ids))
        .filter(cultivation_tasks::status.eq("open"))
        .filter(cultivation_tasks::due_on.lt(today))
        .select(cultivation_tasks::enterprise_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    for r in rows.iter_mut() {
        r.overdue = overdue.contains(&r.id);
    }
    Ok(())
}

/// Rows as loaded, not yet flagged.
fn rows_of(rows: Vec<RowTuple>) -> Vec<PipelineRow> {
    rows.into_iter()
        .filter_map(|r| {
            Some(PipelineRow {
                id: r.0,
                overdue: false,
                name: r.1,
                district_code: r.2,
                step: r.3?.parse().ok()?,
                stage_since: r.4,
                step_since: r.5,
                queue_order: r.6,
                target_board: r.7,
                current_level: r.8,
                current_tier: r.9,
                industry_division: r.10,
            })
        })
        .collect()
}

/// A page of one stage's queue (overdue flags not set: see [`flag_overdue`]): by queue order (listed: latest first), after the
/// keyset cursor `(queue_order or day number, id)` of the previous page's last row.
pub fn queue(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &PipelineFilter,
    stage: &str,
    after: Option<(i32, i32)>,
    limit: i64,
) -> QueryResult<Vec<PipelineRow>> {
    use enterprises as e;
    let mut q = filtered(scope, f).filter(e::cultivation_stage.eq(stage.to_string()));
    let queued = stage != "listed" && stage != "exited";
    if queued {
        if let Some((order, id)) = after {
            q = q.filter(
                e::queue_order
                    .ge(order)
                    .and(e::queue_order.gt(order).or(e::id.gt(id))),
            );
        }
        q = q.order((e::queue_order.asc(), e::id.asc()));
    } else {
        // Listed and exited have no queue (all NULL): latest first. Naming the queue
        // column keeps the planner on the stage indexes (by id alone it would walk a
        // whole district looking for the few listed).
        if let Some((_, id)) = after {
            q = q.filter(e::id.lt(id));
        }
        q = q.order((e::queue_order.desc(), e::id.desc()));
    }
    let rows: Vec<RowTuple> = q.select(row_columns!()).limit(limit).load(conn)?;
    Ok(rows_of(rows))
}

/// Active enterprises that have not moved since `cutoff`, longest-waiting first
/// (overdue flags not set: see [`flag_overdue`]).
pub fn stalled(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &PipelineFilter,
    cutoff: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<PipelineRow>> {
    use enterprises as e;
    // The expression of the index `enterprises_stall_idx`, written out as there: the
    // scan walks the oldest movements first and stops after `limit` rows.
    let active = diesel::dsl::sql::<diesel::sql_types::Bool>(
        "(enterprises.cultivation_stage IN ('potential', 'reserve', 'shareholding_reform', 'listing_process')) = TRUE",
    );
    let rows: Vec<RowTuple> = filtered(scope, f)
        .filter(active)
        .filter(e::step_since.le(cutoff))
        .order((e::step_since.asc(), e::id.asc()))
        .select(row_columns!())
        .limit(limit)
        .load(conn)?;
    Ok(rows_of(rows))
}

/// A row of the export: the pipeline row with its plan and counsellor.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub row: PipelineRow,
    pub credit_code: String,
    pub valuation: Option<i64>,
    pub planned_raise: Option<i64>,
    pub planned_filing_on: Option<NaiveDate>,
    pub planned_listing_on: Option<NaiveDate>,
    pub counsellor: Option<String>,
}

/// Everything the filters select, in stage then queue order (for CSV/XLSX).
pub fn export(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &PipelineFilter,
    today: NaiveDate,
) -> QueryResult<Vec<ExportRow>> {
    use enterprises as e;
    let rows: Vec<(RowTuple, String)> = filtered(scope, f)
        .order((
            e::cultivation_stage.asc(),
            e::queue_order.asc(),
            e::id.asc(),
        ))
        .select((row_columns!(), e::credit_code))
        .load(conn)?;
    let codes: BTreeMap<i32, String> = rows.iter().map(|(r, c)| (r.0, c.clone())).collect();
    let ids: Vec<i32> = codes.keys().copied().collect();
    let mut plans: BTreeMap<i32, PlanFigures> = BTreeMap::new();
    for chunk in ids.chunks(5000) {
        let loaded: Vec<(i32, PlanFigures)> = cultivation_plans::table
            .left_join(users::table.on(users::id.nullable().eq(cultivation_plans::counsellor_id)))
            .filter(cultivation_plans::enterprise_id.eq_any(chunk))
            .select((
                cultivation_plans::enterprise_id,
                (
                    cultivation_plans::valuation,
                    cultivation_plans::planned_raise,
                    cultivation_plans::planned_filing_on,
                    cultivation_plans::planned_listing_on,
                    users::display_name.nullable(),
                ),
            ))
            .load(conn)?;
        plans.extend(loaded);
    }
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(5000) {
        let tuples: Vec<RowTuple> = chunk.iter().map(|(r, _)| r.clone()).collect();
        let mut flagged = rows_of(tuples);
        flag_overdue(conn, flagged.iter_mut(), today)?;
        for row in flagged {
            let plan = plans.remove(&row.id).unwrap_or_default();
            out.push(ExportRow {
                credit_code: codes.get(&row.id).cloned().unwrap_or_default(),
                valuation: plan.0,
                planned_raise: plan.1,
                planned_filing_on: plan.2,
                planned_listing_on: plan.3,
                counsellor: plan.4,
                row,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_a_histogram() {
        let h: BTreeMap<i64, i64> = [(10, 1), (20, 1), (30, 1)].into_iter().collect();
        assert_eq!(median(&h, 3), Some(20));
        let h: BTreeMap<i64, i64> = [(5, 3), (100, 1)].into_iter().collect();
        assert_eq!(median(&h, 4), Some(5));
        // An even count takes the lower middle value: whole days, no averaging.
        let h: BTreeMap<i64, i64> = [(1, 1), (9, 1)].into_iter().collect();
        assert_eq!(median(&h, 2), Some(1));
        assert_eq!(median(&BTreeMap::new(), 0), None);
    }
}
