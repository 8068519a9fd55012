//! Demo data: one account per role (and a district-limited official) with known
//! passwords, and a realistic set of Qingdao enterprises (the seed's 16 national,
//! 104 provincial and 515 municipal SRDI enterprises, innovative SMEs and untitled
//! ones) with titles, board history, four years of annual data and stored rubric
//! results, development-index data for each of those years (entered values, expert
//! panels' scores for the provincial and national ones, with a few assignments still
//! open for `expert`) and scores computed for every period, and their IPO cultivation: partner institutions, a third of the
//! enterprises in the pipeline with their timelines, proposals (some waiting for the
//! official), checklist ticks, intermediaries, plans, the staff counsellor's tasks and
//! the three-year plan's targets. `--enterprises N` makes a bigger set of the same
//! shape for benchmarks.
//!
//! Idempotent: when the enterprise account's enterprise (the marker) is already
//! there, nothing is generated and only the demo accounts' passwords are reset.

pub mod financing;
pub mod generate;
pub mod index_data;
pub mod names;
pub mod pipeline;
pub mod training;

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};

use crate::auth::password;
use crate::db::{Db, DbConnection, write_transaction};
use crate::domain::assessment;
use crate::domain::cultivation::{Decision, Step};
use crate::domain::district::DistrictCode;
use crate::domain::index::period::Period;
use crate::domain::qualification::Level;
use crate::domain::role::Role;
use crate::domain::rubric::{self, RubricDef};
use crate::domain::username::Username;
use crate::error::AppError;
use crate::models::audit::Actor;
use crate::models::cultivation::stage_key;
use crate::models::enterprise::EnterpriseRef;
use crate::models::seed::{
    self, NewAnnualRow, NewBoardEntryRow, NewCultivationEventRow, NewEnterpriseRow,
    NewIntermediaryRow, NewPartnerRow, NewPlanRow, NewPlanTargetRow, NewProposalRow,
    NewRubricResultRow, NewTaskRow, NewTickRow, NewTitleEventRow, NewTitleRow,
};
use crate::models::seed::{NewAssignmentRow, NewIndexValueRow};
use crate::models::user::{NewUser, User};
use generate::{GenEnterprise, Generator};
use index_data::{GenValue, Panel};
use names::PARTNERS;

/// A demo account as printed at start.
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub password: &'static str,
}

/// A demo account to create.
struct Account {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    password: &'static str,
    /// Bound to the marker enterprise (the enterprise account).
    bound: bool,
    /// Districts a scoped account is limited to.
    districts: &'static [&'static str],
}

const fn account(
    username: &'static str,
    display_name: &'static str,
    role: Role,
    password: &'static str,
) -> Account {
    Account {
        username,
        display_name,
        role,
        password,
        bound: false,
        districts: &[],
    }
}

const ACCOUNTS: [Account; 10] = [
    account("admin", "系统管理员", Role::Admin, "Haier-Bridge-2026"),
    account(
        "staff",
        "王晓燕（专板运营部）",
        Role::Staff,
        "Jiaozhou-Bay-2026",
    ),
    account(
        "official",
        "李建国（市民营经济局）",
        Role::Official,
        "Zhanqiao-Pier-2026",
    ),
    Account {
        districts: &["370212"],
        ..account(
            "laoshan.official",
            "陈静（崂山区工信局）",
            Role::Official,
            "Shilaoren-Beach-2026",
        )
    },
    account(
        "expert",
        "赵明（评审专家）",
        Role::Expert,
        "Laoshan-Peak-2026",
    ),
    account(
        "expert2",
        "孙立群（评审专家）",
        Role::Expert,
        "Fushan-Bay-2026",
    ),
    account(
        "expert3",
        "高文博（评审专家）",
        Role::Expert,
        "Xiaoyu-Hill-2026",
    ),
    account(
        "expert4",
        "周慧敏（评审专家）",
        Role::Expert,
        "Badaguan-Villa-2026",
    ),
    account(
        "expert5",
        "吴振宇（评审专家）",
        Role::Expert,
        "Tangdao-Bay-2026",
    ),
    Account {
        bound: true,
        ..account(
            "enterprise",
            "青岛海纳精密制造",
            Role::Enterprise,
            "Beer-Festival-2026",
        )
    },
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// How many enterprises; `None`: the default Qingdao set.
    pub enterprises: Option<usize>,
    /// The generator's seed.
    pub seed: u64,
    /// Store rubric results (three rubrics per enterprise-year). On for the default
    /// set; for large benchmark sets they cost more than everything else together.
    pub rubric_results: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            enterprises: None,
            seed: generate::DEFAULT_SEED,
            rubric_results: true,
        }
    }
}

/// What a load wrote (nothing when the data was already there).
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub enterprises: usize,
    pub titles: usize,
    pub title_events: usize,
    pub annual_rows: usize,
    pub board_entries: usize,
    pub rubric_results: usize,
    pub partners: usize,
    pub cultivation_events: usize,
    pub proposals: usize,
    pub tasks: usize,
    /// Training events, invitations and registrations.
    pub training_events: usize,
    pub training_invitations: usize,
    pub training_registrations: usize,
    /// Stored index values: entered or imported, and expert panels' figures.
    pub index_values: usize,
    /// Expert assignments with a score.
    pub expert_scores: usize,
    /// Expert assignments still to score.
    pub open_assignments: usize,
    /// Periods whose index scores were computed.
    pub scored_periods: usize,
    pub financing_needs: usize,
    pub financing_referrals: usize,
    pub elapsed: Duration,
}

/// The demo accounts the data names: the staff counsellor who proposes, ticks, owns
/// the tasks and enters index data, the official who decides, the admin who assigns
/// experts and the experts (`expert` first).
#[derive(Debug, Clone, Copy)]
struct Crew {
    staff: i32,
    official: i32,
    admin: i32,
    experts: [i32; index_data::EXPERTS],
}

/// The accounts to print, and what was generated (`None`: already loaded).
pub struct Loaded {
    pub accounts: Vec<DemoAccount>,
    pub generated: Option<LoadReport>,
}

/// Enterprises per write transaction.
const BATCH: usize = 5_000;

/// Today as the app sees it (China Standard Time), so that titles "in force" here
/// are in force on the pages.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Loads the default demo data (or refreshes the accounts) and returns the accounts.
pub fn load(db: &Db) -> Result<Vec<DemoAccount>, AppError> {
    load_with(db, &DemoOptions::default()).map(|l| l.accounts)
}

/// Loads demo data as asked, unless it is already there; then creates the demo
/// accounts or resets their passwords. Refuses to add demo enterprises to a database
/// that has enterprises of its own.
pub fn load_with(db: &Db, opts: &DemoOptions) -> Result<Loaded, AppError> {
    let actor = Actor {
        user_id: None,
        name: "demo".into(),
        ip: "local".into(),
    };
    // Hash outside any transaction: it is slow and needs no lock.
    let hashes: Vec<String> = ACCOUNTS
        .iter()
        .map(|a| password::hash(a.password))
        .collect::<anyhow::Result<_>>()?;
    let marker_code = generate::marker_code()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the demo marker code is invalid")))?;
    let mut conn = db.conn()?;
    let wanted = match EnterpriseRef::by_credit_code(&mut conn, &marker_code)? {
        Some(_) => false,
        None => {
            if seed::enterprise_count(&mut conn)? > 0 {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "this database has enterprises but not the complete demo set (another \
                     site's data, or a demo load that stopped half-way); demo data goes into \
                     an empty database only: use another DATABASE_URL or delete the demo file"
                )));
            }
            true
        }
    };
    // The accounts first (the cultivation data names the staff and the official), the
    // enterprise account last (it belongs to an enterprise the data creates).
    let crew = write_transaction(&mut conn, |conn| {
        let mut ids = HashMap::new();
        for (a, hash) in ACCOUNTS.iter().zip(&hashes).filter(|(a, _)| !a.bound) {
            ids.insert(a.username, ensure_account(conn, &actor, a, hash, None)?);
        }
        let id = |username: &str| {
            ids.get(username).copied().ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("the demo account {username} is missing"))
            })
        };
        Ok::<_, AppError>(Crew {
            staff: id("staff")?,
            official: id("official")?,
            admin: id("admin")?,
            experts: [
                id("expert")?,
                id("expert2")?,
                id("expert3")?,
                id("expert4")?,
                id("expert5")?,
            ],
        })
    })?;
    let generated = if wanted {
        Some(generate_into(&mut conn, opts, crew)?)
    } else {
        None
    };
    let marker = EnterpriseRef::by_credit_code(&mut conn, &marker_code)?.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "the demo enterprise {marker_code} is missing"
        ))
    })?;
    write_transaction(&mut conn, |conn| {
        for (a, hash) in ACCOUNTS.iter().zip(&hashes).filter(|(a, _)| a.bound) {
            ensure_account(conn, &actor, a, hash, Some(marker.id))?;
        }
        Ok::<_, AppError>(())
    })?;
    write_transaction(&mut conn, |conn| demo_notifications(conn, &marker))?;
    write_transaction(&mut conn, |conn| demo_resubmission(conn, &marker))?;
    Ok(Loaded {
        accounts: ACCOUNTS
            .iter()
            .map(|a| DemoAccount {
                username: a.username,
                role: a.role,
                password: a.password,
            })
            .collect(),
        generated,
    })
}

/// Fills the demo inboxes: the real sweeps (titles entering the re-review window to
/// staff and the enterprise, overdue tasks to their owners), and for the enterprise
/// account the annual-data decisions its submissions would have brought. Safe to run
/// again (dedupe keys).
fn demo_notifications(conn: &mut DbConnection, marker: &EnterpriseRef) -> Result<(), AppError> {
    use crate::domain::notification::{Kind, params};
    use crate::models::notification as inbox;
    let day = today();
    inbox::sweep_titles_expiring(conn, day)?;
    inbox::sweep_tasks_overdue(conn, day)?;
    let accounts = inbox::enterprise_accounts(conn, marker.id)?;
    let year = day.year() - 1;
    let link = format!("/enterprises/{}/annual", marker.id);
    inbox::notify(
        conn,
        &accounts,
        Kind::AnnualApproved,
        &params([
            ("enterprise", marker.name.clone()),
            ("year", (year - 1).to_string()),
        ]),
        &link,
        Some(marker.id),
        Some("demo:annual-approved"),
    )?;
    inbox::notify(
        conn,
        &accounts,
        Kind::AnnualReturned,
        &params([
            ("enterprise", marker.name.clone()),
            ("year", year.to_string()),
            (
                "reason",
                "研发费用占比与审计报告不一致，请核对后重新提交。".to_string(),
            ),
        ]),
        &link,
        Some(marker.id),
        Some("demo:annual-returned"),
    )?;
    Ok(())
}

/// The enterprise account re-submits last year's figures after the return its inbox
/// tells of (R&D expense corrected to the audit report), so the staff's review queue
/// has work on first run. Once: not while a submission of that year is pending.
fn demo_resubmission(conn: &mut DbConnection, marker: &EnterpriseRef) -> Result<(), AppError> {
    use crate::models::annual;
    let year = today().year() - 1;
    if annual::submissions_of(conn, marker.id)?
        .iter()
        .any(|s| s.year == year && s.status == "pending")
    {
        return Ok(());
    }
    let Some(row) = annual::year(conn, marker.id, year)? else {
        return Ok(());
    };
    let Some(account) = crate::models::notification::enterprise_accounts(conn, marker.id)?
        .first()
        .copied()
    else {
        return Ok(());
    };
    let e = crate::models::enterprise::Enterprise::find(
        conn,
        &crate::domain::scope::DataScope::Enterprise(marker.id),
        marker.id,
    )?
    .ok_or(AppError::NotFound)?;
    let mut f = row.figures();
    // The corrected R&D expense: 4 % lower, to the audited figure (whole yuan).
    f.rd_expense = f.rd_expense.map(|v| v - v / 25);
    let actor = Actor {
        user_id: Some(account),
        name: "enterprise".into(),
        ip: "local".into(),
    };
    annual::submit(conn, &actor, &e, &f)?;
    Ok(())
}

/// Creates a demo account, or resets its password and enables it; returns its id.
fn ensure_account(
    conn: &mut DbConnection,
    actor: &Actor,
    a: &Account,
    hash: &str,
    enterprise_id: Option<i32>,
) -> Result<i32, AppError> {
    if let Some(u) = User::by_username(conn, a.username)? {
        User::set_password(conn, actor, u.id, hash, false)?;
        if u.disabled {
            User::set_disabled(conn, actor, u.id, false)?;
        }
        return Ok(u.id);
    }
    let districts: Vec<DistrictCode> = a
        .districts
        .iter()
        .filter_map(|d| DistrictCode::parse(d).ok())
        .collect();
    let new = NewUser {
        username: Username::parse(a.username).map_err(|e| AppError::Internal(e.into()))?,
        display_name: a.display_name.to_string(),
        password_hash: hash.to_string(),
        role: a.role,
        enterprise_id,
        all_districts: districts.is_empty(),
        districts,
        must_change_password: false,
    };
    Ok(User::create(conn, actor, &new)?.id)
}

/// A stored rubric result, computed ahead of the insert.
struct Evaluated {
    year: i32,
    code: String,
    version: String,
    total: Option<f64>,
    passed: bool,
    json: String,
}

/// A batch of generated enterprises with their rubric results, entered index values
/// and expert panels (one list each).
struct Prepared {
    enterprises: Vec<GenEnterprise>,
    results: Vec<Vec<Evaluated>>,
    values: Vec<Vec<GenValue>>,
    panels: Vec<Vec<Panel>>,
}

/// Which years get which index data.
#[derive(Debug, Clone)]
struct IndexPlan {
    /// Every year with annual data (each becomes a scored period).
    periods: Vec<i32>,
    /// Years with entered values.
    entered: Vec<i32>,
    /// Years with expert panels (for enterprises with a provincial title or better).
    panels: Vec<i32>,
}

impl IndexPlan {
    /// The default set gets entered values for every year and expert panels for the
    /// latest two; a bigger set only entered values for the latest year, no panels.
    fn for_options(opts: &DemoOptions, today: NaiveDate) -> IndexPlan {
        let last = today.year() - 1;
        let periods: Vec<i32> = (last + 1 - generate::YEARS as i32..=last).collect();
        match opts.enterprises {
            None => IndexPlan {
                entered: periods.clone(),
                panels: vec![last - 1, last],
                periods,
            },
            Some(_) => IndexPlan {
                entered: vec![last],
                panels: Vec::new(),
                periods,
            },
        }
    }

    fn latest(&self) -> i32 {
        self.periods.last().copied().unwrap_or_default()
    }
}

/// The results `models::rubric::refresh_results` would store for every year of `e`:
/// the newest version of each rubric, on the same metrics.
fn evaluate(e: &GenEnterprise, defs: &[&RubricDef]) -> Vec<Evaluated> {
    let facts = e.facts();
    let mut out = Vec::with_capacity(e.years.len() * defs.len());
    for y in &e.years {
        let Some(m) = assessment::metrics(&facts, &e.years, y.year) else {
            continue;
        };
        for def in defs {
            let r = rubric::evaluate(def, &m);
            out.push(Evaluated {
                year: y.year,
                total: r.total,
                passed: r.passed,
                // Same serialisation as `refresh_results`.
                json: serde_json::to_string(&r).unwrap_or_default(),
                code: r.code,
                version: r.version,
            });
        }
    }
    out
}

/// Generates the set and stores it, one write transaction per [`BATCH`] enterprises.
/// A second thread generates and evaluates the next batch while this one writes.
fn generate_into(
    conn: &mut DbConnection,
    opts: &DemoOptions,
    crew: Crew,
) -> Result<LoadReport, AppError> {
    let started = Instant::now();
    let gen_opts = generate::Options {
        count: opts.enterprises.unwrap_or(generate::DEFAULT_COUNT),
        seed: opts.seed,
        today: today(),
    };
    let mut report = LoadReport::default();
    let plan = IndexPlan::for_options(opts, gen_opts.today);
    let factor = gen_opts.count.max(generate::MIN_COUNT) as f64 / generate::DEFAULT_COUNT as f64;
    let partner_ids = write_transaction(conn, |c| {
        let ids = store_partners(c, &mut report)?;
        store_targets(c, factor, crew)?;
        for &year in &plan.periods {
            crate::models::index::ensure_period(c, Period::year(year))?;
        }
        Ok::<_, AppError>(ids)
    })?;
    let all_defs = crate::models::rubric::definitions(conn)?;
    let with_results = opts.rubric_results;
    let (tx, rx) = mpsc::sync_channel::<Prepared>(2);
    let (seed, today) = (gen_opts.seed, gen_opts.today);
    let producer_plan = plan.clone();
    let producer = std::thread::spawn(move || {
        let plan = producer_plan;
        let defs = crate::models::rubric::latest_versions(&all_defs);
        let mut generator = Generator::new(&gen_opts);
        loop {
            let enterprises: Vec<GenEnterprise> = generator.by_ref().take(BATCH).collect();
            if enterprises.is_empty() {
                break;
            }
            let results = enterprises
                .iter()
                .map(|e| {
                    if with_results {
                        evaluate(e, &defs)
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            let values = enterprises
                .iter()
                .map(|e| index_data::entered(seed, e, &plan.entered, today))
                .collect();
            let panels = enterprises
                .iter()
                .map(|e| {
                    if e.level.is_some_and(|l| l.0 >= Level::Provincial) {
                        index_data::panels(seed, e, &plan.panels, plan.latest(), today)
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            // The receiver gone means the writer failed; it reports why.
            if tx
                .send(Prepared {
                    enterprises,
                    results,
                    values,
                    panels,
                })
                .is_err()
            {
                break;
            }
        }
    });
    let mut outcome = Ok(());
    for batch in rx.iter() {
        let stored = write_transaction(conn, |c| {
            let ids = store(c, &batch, &mut report)?;
            store_index(c, &batch, &ids, &plan, crew, &mut report)?;
            store_cultivation(c, &batch.enterprises, &ids, &partner_ids, crew, &mut report)
        });
        if let Err(e) = stored {
            outcome = Err(e);
            break;
        }
        tracing::debug!(enterprises = report.enterprises, "demo data batch stored");
    }
    // Dropping the receiver stops the producer if the writer failed.
    let producer_outcome = producer.join();
    outcome?;
    if producer_outcome.is_err() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "the demo data generator stopped unexpectedly"
        )));
    }
    write_transaction(conn, |c| {
        store_training(c, seed, today, &partner_ids, crew, &mut report)
    })?;
    // Financing services for the default set.
    if opts.enterprises.is_none() {
        write_transaction(conn, |c| {
            store_financing(c, seed, today, &partner_ids, crew, &mut report)
        })?;
    }
    // Scores for every period on first run.
    let actor = Actor {
        user_id: None,
        name: "demo".into(),
        ip: "local".into(),
    };
    for &year in &plan.periods {
        crate::models::index::recompute_period(
            conn,
            &actor,
            Period::year(year),
            &mut |_, _, _| {},
        )?;
        report.scored_periods += 1;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes one batch: enterprises, then what refers to them by id; returns the
/// enterprises' ids in batch order.
fn store(
    conn: &mut DbConnection,
    batch: &Prepared,
    report: &mut LoadReport,
) -> Result<Vec<i32>, AppError> {
    let now = crate::models::now();
    let es = &batch.enterprises;
    let rows: Vec<NewEnterpriseRow> = es
        .iter()
        .map(|e| {
            let d = &e.data;
            // Registered when its history starts (first board move or title), else
            // the spring after its first year of figures; never in the future.
            let registered = e
                .moves
                .first()
                .map(|m| m.on)
                .into_iter()
                .chain(e.titles.first().map(|t| t.recognized_on))
                .min()
                .or_else(|| {
                    e.years
                        .first()
                        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y.year + 1, 3, 1))
                })
                .map_or(now, |day| day.and_time(chrono::NaiveTime::MIN).min(now));
            NewEnterpriseRow {
                credit_code: &d.credit_code,
                name: &d.name,
                district_code: &d.district_code,
                created_at: registered,
                updated_at: now,
                version: 1,
                legal_representative: &d.legal_representative,
                founded_on: d.founded_on,
                company_type: d.company_type.as_str(),
                registered_capital: d.registered_capital,
                industry_section: d.industry_section.as_deref(),
                industry_division: d.industry_division.as_deref(),
                niche_market: &d.niche_market,
                main_product: &d.main_product,
                niche_since: d.niche_since,
                product_field: d.product_field,
                strategic_emerging: d.strategic_emerging,
                high_tech_title: d.high_tech_title,
                sci_award_year: d.sci_award_year,
                meets_common_gate: d.meets_common_gate,
                has_shareholder_register: d.has_shareholder_register,
                recommending_institution: &d.recommending_institution,
                contact_name: &d.contact_name,
                contact_phone: &d.contact_phone,
                contact_email: &d.contact_email,
                current_tier: e.tier.map(|(t, _)| t.as_str()),
                tier_since: e.tier.map(|(_, d)| d),
                current_level: e.level.map(|(l, _)| l.as_str()),
                level_expires_on: e.level.map(|(_, d)| d),
                cultivation_step: e.pipeline.as_ref().map(|p| p.step.as_str()),
                cultivation_stage: e.pipeline.as_ref().map(|p| stage_key(p.step)),
                stage_since: e.pipeline.as_ref().map(|p| p.stage_since),
                step_since: e.pipeline.as_ref().map(|p| p.step_since),
                queue_order: e.pipeline.as_ref().and_then(|p| p.queue_order),
                target_board: e
                    .pipeline
                    .as_ref()
                    .and_then(|p| p.target_board.map(|b| b.as_str())),
            }
        })
        .collect();
    let ids: HashMap<String, i32> = seed::insert_enterprises(conn, &rows)?
        .into_iter()
        .map(|(id, code)| (code, id))
        .collect();
    let id_of = |e: &GenEnterprise| -> Result<i32, AppError> {
        ids.get(&e.data.credit_code).copied().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "no id came back for {}",
                e.data.credit_code
            ))
        })
    };
    let enterprise_ids: Vec<i32> = es.iter().map(id_of).collect::<Result<_, _>>()?;

    let mut titles = Vec::new();
    for (e, &eid) in es.iter().zip(&enterprise_ids) {
        for t in &e.titles {
            titles.push(NewTitleRow {
                enterprise_id: eid,
                level: t.level.as_str(),
                batch: &t.batch,
                recognized_on: t.recognized_on,
                expires_on: t.expires_on,
                revoked_on: t.revoked_on,
                revoke_reason: t.revoke_reason.as_deref(),
                created_at: now,
                updated_at: now,
                // Every re-review or revocation was an update of the row.
                version: t.events.len() as i32,
            });
        }
    }
    // An enterprise holds at most one title per level, so (enterprise, level) finds it.
    let title_ids: HashMap<(i32, String), i32> = seed::insert_titles(conn, &titles)?
        .into_iter()
        .map(|(id, eid, level)| ((eid, level), id))
        .collect();
    let mut events = Vec::new();
    for (e, &eid) in es.iter().zip(&enterprise_ids) {
        for t in &e.titles {
            let qid = *title_ids
                .get(&(eid, t.level.as_str().to_string()))
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("no id came back for a title"))
                })?;
            events.extend(t.events.iter().map(|ev| NewTitleEventRow {
                qualification_id: qid,
                enterprise_id: eid,
                action: ev.action,
                on_date: ev.on_date,
                expires_before: ev.expires_before,
                expires_after: ev.expires_after,
                note: &ev.note,
                recorded_by: None,
                recorded_at: now,
            }));
        }
    }
    report.title_events += seed::insert_title_events(conn, &events)?;

    let annual: Vec<NewAnnualRow> = es
        .iter()
        .zip(&enterprise_ids)
        .flat_map(|(e, &eid)| e.years.iter().map(move |y| NewAnnualRow::new(eid, y, now)))
        .collect();
    report.annual_rows += seed::insert_annual(conn, &annual)?;

    let board: Vec<NewBoardEntryRow> = es
        .iter()
        .zip(&enterprise_ids)
        .flat_map(|(e, &eid)| {
            e.moves.iter().map(move |m| NewBoardEntryRow {
                enterprise_id: eid,
                action: m.action.as_str(),
                tier_from: m.from.map(|t| t.as_str()),
                tier_to: m.to.map(|t| t.as_str()),
                source_board: &m.source_board,
                reason: &m.reason,
                effective_on: m.on,
                recorded_by: None,
                recorded_at: now,
            })
        })
        .collect();
    report.board_entries += seed::insert_board_entries(conn, &board)?;

    let results: Vec<NewRubricResultRow> = batch
        .results
        .iter()
        .zip(&enterprise_ids)
        .flat_map(|(rs, &eid)| {
            rs.iter().map(move |r| NewRubricResultRow {
                enterprise_id: eid,
                year: r.year,
                rubric_code: &r.code,
                rubric_version: &r.version,
                total: r.total,
                passed: r.passed,
                result: &r.json,
                computed_at: now,
            })
        })
        .collect();
    report.rubric_results += seed::insert_rubric_results(conn, &results)?;
    report.enterprises += es.len();
    report.titles += titles.len();
    Ok(enterprise_ids)
}

/// Writes the index data of a stored batch: entered values (the latest year entered
/// by the staff counsellor, earlier ones imported), expert assignments and the
/// panels' figures.
fn store_index(
    conn: &mut DbConnection,
    batch: &Prepared,
    enterprise_ids: &[i32],
    plan: &IndexPlan,
    crew: Crew,
    report: &mut LoadReport,
) -> Result<(), AppError> {
    let periods: HashMap<i32, String> = plan
        .periods
        .iter()
        .map(|&y| (y, Period::year(y).to_string()))
        .collect();
    let period = |year: i32| {
        periods
            .get(&year)
            .map(String::as_str)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no index period for {year}")))
    };
    let latest = plan.latest();
    let mut values = Vec::new();
    for (vs, &eid) in batch.values.iter().zip(enterprise_ids) {
        for v in vs {
            let entered = v.year == latest;
            values.push(NewIndexValueRow {
                enterprise_id: eid,
                period: period(v.year)?,
                indicator: v.key,
                value: v.value,
                source: if entered { "entered" } else { "imported" },
                updated_by: entered.then_some(crew.staff),
                updated_at: v.at,
            });
        }
    }
    let mut assignments = Vec::new();
    for (ps, &eid) in batch.panels.iter().zip(enterprise_ids) {
        for p in ps {
            let period = period(p.year)?;
            for s in &p.experts {
                let expert_id = crew.experts.get(s.expert).copied().ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("no demo expert {}", s.expert))
                })?;
                assignments.push(NewAssignmentRow {
                    expert_id,
                    enterprise_id: eid,
                    period,
                    indicator: p.key,
                    assigned_by: Some(crew.admin),
                    assigned_at: s.assigned_at,
                    score: s.score,
                    comment: "",
                    scored_at: s.scored_at,
                });
                if s.score.is_some() {
                    report.expert_scores += 1;
                } else {
                    report.open_assignments += 1;
                }
            }
            if let (Some(value), Some(at)) = (p.value(), p.last_scored()) {
                values.push(NewIndexValueRow {
                    enterprise_id: eid,
                    period,
                    indicator: p.key,
                    value,
                    source: "expert",
                    updated_by: None,
                    updated_at: at,
                });
            }
        }
    }
    report.index_values += seed::insert_index_values(conn, &values)?;
    seed::insert_assignments(conn, &assignments)?;
    Ok(())
}

/// Inserts the partner institutions that are not there yet; returns the id of each
/// of [`PARTNERS`], in order.
fn store_partners(conn: &mut DbConnection, report: &mut LoadReport) -> Result<Vec<i32>, AppError> {
    let names: Vec<&str> = PARTNERS.iter().map(|p| p.name).collect();
    let existing: Vec<String> = seed::partner_ids(conn, &names)?
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    let now = crate::models::now();
    let rows: Vec<NewPartnerRow> = PARTNERS
        .iter()
        .filter(|p| !existing.iter().any(|n| n == p.name))
        .map(|p| NewPartnerRow {
            name: p.name,
            kind: p.kind,
            contact_name: p.contact_name,
            contact_phone: p.contact_phone,
            contact_email: p.contact_email,
            note: p.note,
            active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    report.partners += seed::insert_partners(conn, &rows)?;
    let ids: HashMap<String, i32> = seed::partner_ids(conn, &names)?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    PARTNERS
        .iter()
        .map(|p| {
            ids.get(p.name).copied().ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("no id came back for partner {}", p.name))
            })
        })
        .collect()
}

/// Stores the generated agreements, service plans, needs and referrals.
fn store_financing(
    conn: &mut DbConnection,
    seed_: u64,
    today: NaiveDate,
    partner_ids: &[i32],
    crew: Crew,
    report: &mut LoadReport,
) -> Result<(), AppError> {
    use crate::domain::partner::PartnerKind;
    use crate::schema::enterprises;
    use diesel::prelude::*;
    let kinds: Vec<PartnerKind> = PARTNERS
        .iter()
        .map(|p| p.kind.parse().unwrap_or(PartnerKind::Other))
        .collect();
    let rows: Vec<(i32, Option<String>, String)> = enterprises::table
        .order(enterprises::id)
        .select((
            enterprises::id,
            enterprises::current_level,
            enterprises::credit_code,
        ))
        .load(conn)?;
    let marker_code = generate::marker_code().map(|c| c.as_str().to_string());
    let marker = rows
        .iter()
        .position(|(_, _, code)| Some(code) == marker_code.as_ref());
    let levels: Vec<Option<&str>> = rows.iter().map(|(_, l, _)| l.as_deref()).collect();
    let set = financing::generate(seed_, today, &kinds, &levels, marker);
    let now = crate::models::now();
    let agreements: Vec<seed::NewAgreementRow> = set
        .agreements
        .iter()
        .map(|a| seed::NewAgreementRow {
            partner_id: partner_ids[a.partner],
            signed_on: a.signed_on,
            scope: a.scope,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            terminated_on: a.terminated_on,
            termination_reason: a.termination_reason,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    seed::insert_agreements(conn, &agreements)?;
    let plans: Vec<seed::NewServicePlanRow> = set
        .plans
        .iter()
        .map(|p| seed::NewServicePlanRow {
            partner_id: partner_ids[p.partner],
            name: p.name,
            products: p.products,
            min_amount: p.min_amount,
            max_amount: p.max_amount,
            term_months: p.term_months,
            rate_min: p.rate_min,
            rate_max: p.rate_max,
            target_levels: p.target_levels,
            active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    seed::insert_service_plans(conn, &plans)?;
    let needs: Vec<seed::NewNeedRow> = set
        .needs
        .iter()
        .map(|n| {
            let own = Some(n.enterprise) == marker;
            seed::NewNeedRow {
                enterprise_id: rows[n.enterprise].0,
                kind: n.kind.as_str(),
                amount: n.amount,
                purpose: n.purpose,
                wanted_by: n.wanted_by,
                status: n.status,
                created_by: if own { None } else { Some(crew.staff) },
                created_via: if own { "enterprise" } else { "staff" },
                created_at: n.created_at,
                updated_at: n.close.map_or(n.created_at, |c| c.2),
                version: if n.close.is_some() { 2 } else { 1 },
                close_reason: n.close.map(|c| c.0.as_str()),
                close_note: n.close.map_or("", |c| c.1),
                closed_by: n.close.map(|_| crew.staff),
                closed_at: n.close.map(|c| c.2),
            }
        })
        .collect();
    let ids = seed::insert_needs(conn, &needs)?;
    if ids.len() != needs.len() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "stored {} financing needs but {} ids came back",
            needs.len(),
            ids.len()
        )));
    }
    let referrals: Vec<seed::NewReferralRow> = set
        .needs
        .iter()
        .zip(&ids)
        .flat_map(|(n, id)| {
            n.referrals.iter().map(move |r| seed::NewReferralRow {
                need_id: *id,
                partner_id: partner_ids[r.partner],
                status: r.status.as_str(),
                approved_amount: r.approved_amount,
                approved_rate: r.approved_rate,
                approved_on: r.approved_on,
                decline_reason: r.decline_reason,
                sent_at: r.sent_at,
                in_review_at: r.in_review_at,
                decided_at: r.decided_at,
                created_by: Some(crew.staff),
                updated_at: r.decided_at.or(r.in_review_at).unwrap_or(r.sent_at),
                version: 1
                    + u8::from(r.in_review_at.is_some()) as i32
                    + u8::from(r.decided_at.is_some()) as i32,
            })
        })
        .collect();
    report.financing_needs += needs.len();
    report.financing_referrals += seed::insert_referrals(conn, &referrals)?;
    Ok(())
}

/// Sets the three-year plan's targets for the years that have none, as the official.
fn store_targets(conn: &mut DbConnection, factor: f64, crew: Crew) -> Result<(), AppError> {
    let taken = seed::target_years(conn)?;
    let now = crate::models::now();
    let rows: Vec<NewPlanTargetRow> = pipeline::plan_targets(factor)
        .into_iter()
        .filter(|(year, _, _)| !taken.contains(year))
        .map(|(year, stage, target)| NewPlanTargetRow {
            year,
            stage: stage.as_str(),
            target,
            updated_by: Some(crew.official),
            updated_at: now,
        })
        .collect();
    seed::insert_plan_targets(conn, &rows)?;
    Ok(())
}

/// Writes the cultivation of a stored batch: intermediaries, ticks, proposals, then the
/// timeline (which points at the approved proposals), plans and tasks.
fn store_cultivation(
    conn: &mut DbConnection,
    es: &[GenEnterprise],
    enterprise_ids: &[i32],
    partner_ids: &[i32],
    crew: Crew,
    report: &mut LoadReport,
) -> Result<(), AppError> {
    let in_pipeline = || {
        es.iter()
            .zip(enterprise_ids)
            .filter_map(|(e, &eid)| e.pipeline.as_ref().map(|p| (p, eid)))
    };
    let partner = |i: usize| {
        partner_ids
            .get(i)
            .copied()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no partner {i} in the demo list")))
    };
    let mut intermediaries = Vec::new();
    for (p, eid) in in_pipeline() {
        for i in &p.intermediaries {
            intermediaries.push(NewIntermediaryRow {
                enterprise_id: eid,
                kind: i.kind.as_str(),
                partner_id: partner(i.partner)?,
                engaged_on: i.engaged_on,
                recorded_by: Some(crew.staff),
                recorded_at: i.engaged_on.and_time(chrono::NaiveTime::MIN),
            });
        }
    }
    seed::insert_intermediaries(conn, &intermediaries)?;

    let ticks: Vec<NewTickRow> = in_pipeline()
        .flat_map(|(p, eid)| {
            p.ticks.iter().map(move |t| NewTickRow {
                enterprise_id: eid,
                item_key: &t.key,
                evidence: &t.evidence,
                document_ref: &t.document_ref,
                ticked_by: Some(crew.staff),
                ticked_at: t.at,
            })
        })
        .collect();
    seed::insert_ticks(conn, &ticks)?;

    let proposals: Vec<NewProposalRow> = in_pipeline()
        .flat_map(|(p, eid)| {
            p.proposals.iter().map(move |x| NewProposalRow {
                enterprise_id: eid,
                step_from: x.from.as_str(),
                step_to: x.to.as_str(),
                reason: &x.reason,
                comment: &x.comment,
                // Same serialisation as `models::cultivation::propose`.
                gate_snapshot: serde_json::to_string(&x.gate).unwrap_or_default(),
                status: proposal_status(x.decision),
                proposed_by: crew.staff,
                proposed_at: x.proposed_at,
                decided_by: x.decision.map(|_| crew.official),
                decided_at: x.decided_at,
                decision_comment: &x.decision_comment,
            })
        })
        .collect();
    // An enterprise reaches a step once, so (enterprise, step) finds the approval.
    let approved: HashMap<(i32, String), i32> = seed::insert_proposals(conn, &proposals)?
        .into_iter()
        .filter(|(_, _, _, status)| status == proposal_status(Some(Decision::Approve)))
        .map(|(id, eid, to, _)| ((eid, to), id))
        .collect();
    report.proposals += proposals.len();

    let mut events = Vec::new();
    for (p, eid) in in_pipeline() {
        for m in &p.moves {
            let proposal_id = match m.proposal {
                None => None,
                Some(_) => Some(*approved.get(&(eid, m.to.as_str().to_string())).ok_or_else(
                    || AppError::Internal(anyhow::anyhow!("no id came back for a proposal")),
                )?),
            };
            events.push(NewCultivationEventRow {
                enterprise_id: eid,
                step_from: m.from.map(Step::as_str),
                step_to: m.to.as_str(),
                stage_to: stage_key(m.to),
                reason: &m.reason,
                proposal_id,
                effective_on: m.on,
                // Discovered by staff; moved by the official's decision.
                recorded_by: Some(if proposal_id.is_some() {
                    crew.official
                } else {
                    crew.staff
                }),
                recorded_at: m.at,
            });
        }
    }
    report.cultivation_events += seed::insert_cultivation_events(conn, &events)?;

    let plans: Vec<NewPlanRow> = in_pipeline()
        .filter_map(|(p, eid)| {
            p.plan.as_ref().map(|x| NewPlanRow {
                enterprise_id: eid,
                valuation: x.valuation,
                valuation_on: x.valuation_on,
                planned_raise: x.planned_raise,
                planned_filing_on: x.planned_filing_on,
                planned_listing_on: x.planned_listing_on,
                counsellor_id: Some(crew.staff),
                note: &x.note,
                updated_at: x.updated_at,
                updated_by: Some(crew.staff),
                version: 1,
            })
        })
        .collect();
    seed::insert_plans(conn, &plans)?;

    let tasks: Vec<NewTaskRow> = in_pipeline()
        .flat_map(|(p, eid)| {
            p.tasks.iter().map(move |t| {
                let created_at = t.created_on.and_time(chrono::NaiveTime::MIN);
                NewTaskRow {
                    enterprise_id: eid,
                    step: t.step.as_str(),
                    title: &t.title,
                    owner_id: crew.staff,
                    due_on: t.due_on,
                    status: if t.done_on.is_some() { "done" } else { "open" },
                    done_on: t.done_on,
                    created_by: Some(crew.staff),
                    created_at,
                    updated_at: t
                        .done_on
                        .map_or(created_at, |d| d.and_time(chrono::NaiveTime::MIN)),
                    // Marking it done was one update.
                    version: if t.done_on.is_some() { 2 } else { 1 },
                }
            })
        })
        .collect();
    report.tasks += seed::insert_tasks(conn, &tasks)?;
    Ok(())
}

/// The `cultivation_proposals.status` of a proposal with this decision (none yet: pending).
fn proposal_status(decision: Option<Decision>) -> &'static str {
    match decision {
        None => "pending",
        Some(Decision::Approve) => "approved",
        Some(Decision::Return) => "returned",
    }
}

/// Training events with invitations, registrations and attendance (see
/// [`training::generate`]); the marker enterprise is served too.
fn store_training(
    conn: &mut DbConnection,
    seed: u64,
    today: NaiveDate,
    partner_ids: &[i32],
    crew: Crew,
    report: &mut LoadReport,
) -> Result<(), AppError> {
    use crate::models::seed::{NewInvitationRow, NewRegistrationRow, NewTrainingEventRow};
    let candidates: Vec<training::Candidate> = seed::training_candidates(conn)?
        .into_iter()
        .map(|(id, t, l, s)| training::Candidate {
            id,
            facts: crate::models::training::facts_of(t.as_deref(), l.as_deref(), s.as_deref()),
        })
        .collect();
    let marker = match generate::marker_code() {
        Some(code) => EnterpriseRef::by_credit_code(conn, &code)?.map(|e| e.id),
        None => None,
    };
    let g = training::generate(seed, today, &candidates, marker, partner_ids.len());
    let now = crate::models::now();
    let stored: Vec<(String, String, String)> =
        g.events.iter().map(|e| e.audience.stored()).collect();
    let rows: Vec<NewTrainingEventRow> = g
        .events
        .iter()
        .zip(&stored)
        .map(|(e, (t, l, s))| NewTrainingEventRow {
            title: &e.title,
            kind: e.kind.as_str(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            online: e.online,
            place: &e.place,
            link: &e.link,
            organiser_id: e.organiser.map(|i| partner_ids[i]),
            audience_tiers: t.clone(),
            audience_levels: l.clone(),
            audience_stages: s.clone(),
            capacity: e.capacity,
            description: &e.description,
            status: e.status.as_str(),
            created_by: Some(crew.staff),
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    let ids = seed::insert_training_events(conn, &rows)?;
    report.training_events += ids.len();
    // Times in the database are UTC; event times are Beijing wall-clock.
    let utc = |at: chrono::NaiveDateTime| at - chrono::Duration::hours(8);
    let invitations: Vec<NewInvitationRow> = g
        .invitations
        .iter()
        .map(|&(ei, id)| NewInvitationRow {
            event_id: ids[ei],
            enterprise_id: id,
            invited_by: Some(crew.staff),
            invited_at: utc(g.events[ei].starts_at - chrono::Duration::days(20)),
        })
        .collect();
    report.training_invitations += seed::insert_invitations(conn, &invitations)?;
    let registrations: Vec<NewRegistrationRow> = g
        .registrations
        .iter()
        .map(|&(ei, id, registered, attendance)| {
            let start = g.events[ei].starts_at;
            NewRegistrationRow {
                event_id: ids[ei],
                enterprise_id: id,
                status: if registered {
                    "registered"
                } else {
                    "cancelled"
                },
                registered_at: utc(start - chrono::Duration::days(10)),
                cancelled_at: (!registered).then(|| utc(start - chrono::Duration::days(3))),
                attendance: attendance.map(|a| a.as_str()),
                attendance_by: attendance.map(|_| crew.staff),
                attendance_at: attendance.map(|_| utc(g.events[ei].ends_at)),
            }
        })
        .collect();
    report.training_registrations += seed::insert_registrations(conn, &registrations)?;
    Ok(())
}
