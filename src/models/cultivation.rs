//! IPO cultivation in the database: where an enterprise stands (columns on its row),
//! the gate checklists (data), staff ticks with evidence, proposals and decisions,
//! the append-only timeline, the plan (定板、定序、定价), intermediaries, tasks and the
//! three-year plan's targets. Every rule comes from [`crate::domain::cultivation`];
//! this module reads the facts, asks the domain, and writes what it decided.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::cultivation::{
    self, CultivationFacts, Decision, GateItem, GateKind, GateStatus, IntermediaryKind, ManualTick,
    Outcome, Proposal, ProposalAction, Refusal, Stage, Step, TargetBoard,
};
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::{Enterprise, filter_scope};
use crate::models::partner::Partner;
use crate::schema::{
    cultivation_events, cultivation_intermediaries, cultivation_plans, cultivation_proposals,
    cultivation_tasks, enterprises, gate_items, gate_ticks, partners, plan_targets, rubric_results,
    users,
};

/// Why a cultivation change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CultivationError {
    /// The pipeline rules refused it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The enterprise or record is not there, or not in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The record changed since the user looked at it.
    #[error("the record was changed by someone else")]
    Conflict,
    /// A value the caller sent does not fit: (form field, message key).
    #[error("invalid {0}")]
    Invalid(&'static str, &'static str),
    /// Database failure.
    #[error(transparent)]
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for CultivationError {
    /// A unique violation means someone else made the same change at the same moment
    /// (one pending proposal per enterprise, one tick per item): a conflict to show,
    /// not a failure. (SQLite never gets here: its write transactions are serial.)
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                CultivationError::Conflict
            }
            other => CultivationError::Db(other),
        }
    }
}

/// The stage column value for a step (`exited` after an exit).
pub fn stage_key(step: Step) -> &'static str {
    step.stage().map_or("exited", Stage::as_str)
}

/// Loads an enterprise in scope, or `NotFound`.
fn enterprise_in_scope(
    conn: &mut DbConnection,
    scope: &DataScope,
    id: i32,
) -> Result<Enterprise, CultivationError> {
    Enterprise::find(conn, scope, id)?.ok_or(CultivationError::NotFound)
}

// ---------------------------------------------------------------- gate items

/// A stored gate item, active or not, for the admin page.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct GateRow {
    pub id: i32,
    pub key: String,
    pub step: String,
    pub field: String,
    pub value: String,
    pub label_zh: String,
    pub label_en: String,
    pub position: i32,
    pub active: bool,
}

/// Every stored gate item, in pipeline order then position.
pub fn gate_rows(conn: &mut DbConnection) -> QueryResult<Vec<GateRow>> {
    let mut rows: Vec<GateRow> = gate_items::table.load(conn)?;
    let order = |s: &str| Step::ALL.iter().position(|x| x.as_str() == s);
    rows.sort_by_key(|r| (order(&r.step), r.position, r.id));
    Ok(rows)
}

/// The active checklist items as domain values. Rows that do not parse are skipped
/// with a log line, so one bad admin edit cannot block the pipeline.
pub fn gate_items(conn: &mut DbConnection) -> QueryResult<Vec<GateItem>> {
    Ok(gate_rows(conn)?
        .into_iter()
        .filter(|r| r.active)
        .filter_map(|r| match (r.step.parse::<Step>(), GateKind::parse(&r.field, &r.value)) {
            (Ok(step), Ok(kind)) => Some(GateItem {
                key: r.key,
                step,
                kind,
                label_zh: r.label_zh,
                label_en: r.label_en,
            }),
            (a, b) => {
                tracing::warn!(key = r.key, step_err = ?a.err(), kind_err = ?b.err(), "skipping unreadable gate item");
                None
            }
        })
        .collect())
}

/// Adds a checklist item; false if the key is taken.
pub fn add_gate_item(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &GateItem,
    position: i32,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        gate_items::table.filter(gate_items::key.eq(&item.key)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    let (field, value) = item.kind.to_row();
    diesel::insert_into(gate_items::table)
        .values((
            gate_items::key.eq(&item.key),
            gate_items::step.eq(item.step.as_str()),
            gate_items::field.eq(field),
            gate_items::value.eq(&value),
            gate_items::label_zh.eq(&item.label_zh),
            gate_items::label_en.eq(&item.label_en),
            gate_items::position.eq(position),
            gate_items::active.eq(true),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "gate_item.add",
            entity: "gate_item",
            entity_id: Some(item.key.clone()),
            after: Some(serde_json::json!({
                "step": item.step, "field": field, "value": value,
                "label_zh": item.label_zh, "label_en": item.label_en, "position": position,
            })),
            ..Default::default()
        },
    )?;
    Ok(true)
}

/// The position just after the last item of `step` (active or not); 1 for a step
/// without items.
pub fn next_gate_position(conn: &mut DbConnection, step: Step) -> QueryResult<i32> {
    let last: Option<i32> = gate_items::table
        .filter(gate_items::step.eq(step.as_str()))
        .select(diesel::dsl::max(gate_items::position))
        .first(conn)?;
    Ok(last.map_or(1, |p| p.saturating_add(1)))
}

/// Changes an item's labels and position, or switches it on or off.
pub fn update_gate_item(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    label_zh: &str,
    label_en: &str,
    position: i32,
    active: bool,
) -> Result<(), CultivationError> {
    let before: GateRow = gate_items::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or(CultivationError::NotFound)?;
    let after: GateRow = diesel::update(gate_items::table.find(id))
        .set((
            gate_items::label_zh.eq(label_zh.trim()),
            gate_items::label_en.eq(label_en.trim()),
            gate_items::position.eq(position),
            gate_items::active.eq(active),
        ))
        .returning(gate_items::all_columns)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "gate_item.update",
            entity: "gate_item",
            entity_id: Some(before.key.clone()),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
            ..Default::default()
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------- facts and gates

/// What the automatic checks read for `e` today.
pub fn facts(
    conn: &mut DbConnection,
    e: &Enterprise,
    today: NaiveDate,
) -> QueryResult<CultivationFacts> {
    let passing_rubric: bool = diesel::select(diesel::dsl::exists(
        rubric_results::table
            .filter(rubric_results::enterprise_id.eq(e.id))
            .filter(rubric_results::passed.eq(true))
            .filter(rubric_results::year.ge(today.year() - 2)),
    ))
    .get_result(conn)?;
    let intermediaries = intermediaries(conn, e.id)?
        .into_iter()
        .map(|i| i.kind)
        .collect();
    Ok(CultivationFacts {
        company_type: e.company_type,
        level: e.level(),
        passing_rubric,
        board_tier: e.tier(),
        intermediaries,
        target_board: e.target(),
        days_in_step: e
            .step_since
            .map_or(0, |d| cultivation::days_since(d, today)),
    })
}

/// A staff tick as stored.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Tick {
    pub id: i32,
    pub enterprise_id: i32,
    pub item_key: String,
    pub evidence: String,
    pub document_ref: String,
    pub ticked_by: Option<i32>,
    pub ticked_at: NaiveDateTime,
}

impl Tick {
    /// The evidence the domain weighs: the note and the document reference together.
    fn as_manual(&self) -> ManualTick {
        let evidence = [self.evidence.trim(), self.document_ref.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        ManualTick {
            key: self.item_key.clone(),
            evidence,
        }
    }
}

/// The ticks on an enterprise's checklist items.
pub fn ticks(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<Tick>> {
    gate_ticks::table
        .filter(gate_ticks::enterprise_id.eq(enterprise_id))
        .order(gate_ticks::id)
        .load(conn)
}

/// The checklist guarding `target` for `e`, as it stands today.
pub fn gate_for(
    conn: &mut DbConnection,
    e: &Enterprise,
    target: Step,
    today: NaiveDate,
) -> QueryResult<GateStatus> {
    let items = gate_items(conn)?;
    let facts = facts(conn, e, today)?;
    let ticks: Vec<ManualTick> = ticks(conn, e.id)?.iter().map(Tick::as_manual).collect();
    Ok(cultivation::gate_status(&items, target, &facts, &ticks))
}

/// Ticks a manual item for an enterprise with evidence (a note and/or a document
/// reference; at least one), replacing an earlier tick on the same item.
pub fn tick(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    key: &str,
    evidence: &str,
    document_ref: &str,
) -> Result<(), CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    let manual = gate_items(conn)?
        .into_iter()
        .any(|i| i.key == key && i.kind == GateKind::Manual);
    if !manual {
        return Err(CultivationError::Invalid("item", "cultivation.not_manual"));
    }
    if evidence.trim().is_empty() && document_ref.trim().is_empty() {
        return Err(CultivationError::Invalid(
            "evidence",
            "cultivation.evidence_needed",
        ));
    }
    diesel::delete(
        gate_ticks::table
            .filter(gate_ticks::enterprise_id.eq(enterprise_id))
            .filter(gate_ticks::item_key.eq(key)),
    )
    .execute(conn)?;
    diesel::insert_into(gate_ticks::table)
        .values((
            gate_ticks::enterprise_id.eq(enterprise_id),
            gate_ticks::item_key.eq(key),
            gate_ticks::evidence.eq(evidence.trim()),
            gate_ticks::document_ref.eq(document_ref.trim()),
            gate_ticks::ticked_by.eq(actor.user_id),
            gate_ticks::ticked_at.eq(super::now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "gate.tick",
            entity: "enterprise",
            entity_id: Some(enterprise_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            after: Some(serde_json::json!({
                "item": key, "evidence": evidence.trim(), "document_ref": document_ref.trim(),
            })),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Withdraws a tick.
pub fn untick(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    key: &str,
) -> Result<(), CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    let removed: Vec<Tick> = diesel::delete(
        gate_ticks::table
            .filter(gate_ticks::enterprise_id.eq(enterprise_id))
            .filter(gate_ticks::item_key.eq(key)),
    )
    .returning(gate_ticks::all_columns)
    .get_results(conn)?;
    let Some(before) = removed.into_iter().next() else {
        return Err(CultivationError::NotFound);
    };
    audit::record(
        conn,
        actor,
        Change {
            action: "gate.untick",
            entity: "enterprise",
            entity_id: Some(enterprise_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            before: audit::snapshot(&before),
            ..Default::default()
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------- moves

/// Puts the enterprise at `to`: its row, its queue place when the stage changes, the
/// timeline row, and the audit entry. The caller has checked the move.
fn apply_step(
    conn: &mut DbConnection,
    actor: &Actor,
    e: &Enterprise,
    to: Step,
    reason: &str,
    proposal_id: Option<i32>,
    today: NaiveDate,
) -> QueryResult<()> {
    let from = e.step();
    let stage = stage_key(to);
    let stage_changed = e.cultivation_stage.as_deref() != Some(stage);
    let queue_order = if to.is_active() {
        if stage_changed {
            let last: Option<i32> = enterprises::table
                .filter(enterprises::cultivation_stage.eq(stage))
                .select(diesel::dsl::max(enterprises::queue_order))
                .first(conn)?;
            Some(last.unwrap_or(0) + 1)
        } else {
            e.queue_order
        }
    } else {
        None
    };
    let stage_since = if stage_changed {
        Some(today)
    } else {
        e.stage_since
    };
    diesel::update(enterprises::table.find(e.id))
        .set((
            enterprises::cultivation_step.eq(to.as_str()),
            enterprises::cultivation_stage.eq(stage),
            enterprises::stage_since.eq(stage_since),
            enterprises::step_since.eq(today),
            enterprises::queue_order.eq(queue_order),
        ))
        .execute(conn)?;
    diesel::insert_into(cultivation_events::table)
        .values((
            cultivation_events::enterprise_id.eq(e.id),
            cultivation_events::step_from.eq(from.map(Step::as_str)),
            cultivation_events::step_to.eq(to.as_str()),
            cultivation_events::stage_to.eq(stage),
            cultivation_events::reason.eq(reason.trim()),
            cultivation_events::proposal_id.eq(proposal_id),
            cultivation_events::effective_on.eq(today),
            cultivation_events::recorded_by.eq(actor.user_id),
            cultivation_events::recorded_at.eq(super::now()),
        ))
        .execute(conn)?;
    Enterprise::touch(conn, e.id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "cultivation.move",
            entity: "enterprise",
            entity_id: Some(e.id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            before: Some(serde_json::json!({ "step": from })),
            after: Some(serde_json::json!({
                "step": to, "reason": reason.trim(), "proposal": proposal_id,
            })),
        },
    )
}

/// Staff discover an enterprise as a listing candidate: it enters the pipeline at
/// potential, which has no entry conditions. (Re-entry after an exit is a proposal.)
pub fn discover(
    conn: &mut DbConnection,
    actor: &Actor,
    role: Role,
    scope: &DataScope,
    enterprise_id: i32,
    note: &str,
    today: NaiveDate,
) -> Result<(), CultivationError> {
    if role != Role::Staff {
        return Err(Refusal::CannotPropose(role).into());
    }
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    match e.step() {
        None => {}
        Some(Step::Exited(_)) => {
            return Err(CultivationError::Invalid(
                "action",
                "cultivation.reenter_by_proposal",
            ));
        }
        Some(_) => {
            return Err(CultivationError::Invalid(
                "action",
                "cultivation.already_in_pipeline",
            ));
        }
    }
    if e.archived_at.is_some() {
        return Err(CultivationError::Invalid(
            "enterprise",
            "cultivation.archived",
        ));
    }
    apply_step(conn, actor, &e, Step::Potential, note, None, today)?;
    Ok(())
}

/// A proposal row with the names a page shows.
#[derive(Debug, Clone, Queryable)]
pub struct ProposalRow {
    pub id: i32,
    pub enterprise_id: i32,
    #[diesel(deserialize_as = String)]
    pub step_from: Step,
    #[diesel(deserialize_as = String)]
    pub step_to: Step,
    pub reason: String,
    pub comment: String,
    pub gate_snapshot: String,
    pub status: String,
    pub proposed_by: i32,
    pub proposed_at: NaiveDateTime,
    pub decided_by: Option<i32>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_comment: String,
    pub enterprise_name: String,
    pub district_code: String,
    pub proposer_name: String,
}

impl ProposalRow {
    /// The checklist as it stood when proposed.
    pub fn snapshot(&self) -> Option<GateStatus> {
        serde_json::from_str(&self.gate_snapshot).ok()
    }

    /// Whether it is an exit proposal.
    pub fn is_exit(&self) -> bool {
        matches!(self.step_to, Step::Exited(_))
    }

    /// Whether it still waits for a decision.
    pub fn is_pending(&self) -> bool {
        self.status == "pending"
    }
}

macro_rules! proposal_query {
    ($scope:expr) => {{
        let q = cultivation_proposals::table
            .inner_join(enterprises::table)
            .inner_join(users::table.on(users::id.eq(cultivation_proposals::proposed_by)))
            .select((
                cultivation_proposals::all_columns,
                enterprises::name,
                enterprises::district_code,
                users::display_name,
            ))
            .into_boxed();
        filter_scope!(q, $scope)
    }};
}

type ProposalTuple = (
    (
        i32,
        i32,
        String,
        String,
        String,
        String,
        String,
        String,
        i32,
        NaiveDateTime,
        Option<i32>,
        Option<NaiveDateTime>,
        String,
    ),
    String,
    String,
    String,
);

fn proposal_row(t: ProposalTuple) -> Option<ProposalRow> {
    let (p, enterprise_name, district_code, proposer_name) = t;
    Some(ProposalRow {
        id: p.0,
        enterprise_id: p.1,
        step_from: p.2.parse().ok()?,
        step_to: p.3.parse().ok()?,
        reason: p.4,
        comment: p.5,
        gate_snapshot: p.6,
        status: p.7,
        proposed_by: p.8,
        proposed_at: p.9,
        decided_by: p.10,
        decided_at: p.11,
        decision_comment: p.12,
        enterprise_name,
        district_code,
        proposer_name,
    })
}

/// One proposal in scope.
pub fn proposal(
    conn: &mut DbConnection,
    scope: &DataScope,
    id: i32,
) -> QueryResult<Option<ProposalRow>> {
    let rows: Vec<ProposalTuple> = proposal_query!(scope)
        .filter(cultivation_proposals::id.eq(id))
        .load(conn)?;
    Ok(rows.into_iter().next().and_then(proposal_row))
}

/// Proposals in scope with this status (any when `None`), newest first, a page of
/// `limit` after the keyset cursor `before` (an id).
pub fn proposals(
    conn: &mut DbConnection,
    scope: &DataScope,
    status: Option<&str>,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<ProposalRow>> {
    let mut q = proposal_query!(scope);
    if let Some(s) = status {
        q = q.filter(cultivation_proposals::status.eq(s.to_string()));
    }
    if let Some(b) = before {
        q = q.filter(cultivation_proposals::id.lt(b));
    }
    let rows: Vec<ProposalTuple> = q
        .order(cultivation_proposals::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().filter_map(proposal_row).collect())
}

/// Proposals `proposer` made that were returned since `since`, in scope, newest
/// decision first (at most `limit`), leaving out those whose enterprise has a newer
/// proposal (already answered by proposing again).
pub fn returned_to(
    conn: &mut DbConnection,
    scope: &DataScope,
    proposer: i32,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ProposalRow>> {
    let newer = diesel::alias!(cultivation_proposals as newer);
    let rows: Vec<ProposalTuple> = proposal_query!(scope)
        .filter(cultivation_proposals::status.eq("returned"))
        .filter(cultivation_proposals::proposed_by.eq(proposer))
        .filter(cultivation_proposals::decided_at.ge(since))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            newer
                .filter(
                    newer
                        .field(cultivation_proposals::enterprise_id)
                        .eq(cultivation_proposals::enterprise_id),
                )
                .filter(
                    newer
                        .field(cultivation_proposals::id)
                        .gt(cultivation_proposals::id),
                ),
        )))
        .order(cultivation_proposals::decided_at.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().filter_map(proposal_row).collect())
}

/// How many proposals wait for a decision, in scope (the enterprise table is joined
/// only to apply a limited scope).
pub fn pending_count(conn: &mut DbConnection, scope: &DataScope) -> QueryResult<i64> {
    if *scope == DataScope::All {
        return cultivation_proposals::table
            .filter(cultivation_proposals::status.eq("pending"))
            .count()
            .get_result(conn);
    }
    let q = cultivation_proposals::table
        .inner_join(enterprises::table)
        .filter(cultivation_proposals::status.eq("pending"))
        .select(diesel::dsl::count_star())
        .into_boxed();
    filter_scope!(q, scope).first(conn)
}

/// An enterprise's proposals, newest first.
pub fn proposals_of(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<ProposalRow>> {
    let rows: Vec<ProposalTuple> = proposal_query!(&DataScope::Enterprise(enterprise_id))
        .order(cultivation_proposals::id.desc())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(proposal_row).collect())
}

/// Staff propose a move for an enterprise: checked against the table and (for
/// advances and re-entry) the target's checklist now, which is stored with it.
/// Returns the proposal id.
#[allow(clippy::too_many_arguments)]
pub fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    role: Role,
    scope: &DataScope,
    enterprise_id: i32,
    action: &ProposalAction,
    comment: &str,
    today: NaiveDate,
) -> Result<i32, CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    let Some(current) = e.step() else {
        return Err(CultivationError::Invalid(
            "action",
            "cultivation.not_in_pipeline_error",
        ));
    };
    let waiting: bool = diesel::select(diesel::dsl::exists(
        cultivation_proposals::table
            .filter(cultivation_proposals::enterprise_id.eq(enterprise_id))
            .filter(cultivation_proposals::status.eq("pending")),
    ))
    .get_result(conn)?;
    if waiting {
        return Err(CultivationError::Invalid(
            "action",
            "cultivation.already_pending",
        ));
    }
    // The checklist of where the move leads; an invalid move is refused by the table
    // before the checklist matters.
    let to = cultivation::transition(current, action)?;
    let gate = gate_for(conn, &e, to, today)?;
    cultivation::propose(role, current, action, &gate)?;
    let reason = match action {
        ProposalAction::Exit(_, r) => r.trim().to_string(),
        _ => String::new(),
    };
    let id: i32 = diesel::insert_into(cultivation_proposals::table)
        .values((
            cultivation_proposals::enterprise_id.eq(enterprise_id),
            cultivation_proposals::step_from.eq(current.as_str()),
            cultivation_proposals::step_to.eq(to.as_str()),
            cultivation_proposals::reason.eq(&reason),
            cultivation_proposals::comment.eq(comment.trim()),
            cultivation_proposals::gate_snapshot
                .eq(serde_json::to_string(&gate).unwrap_or_default()),
            cultivation_proposals::status.eq("pending"),
            cultivation_proposals::proposed_by.eq(actor.user_id.unwrap_or_default()),
            cultivation_proposals::proposed_at.eq(super::now()),
        ))
        .returning(cultivation_proposals::id)
        .get_result(conn)
        .map_err(|e| match e {
            // Another proposal for it landed between the check above and this insert
            // (possible on PostgreSQL): the same refusal, said the same way.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => CultivationError::Invalid("action", "cultivation.already_pending"),
            other => other.into(),
        })?;
    audit::record(
        conn,
        actor,
        Change {
            action: "cultivation.propose",
            entity: "proposal",
            entity_id: Some(id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            after: Some(serde_json::json!({
                "from": current, "to": to, "reason": reason, "comment": comment.trim(),
                "gate_open": gate.is_open(),
            })),
            ..Default::default()
        },
    )?;
    Ok(id)
}

/// An official decides on a proposal: approval re-checks the move against the record
/// now and moves the enterprise; a return needs a comment and changes nothing else.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    role: Role,
    scope: &DataScope,
    proposal_id: i32,
    decision: Decision,
    comment: &str,
    today: NaiveDate,
) -> Result<Outcome, CultivationError> {
    let p = proposal(conn, scope, proposal_id)?.ok_or(CultivationError::NotFound)?;
    if !p.is_pending() {
        return Err(CultivationError::Conflict);
    }
    let e = enterprise_in_scope(conn, scope, p.enterprise_id)?;
    let current = e.step().ok_or(CultivationError::NotFound)?;
    let action = ProposalAction::toward(p.step_to, &p.reason);
    let gate = gate_for(conn, &e, p.step_to, today)?;
    let domain_proposal = Proposal {
        by: p.proposed_by,
        from: p.step_from,
        action: action.clone(),
    };
    let outcome = cultivation::decide(
        actor.user_id.unwrap_or_default(),
        role,
        &domain_proposal,
        current,
        decision,
        comment,
        &gate,
    )?;
    let status = match outcome {
        Outcome::Moved(_) => "approved",
        Outcome::Returned => "returned",
    };
    // Only a still-pending row is decided: two officials answering at once cannot both win.
    let n = diesel::update(
        cultivation_proposals::table
            .filter(cultivation_proposals::id.eq(proposal_id))
            .filter(cultivation_proposals::status.eq("pending")),
    )
    .set((
        cultivation_proposals::status.eq(status),
        cultivation_proposals::decided_by.eq(actor.user_id),
        cultivation_proposals::decided_at.eq(super::now()),
        cultivation_proposals::decision_comment.eq(comment.trim()),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(CultivationError::Conflict);
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "cultivation.decide",
            entity: "proposal",
            entity_id: Some(proposal_id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            after: Some(serde_json::json!({
                "decision": decision, "comment": comment.trim(), "to": p.step_to,
            })),
            ..Default::default()
        },
    )?;
    super::notification::proposal_decided(
        conn,
        p.proposed_by,
        proposal_id,
        matches!(outcome, Outcome::Moved(_)),
        e.id,
        &e.name,
        p.step_to.as_str(),
        comment,
    )?;
    if let Outcome::Moved(to) = outcome {
        let reason = if p.reason.is_empty() {
            p.comment.clone()
        } else {
            p.reason.clone()
        };
        apply_step(conn, actor, &e, to, &reason, Some(proposal_id), today)?;
    }
    Ok(outcome)
}

/// A timeline row.
#[derive(Debug, Clone, Queryable)]
pub struct Event {
    pub id: i32,
    pub enterprise_id: i32,
    pub step_from: Option<String>,
    pub step_to: String,
    pub stage_to: String,
    pub reason: String,
    pub proposal_id: Option<i32>,
    pub effective_on: NaiveDate,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// An enterprise's moves, newest first.
pub fn events(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<Event>> {
    cultivation_events::table
        .filter(cultivation_events::enterprise_id.eq(enterprise_id))
        .order(cultivation_events::id.desc())
        .load(conn)
}

// ---------------------------------------------------------------- plan

/// The plan: valuation, raise and dates (定价), the counsellor; the target board
/// (定板) lives on the enterprise row.
#[derive(Debug, Clone, Default, Queryable, Serialize)]
pub struct Plan {
    pub enterprise_id: i32,
    pub valuation: Option<i64>,
    pub valuation_on: Option<NaiveDate>,
    pub planned_raise: Option<i64>,
    pub planned_filing_on: Option<NaiveDate>,
    pub planned_listing_on: Option<NaiveDate>,
    pub counsellor_id: Option<i32>,
    pub note: String,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<i32>,
    /// 0 while no plan is stored.
    pub version: i32,
}

/// What the plan form sets, already parsed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanData {
    pub target_board: Option<TargetBoard>,
    pub valuation: Option<i64>,
    pub valuation_on: Option<NaiveDate>,
    pub planned_raise: Option<i64>,
    pub planned_filing_on: Option<NaiveDate>,
    pub planned_listing_on: Option<NaiveDate>,
    pub counsellor_id: Option<i32>,
    pub note: String,
}

/// A `cultivation_plans` row as loaded.
type PlanRow = (
    i32,
    Option<i64>,
    Option<NaiveDate>,
    Option<i64>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i32>,
    String,
    NaiveDateTime,
    Option<i32>,
    i32,
);

/// The enterprise's plan; an empty one (version 0) when none is stored.
pub fn plan(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Plan> {
    let row: Option<PlanRow> = super::only(
        cultivation_plans::table.filter(cultivation_plans::enterprise_id.eq(enterprise_id)),
        conn,
    )?;
    Ok(row.map_or(
        Plan {
            enterprise_id,
            ..Default::default()
        },
        |r| Plan {
            enterprise_id: r.0,
            valuation: r.1,
            valuation_on: r.2,
            planned_raise: r.3,
            planned_filing_on: r.4,
            planned_listing_on: r.5,
            counsellor_id: r.6,
            note: r.7,
            updated_at: Some(r.8),
            updated_by: r.9,
            version: r.10,
        },
    ))
}

/// Saves the plan if nobody saved it since `version` (0: nobody ever had).
pub fn save_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    version: i32,
    data: &PlanData,
) -> Result<(), CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    let before = plan(conn, enterprise_id)?;
    if before.version != version {
        return Err(CultivationError::Conflict);
    }
    if let Some(c) = data.counsellor_id {
        let ok: bool = diesel::select(diesel::dsl::exists(
            users::table
                .filter(users::id.eq(c))
                .filter(users::role.eq(Role::Staff.as_str()))
                .filter(users::disabled.eq(false)),
        ))
        .get_result(conn)?;
        if !ok {
            return Err(CultivationError::Invalid(
                "counsellor_id",
                "cultivation.counsellor_error",
            ));
        }
    }
    let now = super::now();
    let values = (
        cultivation_plans::valuation.eq(data.valuation),
        cultivation_plans::valuation_on.eq(data.valuation_on),
        cultivation_plans::planned_raise.eq(data.planned_raise),
        cultivation_plans::planned_filing_on.eq(data.planned_filing_on),
        cultivation_plans::planned_listing_on.eq(data.planned_listing_on),
        cultivation_plans::counsellor_id.eq(data.counsellor_id),
        cultivation_plans::note.eq(data.note.trim()),
        cultivation_plans::updated_at.eq(now),
        cultivation_plans::updated_by.eq(actor.user_id),
        cultivation_plans::version.eq(version + 1),
    );
    if version == 0 {
        diesel::insert_into(cultivation_plans::table)
            .values((cultivation_plans::enterprise_id.eq(enterprise_id), values))
            .execute(conn)?;
    } else {
        let n = diesel::update(
            cultivation_plans::table
                .filter(cultivation_plans::enterprise_id.eq(enterprise_id))
                .filter(cultivation_plans::version.eq(version)),
        )
        .set(values)
        .execute(conn)?;
        if n != 1 {
            return Err(CultivationError::Conflict);
        }
    }
    diesel::update(enterprises::table.find(enterprise_id))
        .set(enterprises::target_board.eq(data.target_board.map(TargetBoard::as_str)))
        .execute(conn)?;
    Enterprise::touch(conn, enterprise_id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "cultivation.plan",
            entity: "enterprise",
            entity_id: Some(enterprise_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            before: Some(serde_json::json!({ "target_board": e.target_board, "plan": before })),
            after: audit::snapshot(data),
        },
    )?;
    Ok(())
}

/// An engaged intermediary with the partner's name.
#[derive(Debug, Clone)]
pub struct Intermediary {
    pub kind: IntermediaryKind,
    pub partner_id: i32,
    pub partner_name: String,
    pub engaged_on: NaiveDate,
}

/// The intermediaries an enterprise has engaged, in form order.
pub fn intermediaries(
    conn: &mut DbConnection,
    enterprise_id: i32,
) -> QueryResult<Vec<Intermediary>> {
    let rows: Vec<(String, i32, String, NaiveDate)> = cultivation_intermediaries::table
        .inner_join(partners::table)
        .filter(cultivation_intermediaries::enterprise_id.eq(enterprise_id))
        .select((
            cultivation_intermediaries::kind,
            cultivation_intermediaries::partner_id,
            partners::name,
            cultivation_intermediaries::engaged_on,
        ))
        .load(conn)?;
    let mut out: Vec<Intermediary> = rows
        .into_iter()
        .filter_map(|(k, partner_id, partner_name, engaged_on)| {
            Some(Intermediary {
                kind: k.parse().ok()?,
                partner_id,
                partner_name,
                engaged_on,
            })
        })
        .collect();
    out.sort_by_key(|i| IntermediaryKind::ALL.iter().position(|k| *k == i.kind));
    Ok(out)
}

/// Active partners that can serve as `kind`: (id, name), by name.
pub fn partner_choices(
    conn: &mut DbConnection,
    kind: IntermediaryKind,
) -> QueryResult<Vec<(i32, String)>> {
    Ok(Partner::for_kind(conn, kind)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// Engages (or replaces, or with `None` releases) the intermediary of `kind`.
pub fn set_intermediary(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    kind: IntermediaryKind,
    partner_id: Option<i32>,
    engaged_on: NaiveDate,
) -> Result<(), CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    if let Some(p) = partner_id {
        let fits = Partner::find(conn, p)?.is_some_and(|p| p.active && p.kind.serves(kind));
        if !fits {
            return Err(CultivationError::Invalid(
                "partner_id",
                "cultivation.partner_kind",
            ));
        }
    }
    let before = intermediaries(conn, enterprise_id)?
        .into_iter()
        .find(|i| i.kind == kind)
        .map(|i| i.partner_name);
    diesel::delete(
        cultivation_intermediaries::table
            .filter(cultivation_intermediaries::enterprise_id.eq(enterprise_id))
            .filter(cultivation_intermediaries::kind.eq(kind.as_str())),
    )
    .execute(conn)?;
    if let Some(p) = partner_id {
        diesel::insert_into(cultivation_intermediaries::table)
            .values((
                cultivation_intermediaries::enterprise_id.eq(enterprise_id),
                cultivation_intermediaries::kind.eq(kind.as_str()),
                cultivation_intermediaries::partner_id.eq(p),
                cultivation_intermediaries::engaged_on.eq(engaged_on),
                cultivation_intermediaries::recorded_by.eq(actor.user_id),
                cultivation_intermediaries::recorded_at.eq(super::now()),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "cultivation.intermediary",
            entity: "enterprise",
            entity_id: Some(enterprise_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            before: Some(serde_json::json!({ "kind": kind, "partner": before })),
            after: Some(
                serde_json::json!({ "kind": kind, "partner_id": partner_id, "engaged_on": engaged_on }),
            ),
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------- queue (定序)

/// Moves an enterprise one place up (`up`) or down in the queue of its stage by
/// swapping places with its neighbour. Nothing happens at either end.
pub fn move_in_queue(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    up: bool,
) -> Result<(), CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    let (Some(stage), Some(order)) = (e.cultivation_stage.clone(), e.queue_order) else {
        return Err(CultivationError::Invalid("queue", "cultivation.not_queued"));
    };
    // The neighbour in the whole queue, not only in the caller's districts: the
    // queue is one order for the city.
    let base = enterprises::table
        .filter(enterprises::cultivation_stage.eq(stage.clone()))
        .select((enterprises::id, enterprises::queue_order))
        .into_boxed();
    let neighbour: Option<(i32, Option<i32>)> = if up {
        base.filter(enterprises::queue_order.lt(order))
            .order(enterprises::queue_order.desc())
            .first(conn)
            .optional()?
    } else {
        base.filter(enterprises::queue_order.gt(order))
            .order(enterprises::queue_order.asc())
            .first(conn)
            .optional()?
    };
    let Some((other_id, Some(other_order))) = neighbour else {
        return Ok(());
    };
    diesel::update(enterprises::table.find(other_id))
        .set(enterprises::queue_order.eq(order))
        .execute(conn)?;
    diesel::update(enterprises::table.find(enterprise_id))
        .set(enterprises::queue_order.eq(other_order))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "cultivation.queue",
            entity: "enterprise",
            entity_id: Some(enterprise_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            before: Some(serde_json::json!({ "stage": stage, "order": order })),
            after: Some(
                serde_json::json!({ "stage": stage, "order": other_order, "swapped_with": other_id }),
            ),
        },
    )?;
    Ok(())
}

/// An enterprise's place in its stage's queue (1-based) and the queue's length.
pub fn queue_position(conn: &mut DbConnection, e: &Enterprise) -> QueryResult<Option<(i64, i64)>> {
    let (Some(stage), Some(order)) = (e.cultivation_stage.clone(), e.queue_order) else {
        return Ok(None);
    };
    let ahead: i64 = enterprises::table
        .filter(enterprises::cultivation_stage.eq(stage.clone()))
        .filter(enterprises::queue_order.lt(order))
        .count()
        .get_result(conn)?;
    let total: i64 = enterprises::table
        .filter(enterprises::cultivation_stage.eq(stage))
        .filter(enterprises::queue_order.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(Some((ahead + 1, total)))
}

// ---------------------------------------------------------------- tasks

/// A task with the names a list shows.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: i32,
    pub enterprise_id: i32,
    pub step: Step,
    pub title: String,
    pub owner_id: i32,
    pub due_on: NaiveDate,
    pub done: bool,
    pub done_on: Option<NaiveDate>,
    pub version: i32,
    pub owner_name: String,
    pub enterprise_name: String,
    /// Open and past its due date.
    pub overdue: bool,
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy)]
pub enum TaskFilter {
    /// One enterprise's tasks, open first.
    Enterprise(i32),
    /// One person's open tasks, due first.
    OwnerOpen(i32),
    /// Every open task past its due date, in scope.
    Overdue,
}

/// Tasks matching `filter` in scope (at most `limit`), with overdue flags for `today`.
pub fn tasks(
    conn: &mut DbConnection,
    scope: &DataScope,
    filter: TaskFilter,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let q = cultivation_tasks::table
        .inner_join(enterprises::table)
        .inner_join(users::table.on(users::id.eq(cultivation_tasks::owner_id)))
        .select((
            (
                cultivation_tasks::id,
                cultivation_tasks::enterprise_id,
                cultivation_tasks::step,
                cultivation_tasks::title,
                cultivation_tasks::owner_id,
                cultivation_tasks::due_on,
                cultivation_tasks::status,
                cultivation_tasks::done_on,
                cultivation_tasks::version,
            ),
            users::display_name,
            enterprises::name,
        ))
        .into_boxed();
    let mut q = filter_scope!(q, scope);
    q = match filter {
        TaskFilter::Enterprise(id) => q.filter(cultivation_tasks::enterprise_id.eq(id)).order((
            cultivation_tasks::status.desc(),
            cultivation_tasks::due_on.asc(),
            cultivation_tasks::id.asc(),
        )),
        TaskFilter::OwnerOpen(owner) => q
            .filter(cultivation_tasks::owner_id.eq(owner))
            .filter(cultivation_tasks::status.eq("open"))
            .order((cultivation_tasks::due_on.asc(), cultivation_tasks::id.asc())),
        TaskFilter::Overdue => q
            .filter(cultivation_tasks::status.eq("open"))
            .filter(cultivation_tasks::due_on.lt(today))
            .order((cultivation_tasks::due_on.asc(), cultivation_tasks::id.asc())),
    };
    type Row = (
        (
            i32,
            i32,
            String,
            String,
            i32,
            NaiveDate,
            String,
            Option<NaiveDate>,
            i32,
        ),
        String,
        String,
    );
    let rows: Vec<Row> = q.limit(limit).load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(t, owner_name, enterprise_name)| {
            let done = t.6 == "done";
            Some(TaskRow {
                id: t.0,
                enterprise_id: t.1,
                step: t.2.parse().ok()?,
                title: t.3,
                owner_id: t.4,
                due_on: t.5,
                done,
                done_on: t.7,
                version: t.8,
                owner_name,
                enterprise_name,
                overdue: !done && t.5 < today,
            })
        })
        .collect())
}

/// Open tasks past due in scope.
pub fn overdue_count(
    conn: &mut DbConnection,
    scope: &DataScope,
    today: NaiveDate,
) -> QueryResult<i64> {
    let q = cultivation_tasks::table
        .inner_join(enterprises::table)
        .filter(cultivation_tasks::status.eq("open"))
        .filter(cultivation_tasks::due_on.lt(today))
        .select(diesel::dsl::count_star())
        .into_boxed();
    filter_scope!(q, scope).first(conn)
}

/// A new task, already checked.
#[derive(Debug, Clone, Serialize)]
pub struct NewTask {
    pub title: String,
    pub owner_id: i32,
    pub due_on: NaiveDate,
}

/// Adds a task at the enterprise's current step; the owner must be active staff or admin.
pub fn add_task(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    task: &NewTask,
) -> Result<i32, CultivationError> {
    let e = enterprise_in_scope(conn, scope, enterprise_id)?;
    let step = e.step().ok_or(CultivationError::Invalid(
        "title",
        "cultivation.not_in_pipeline_error",
    ))?;
    let owner_ok: bool = diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::id.eq(task.owner_id))
            .filter(users::role.eq_any([Role::Staff.as_str(), Role::Admin.as_str()]))
            .filter(users::disabled.eq(false)),
    ))
    .get_result(conn)?;
    if !owner_ok {
        return Err(CultivationError::Invalid("owner_id", "cultivation.owner"));
    }
    let now = super::now();
    let id: i32 = diesel::insert_into(cultivation_tasks::table)
        .values((
            cultivation_tasks::enterprise_id.eq(enterprise_id),
            cultivation_tasks::step.eq(step.as_str()),
            cultivation_tasks::title.eq(task.title.trim()),
            cultivation_tasks::owner_id.eq(task.owner_id),
            cultivation_tasks::due_on.eq(task.due_on),
            cultivation_tasks::status.eq("open"),
            cultivation_tasks::created_by.eq(actor.user_id),
            cultivation_tasks::created_at.eq(now),
            cultivation_tasks::updated_at.eq(now),
            cultivation_tasks::version.eq(1),
        ))
        .returning(cultivation_tasks::id)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "task.add",
            entity: "task",
            entity_id: Some(id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code),
            after: audit::snapshot(task),
            ..Default::default()
        },
    )?;
    Ok(id)
}

/// Marks a task done or open again, if nobody changed it since `version`.
/// Returns the enterprise it belongs to.
pub fn set_task_done(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    task_id: i32,
    version: i32,
    done: bool,
    today: NaiveDate,
) -> Result<i32, CultivationError> {
    let q = cultivation_tasks::table
        .inner_join(enterprises::table)
        .filter(cultivation_tasks::id.eq(task_id))
        .select((cultivation_tasks::enterprise_id, enterprises::district_code))
        .into_boxed();
    let found: Option<(i32, String)> = filter_scope!(q, scope).first(conn).optional()?;
    let (enterprise_id, district) = found.ok_or(CultivationError::NotFound)?;
    let n = diesel::update(
        cultivation_tasks::table
            .filter(cultivation_tasks::id.eq(task_id))
            .filter(cultivation_tasks::version.eq(version)),
    )
    .set((
        cultivation_tasks::status.eq(if done { "done" } else { "open" }),
        cultivation_tasks::done_on.eq(done.then_some(today)),
        cultivation_tasks::updated_at.eq(super::now()),
        cultivation_tasks::version.eq(version + 1),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(CultivationError::Conflict);
    }
    audit::record(
        conn,
        actor,
        Change {
            action: if done { "task.done" } else { "task.reopen" },
            entity: "task",
            entity_id: Some(task_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(district),
            ..Default::default()
        },
    )?;
    Ok(enterprise_id)
}

/// Accounts that may own tasks or counsel: active staff (and admins for tasks):
/// (id, display name, role).
pub fn staff_choices(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String, String)>> {
    users::table
        .filter(users::role.eq_any([Role::Staff.as_str(), Role::Admin.as_str()]))
        .filter(users::disabled.eq(false))
        .order((users::role.desc(), users::display_name))
        .select((users::id, users::display_name, users::role))
        .load(conn)
}

// ---------------------------------------------------------------- plan targets

/// A year's target for a stage: how many enterprises should reach it that year.
#[derive(Debug, Clone, Queryable)]
pub struct Target {
    pub year: i32,
    pub stage: String,
    pub target: i32,
    pub updated_by: Option<i32>,
    pub updated_at: NaiveDateTime,
}

/// Every stored target, by year.
pub fn targets(conn: &mut DbConnection) -> QueryResult<Vec<Target>> {
    plan_targets::table
        .order((plan_targets::year, plan_targets::stage))
        .load(conn)
}

/// Sets a year's targets (one per stage; `None` removes the target).
pub fn set_targets(
    conn: &mut DbConnection,
    actor: &Actor,
    year: i32,
    values: &[(Stage, Option<i32>)],
) -> QueryResult<()> {
    let before: Vec<(String, i32)> = plan_targets::table
        .filter(plan_targets::year.eq(year))
        .select((plan_targets::stage, plan_targets::target))
        .load(conn)?;
    diesel::delete(plan_targets::table.filter(plan_targets::year.eq(year))).execute(conn)?;
    let now = super::now();
    for (stage, target) in values {
        if let Some(t) = target {
            diesel::insert_into(plan_targets::table)
                .values((
                    plan_targets::year.eq(year),
                    plan_targets::stage.eq(stage.as_str()),
                    plan_targets::target.eq(*t),
                    plan_targets::updated_by.eq(actor.user_id),
                    plan_targets::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "plan_targets.set",
            entity: "plan_targets",
            entity_id: Some(year.to_string()),
            before: Some(serde_json::json!(before)),
            after: Some(serde_json::json!(
                values
                    .iter()
                    .map(|(s, t)| (s.as_str(), t))
                    .collect::<Vec<_>>()
            )),
            ..Default::default()
        },
    )
}

/// Actuals per year and stage for `years`: how many times enterprises in scope entered
/// the stage during the year (a move to its first step), from the timeline. Grouped in
/// SQL by day over an index; the enterprise table is joined only to apply a scope.
pub fn actuals(
    conn: &mut DbConnection,
    scope: &DataScope,
    years: std::ops::RangeInclusive<i32>,
) -> QueryResult<Vec<(i32, Stage, i64)>> {
    use cultivation_events as ev;
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(*years.start(), 1, 1),
        NaiveDate::from_ymd_opt(*years.end(), 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    let entries: Vec<&str> = Stage::ALL.iter().map(|s| s.entry().as_str()).collect();
    let rows: Vec<(String, NaiveDate, i64)> = if *scope == DataScope::All {
        ev::table
            .filter(ev::step_to.eq_any(entries))
            .filter(ev::effective_on.between(from, to))
            .group_by((ev::step_to, ev::effective_on))
            .select((ev::step_to, ev::effective_on, diesel::dsl::count_star()))
            .load(conn)?
    } else {
        let q = ev::table
            .inner_join(enterprises::table)
            .group_by((ev::step_to, ev::effective_on))
            .select((ev::step_to, ev::effective_on, diesel::dsl::count_star()))
            .into_boxed();
        filter_scope!(q, scope)
            .filter(ev::step_to.eq_any(entries))
            .filter(ev::effective_on.between(from, to))
            .load(conn)?
    };
    let mut counts: std::collections::BTreeMap<(i32, Stage), i64> = Default::default();
    for (step, on, n) in rows {
        if let Some(stage) = step.parse::<Step>().ok().and_then(Step::stage) {
            *counts.entry((on.year(), stage)).or_default() += n;
        }
    }
    Ok(counts.into_iter().map(|((y, s), n)| (y, s, n)).collect())
}
