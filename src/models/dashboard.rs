//! The official dashboard's and the quarterly report's composition counts: active
//! enterprises in scope by tier, level, cultivation stage, district and industry
//! section at the start of two days (or now), rebuilt from the history tables with
//! the rules of [`crate::domain::dashboard`].

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::cultivation::Step;
use crate::domain::dashboard::{self as rules, Change, TitleDates};
use crate::domain::qualification::Level;
use crate::domain::scope::DataScope;
use crate::models::cultivation::stage_key;
use crate::models::enterprise::filter_scope;
use crate::schema::{board_entries, cultivation_events, enterprises, qualifications};

/// Counts of one dimension (tier, level, stage, district or industry): per key, at
/// the end of the span (`now`) and at its start (`then`).
#[derive(Debug, Clone, Default)]
pub struct Dimension {
    pub now: BTreeMap<String, i64>,
    pub then: BTreeMap<String, i64>,
    /// Some enterprise's history did not end at its current value.
    pub inexact: bool,
}

/// Tier, level, stage, district and industry counts of the active enterprises in
/// scope, at the start of `as_of` and at the start of `until` (now when `None`).
#[derive(Debug, Clone, Default)]
pub struct Composition {
    pub as_of: NaiveDate,
    pub until: Option<NaiveDate>,
    pub tiers: Dimension,
    pub levels: Dimension,
    pub stages: Dimension,
    /// Districts and industry sections have no history: an enterprise counts under
    /// its current one at both ends.
    pub districts: Dimension,
    pub industries: Dimension,
    /// Enterprises counted at the start and at the end.
    pub total_then: i64,
    pub total_now: i64,
}

impl Composition {
    /// Enterprises registered during the span (and still active).
    pub fn registered(&self) -> i64 {
        self.total_now - self.total_then
    }
}

/// [`composition`] through the per-server cache (valid while the pipeline
/// generation lasts; its triggers cover the history tables read here).
pub fn cached(
    cache: &super::pipeline::Cache<Composition>,
    conn: &mut DbConnection,
    scope: &DataScope,
    day: NaiveDate,
    until: Option<NaiveDate>,
) -> QueryResult<std::sync::Arc<Composition>> {
    let key = format!("{scope:?}|{day}|{until:?}");
    cache.get_or(conn, key, |conn| composition(conn, scope, day, until))
}

/// (id, tier, level, stage, registered at, district, industry section)
type EntRow = (
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    String,
    Option<String>,
);

/// An enterprise's tier, stage and level at the start of `day` (now when `None`),
/// borrowed from its row and histories: this runs for every enterprise in scope.
fn values_at<'a>(
    e: &'a EntRow,
    day: Option<NaiveDate>,
    tiers: &'a HashMap<i32, Vec<Change>>,
    stages: &'a HashMap<i32, Vec<Change>>,
    titles: &HashMap<i32, Vec<TitleDates>>,
) -> (rules::AsOf<'a>, rules::AsOf<'a>, Option<&'a str>) {
    let Some(day) = day else {
        let exact = |value| rules::AsOf { value, exact: true };
        return (exact(e.1.as_deref()), exact(e.3.as_deref()), e.2.as_deref());
    };
    let history = |h: &'a HashMap<i32, Vec<Change>>| h.get(&e.0).map_or(&[][..], Vec::as_slice);
    let tier = rules::value_as_of(e.1.as_deref(), history(tiers), day);
    let stage = rules::value_as_of(e.3.as_deref(), history(stages), day);
    let level = rules::level_as_of(titles.get(&e.0).map_or(&[][..], Vec::as_slice), day);
    (tier, stage, level.map(Level::as_str))
}

/// Counts at the start of `day` and at the start of `until` (now when `None`).
/// Enterprises registered on or after a day are left out of that day's counts;
/// archived ones are out of both.
pub fn composition(
    conn: &mut DbConnection,
    scope: &DataScope,
    day: NaiveDate,
    until: Option<NaiveDate>,
) -> QueryResult<Composition> {
    let q = enterprises::table
        .filter(enterprises::archived_at.is_null())
        .select((
            enterprises::id,
            enterprises::current_tier,
            enterprises::current_level,
            enterprises::cultivation_stage,
            enterprises::created_at,
            enterprises::district_code,
            enterprises::industry_section,
        ))
        .into_boxed();
    let ents: Vec<EntRow> = filter_scope!(q, scope).load(conn)?;

    let q = board_entries::table
        .inner_join(enterprises::table)
        .filter(enterprises::archived_at.is_null())
        .select((
            board_entries::enterprise_id,
            board_entries::effective_on,
            board_entries::tier_from,
            board_entries::tier_to,
        ))
        .order(board_entries::id)
        .into_boxed();
    let mut tier_hist: HashMap<i32, Vec<Change>> = HashMap::new();
    for (id, on, from, to) in
        filter_scope!(q, scope).load::<(i32, NaiveDate, Option<String>, Option<String>)>(conn)?
    {
        tier_hist
            .entry(id)
            .or_default()
            .push(Change { on, from, to });
    }

    let q = cultivation_events::table
        .inner_join(enterprises::table)
        .filter(enterprises::archived_at.is_null())
        .select((
            cultivation_events::enterprise_id,
            cultivation_events::effective_on,
            cultivation_events::step_from,
            cultivation_events::stage_to,
        ))
        .order(cultivation_events::id)
        .into_boxed();
    let mut stage_hist: HashMap<i32, Vec<Change>> = HashMap::new();
    for (id, on, step_from, stage_to) in
        filter_scope!(q, scope).load::<(i32, NaiveDate, Option<String>, String)>(conn)?
    {
        let from = step_from
            .and_then(|s| s.parse::<Step>().ok())
            .map(|s| stage_key(s).to_string());
        stage_hist.entry(id).or_default().push(Change {
            on,
            from,
            to: Some(stage_to),
        });
    }

    let q = qualifications::table
        .inner_join(enterprises::table)
        .filter(enterprises::archived_at.is_null())
        .select((
            qualifications::enterprise_id,
            qualifications::level,
            qualifications::recognized_on,
            qualifications::expires_on,
            qualifications::revoked_on,
        ))
        .into_boxed();
    let mut titles: HashMap<i32, Vec<TitleDates>> = HashMap::new();
    for (id, level, recognized_on, expires_on, revoked_on) in
        filter_scope!(q, scope)
            .load::<(i32, String, NaiveDate, NaiveDate, Option<NaiveDate>)>(conn)?
    {
        if let Ok(level) = level.parse::<Level>() {
            titles.entry(id).or_default().push(TitleDates {
                level,
                recognized_on,
                expires_on,
                revoked_on,
            });
        }
    }

    let mut c = Composition {
        as_of: day,
        until,
        ..Default::default()
    };
    let at = |e, day| values_at(e, day, &tier_hist, &stage_hist, &titles);
    let existed = |e: &EntRow, day: Option<NaiveDate>| day.is_none_or(|d| e.4.date() < d);
    for (end, span_day) in [(false, Some(day)), (true, until)] {
        // One list of values per dimension, in the order of `dims` below.
        let mut values: [Vec<Option<&str>>; 5] = Default::default();
        for e in ents.iter().filter(|e| existed(e, span_day)) {
            let (t, s, l) = at(e, span_day);
            c.tiers.inexact |= !t.exact;
            c.stages.inexact |= !s.exact;
            values[0].push(t.value);
            values[1].push(l);
            values[2].push(s.value);
            values[3].push(Some(e.5.as_str()));
            values[4].push(e.6.as_deref());
        }
        let n = values[0].len() as i64;
        let dims = [
            &mut c.tiers,
            &mut c.levels,
            &mut c.stages,
            &mut c.districts,
            &mut c.industries,
        ];
        for (dim, v) in dims.into_iter().zip(&values) {
            let counts = rules::tally(v.iter().copied());
            if end {
                dim.now = counts
            } else {
                dim.then = counts
            }
        }
        if end {
            c.total_now = n
        } else {
            c.total_then = n
        }
    }
    Ok(c)
}
