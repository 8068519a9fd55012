//! The official dashboard's composition counts: active enterprises in scope by tier,
//! level and cultivation stage, now and as of a day, rebuilt from the history tables
//! with the rules of [`crate::domain::dashboard`].

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

/// Counts of one dimension (tier, level or stage): per key, now and at the start
/// of the as-of day.
#[derive(Debug, Clone, Default)]
pub struct Dimension {
    pub now: BTreeMap<String, i64>,
    pub then: BTreeMap<String, i64>,
    /// Some enterprise's history did not end at its current value.
    pub inexact: bool,
}

impl Dimension {
    /// (key, now, change since the as-of day) for `keys`, in that order.
    pub fn rows(&self, keys: &[&str]) -> Vec<(String, i64, i64)> {
        keys.iter()
            .map(|k| {
                let now = self.now.get(*k).copied().unwrap_or(0);
                let then = self.then.get(*k).copied().unwrap_or(0);
                (k.to_string(), now, now - then)
            })
            .collect()
    }
}

/// Tier, level and stage counts of the active enterprises in scope.
#[derive(Debug, Clone, Default)]
pub struct Composition {
    pub as_of: NaiveDate,
    pub tiers: Dimension,
    pub levels: Dimension,
    pub stages: Dimension,
}

type EntRow = (
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// Counts now and as of the start of `day` (enterprises registered on or after
/// `day` are left out of the earlier counts; archived ones are out of both).
pub fn composition(
    conn: &mut DbConnection,
    scope: &DataScope,
    day: NaiveDate,
) -> QueryResult<Composition> {
    let q = enterprises::table
        .filter(enterprises::archived_at.is_null())
        .select((
            enterprises::id,
            enterprises::current_tier,
            enterprises::current_level,
            enterprises::cultivation_stage,
            enterprises::created_at,
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
        ..Default::default()
    };
    let existed = |created: &NaiveDateTime| created.date() < day;
    c.tiers.now = rules::tally(ents.iter().map(|e| e.1.as_deref()));
    c.levels.now = rules::tally(ents.iter().map(|e| e.2.as_deref()));
    c.stages.now = rules::tally(ents.iter().map(|e| e.3.as_deref()));
    let mut tiers_then = Vec::new();
    let mut levels_then = Vec::new();
    let mut stages_then = Vec::new();
    for e in ents.iter().filter(|e| existed(&e.4)) {
        let t = rules::value_as_of(
            e.1.as_deref(),
            tier_hist.get(&e.0).map_or(&[][..], Vec::as_slice),
            day,
        );
        c.tiers.inexact |= !t.exact;
        tiers_then.push(t.value);
        let s = rules::value_as_of(
            e.3.as_deref(),
            stage_hist.get(&e.0).map_or(&[][..], Vec::as_slice),
            day,
        );
        c.stages.inexact |= !s.exact;
        stages_then.push(s.value);
        levels_then.push(
            rules::level_as_of(titles.get(&e.0).map_or(&[][..], Vec::as_slice), day)
                .map(|l| l.as_str().to_string()),
        );
    }
    c.tiers.then = rules::tally(tiers_then.iter().map(Option::as_deref));
    c.levels.then = rules::tally(levels_then.iter().map(Option::as_deref));
    c.stages.then = rules::tally(stages_then.iter().map(Option::as_deref));
    Ok(c)
}
