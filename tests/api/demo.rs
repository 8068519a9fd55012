//! The demo data set on a fresh database: the seed's numbers, valid credit codes, the
//! enterprise account bound to its enterprise, stored levels and rubric results equal
//! to what the app computes, cultivation data the app's own checks accept, index
//! scores for every year of annual data (with expert scores and open assignments), and
//! a second load that adds nothing; a bigger set is scored for every period too.

use chrono::{Datelike, NaiveDate};
use diesel::dsl::count_star;
use diesel::prelude::*;
use srdi_board::db::{Db, DbConnection, write_transaction};
use srdi_board::demo::{self, DemoOptions};
use srdi_board::domain::credit_code::CreditCode;
use srdi_board::domain::cultivation::{Decision, Outcome, Step};
use srdi_board::domain::role::Role;
use srdi_board::domain::scope::DataScope;
use srdi_board::error::AppError;
use srdi_board::models::audit::Actor;
use srdi_board::models::cultivation::{self, TaskFilter};
use srdi_board::models::enterprise::Enterprise;
use srdi_board::models::user::User;
use srdi_board::models::{qualification, rubric};
use srdi_board::schema::{
    annual_data, board_entries, cultivation_events, cultivation_intermediaries, cultivation_plans,
    cultivation_proposals, cultivation_tasks, enterprises, expert_assignments, gate_ticks,
    index_periods, index_scores, index_values, partners, plan_targets, qualification_events,
    qualifications, rubric_results, training_events, training_invitations, training_registrations,
    users,
};
use srdi_board::startup;

use crate::helpers::TestDb;

/// Rows in each table the demo writes.
fn row_counts(conn: &mut DbConnection) -> Vec<i64> {
    vec![
        enterprises::table.count().get_result(conn).unwrap(),
        qualifications::table.count().get_result(conn).unwrap(),
        qualification_events::table
            .count()
            .get_result(conn)
            .unwrap(),
        annual_data::table.count().get_result(conn).unwrap(),
        srdi_board::schema::annual_submissions::table
            .count()
            .get_result(conn)
            .unwrap(),
        board_entries::table.count().get_result(conn).unwrap(),
        rubric_results::table.count().get_result(conn).unwrap(),
        users::table.count().get_result(conn).unwrap(),
        partners::table.count().get_result(conn).unwrap(),
        cultivation_events::table.count().get_result(conn).unwrap(),
        cultivation_proposals::table
            .count()
            .get_result(conn)
            .unwrap(),
        cultivation_intermediaries::table
            .count()
            .get_result(conn)
            .unwrap(),
        cultivation_plans::table.count().get_result(conn).unwrap(),
        cultivation_tasks::table.count().get_result(conn).unwrap(),
        gate_ticks::table.count().get_result(conn).unwrap(),
        plan_targets::table.count().get_result(conn).unwrap(),
        index_values::table.count().get_result(conn).unwrap(),
        index_scores::table.count().get_result(conn).unwrap(),
        expert_assignments::table.count().get_result(conn).unwrap(),
        training_events::table.count().get_result(conn).unwrap(),
        training_invitations::table
            .count()
            .get_result(conn)
            .unwrap(),
        training_registrations::table
            .count()
            .get_result(conn)
            .unwrap(),
    ]
}

type Snapshot = Vec<(i32, String, String, Option<f64>, bool, String)>;

/// Stored rubric results of an enterprise without ids and timestamps.
fn results_of(conn: &mut DbConnection, id: i32) -> Snapshot {
    let mut v: Snapshot = rubric::stored(conn, id)
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.year,
                r.rubric_code,
                r.rubric_version,
                r.total,
                r.passed,
                r.result,
            )
        })
        .collect();
    v.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    v
}

#[test]
fn the_default_demo_has_the_seeds_numbers_and_loads_once() {
    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 4).expect("connect");
    startup::prepare_database(&db).expect("migrate");
    let today = demo::today();

    let loaded = demo::load_with(&db, &DemoOptions::default()).expect("load");
    let report = loaded.generated.expect("a fresh database gets the data");
    assert_eq!(report.enterprises, 1335);
    assert_eq!(loaded.accounts.len(), 10);
    let mut conn = db.conn().unwrap();

    // The seed's numbers, by current level.
    let by_level: Vec<(Option<String>, i64)> = enterprises::table
        .group_by(enterprises::current_level)
        .select((enterprises::current_level, count_star()))
        .load(&mut conn)
        .unwrap();
    let count = |l: Option<&str>| {
        by_level
            .iter()
            .find(|(x, _)| x.as_deref() == l)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(count(Some("national")), 16);
    assert_eq!(count(Some("provincial")), 104);
    assert_eq!(count(Some("municipal")), 515);
    assert_eq!(count(Some("innovative_sme")), 400);
    assert_eq!(count(None), 300);

    // Every credit code passes both checks; districts match the codes.
    let codes: Vec<(String, String)> = enterprises::table
        .select((enterprises::credit_code, enterprises::district_code))
        .load(&mut conn)
        .unwrap();
    for (code, district) in &codes {
        let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(parsed.division(), district);
    }

    // Something to see on the "expiring" page, and revoked titles with reasons.
    let until = today + chrono::Duration::days(90);
    let due = qualification::expiring(&mut conn, &DataScope::All, today, until).unwrap();
    assert!((20..=40).contains(&due.len()), "{} due", due.len());
    let revoked: Vec<Option<String>> = qualifications::table
        .filter(qualifications::revoked_on.is_not_null())
        .select(qualifications::revoke_reason)
        .load(&mut conn)
        .unwrap();
    assert_eq!(revoked.len(), 3);
    assert!(
        revoked
            .iter()
            .all(|r| r.as_deref().is_some_and(|r| !r.is_empty()))
    );

    // The enterprise account belongs to a provincial SRDI enterprise in Laoshan.
    let account = User::by_username(&mut conn, "enterprise").unwrap().unwrap();
    let mine = Enterprise::find(&mut conn, &DataScope::All, account.enterprise_id.unwrap())
        .unwrap()
        .expect("the account's enterprise exists");
    assert_eq!(mine.name, "青岛海纳精密制造股份有限公司");
    assert_eq!(mine.district_code, "370212");
    assert_eq!(mine.current_level.as_deref(), Some("provincial"));
    let official = User::by_username(&mut conn, "laoshan.official")
        .unwrap()
        .unwrap();
    assert_eq!(
        User::districts(&mut conn, official.id).unwrap(),
        vec!["370212".to_string()]
    );

    // Stored levels are what `refresh_level` computes; stored rubric results are what
    // `refresh_results` stores (checked on a sample, the account's enterprise first).
    let stored: Vec<(i32, Option<String>, Option<NaiveDate>)> = enterprises::table
        .order(enterprises::id)
        .select((
            enterprises::id,
            enterprises::current_level,
            enterprises::level_expires_on,
        ))
        .load(&mut conn)
        .unwrap();
    let sample: Vec<i32> = std::iter::once(mine.id)
        .chain(stored.iter().step_by(67).map(|s| s.0))
        .collect();
    let before: Vec<Snapshot> = sample.iter().map(|id| results_of(&mut conn, *id)).collect();
    assert_eq!(before[0].len(), 12, "three rubrics for each of four years");
    write_transaction(&mut conn, |c| {
        for (id, _, _) in &stored {
            qualification::refresh_level(c, *id, today)?;
        }
        for id in &sample {
            let e = Enterprise::find(c, &DataScope::All, *id)?.unwrap();
            for year in today.year() - 4..today.year() {
                rubric::refresh_results(c, &e, year)?;
            }
        }
        Ok::<_, AppError>(())
    })
    .unwrap();
    let recomputed: Vec<(i32, Option<String>, Option<NaiveDate>)> = enterprises::table
        .order(enterprises::id)
        .select((
            enterprises::id,
            enterprises::current_level,
            enterprises::level_expires_on,
        ))
        .load(&mut conn)
        .unwrap();
    assert_eq!(recomputed, stored);
    for (id, b) in sample.iter().zip(&before) {
        assert_eq!(&results_of(&mut conn, *id), b, "enterprise {id}");
    }

    // A second load adds nothing and keeps the account bound.
    let counts = row_counts(&mut conn);
    let again = demo::load_with(&db, &DemoOptions::default()).expect("second load");
    assert!(again.generated.is_none());
    assert_eq!(row_counts(&mut conn), counts);
    let account = User::by_username(&mut conn, "enterprise").unwrap().unwrap();
    assert_eq!(account.enterprise_id, Some(mine.id));

    // The staff's review queue has the account's re-submission of last year (the
    // return its inbox tells of), made by the enterprise account, once.
    let pending = srdi_board::models::annual::pending(&mut conn, &DataScope::All).unwrap();
    assert_eq!(pending.len(), 1);
    let s = &pending[0].submission;
    assert_eq!((s.enterprise_id, s.year), (mine.id, today.year() - 1));
    assert_eq!(s.submitted_by, account.id);
    let stored = srdi_board::models::annual::year(&mut conn, mine.id, today.year() - 1)
        .unwrap()
        .unwrap()
        .figures();
    let submitted = s.figures().unwrap();
    assert!(
        submitted.rd_expense < stored.rd_expense,
        "a corrected figure"
    );

    index_is_there(&mut conn, &report, today);
    cultivation_is_there_and_passes_the_apps_checks(&mut conn, &mine, today);
    training_is_there(&mut conn, &report, &mine);
    financing_is_there(&mut conn, &report, mine.id);
}

/// About two dozen events over the past year and the next three months, some full and
/// one cancelled; the account's enterprise has an upcoming invitation and attended a
/// past event; capacity holds everywhere.
fn training_is_there(conn: &mut DbConnection, report: &demo::LoadReport, mine: &Enterprise) {
    use srdi_board::domain::training::EventStatus;
    use srdi_board::models::training::{self, TrainingEvent};
    assert!(
        (20..=30).contains(&report.training_events),
        "{}",
        report.training_events
    );
    assert!(report.training_invitations > 100 && report.training_registrations > 50);
    let now = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    let events = TrainingEvent::list(conn).unwrap();
    assert_eq!(events.len(), report.training_events);
    let upcoming = events.iter().filter(|(e, _)| e.starts_at > now).count();
    assert!(upcoming >= 4 && upcoming < events.len(), "{upcoming}");
    assert!(
        events
            .iter()
            .all(|(e, _)| e.starts_at > now - chrono::Duration::days(366)
                && e.starts_at < now + chrono::Duration::days(93))
    );
    assert_eq!(
        events
            .iter()
            .filter(|(e, _)| e.status == EventStatus::Cancelled)
            .count(),
        1
    );
    assert!(
        events
            .iter()
            .all(|(e, taken)| *taken <= i64::from(e.capacity))
    );
    assert!(
        events
            .iter()
            .filter(|(e, taken)| *taken == i64::from(e.capacity))
            .count()
            >= 2
    );
    let history = training::history(conn, mine.id).unwrap();
    assert!(history.iter().any(|h| h.invited && h.event.starts_at > now));
    assert!(history.iter().any(|h| h.event.starts_at < now
        && h.attendance == Some(srdi_board::domain::training::Attendance::Attended)));
    assert!(
        !training::upcoming_for(conn, mine.id, now)
            .unwrap()
            .is_empty()
    );
}

/// Agreements and plans for the demo partners, about 250 needs with referrals in
/// every status, and open needs for the enterprise account's company.
fn financing_is_there(conn: &mut DbConnection, report: &demo::LoadReport, mine: i32) {
    use srdi_board::models::financing::{Need, Rollups, ServiceFigures};
    use srdi_board::schema::{
        financing_needs, financing_referrals, partner_agreements, partner_service_plans,
    };
    let agreements: i64 = partner_agreements::table.count().get_result(conn).unwrap();
    let plans: i64 = partner_service_plans::table
        .count()
        .get_result(conn)
        .unwrap();
    assert!(
        agreements >= 10 && plans >= 10,
        "{agreements} agreements, {plans} plans"
    );
    let needs: i64 = financing_needs::table.count().get_result(conn).unwrap();
    assert_eq!(needs as usize, report.financing_needs);
    assert!((180..=340).contains(&needs), "{needs} needs");
    let by_status: Vec<(String, i64)> = financing_referrals::table
        .group_by(financing_referrals::status)
        .select((financing_referrals::status, count_star()))
        .load(conn)
        .unwrap();
    for s in ["sent", "in_review", "approved", "declined"] {
        assert!(
            by_status.iter().any(|(st, n)| st == s && *n > 0),
            "no {s} referral: {by_status:?}"
        );
    }
    let own = Need::for_enterprise(conn, mine).unwrap();
    let open = own.iter().filter(|n| n.status.as_str() == "open").count();
    assert!(
        (2..=3).contains(&open),
        "{open} open needs of the demo enterprise"
    );
    let rollups = Rollups::load(conn, &DataScope::All, None).unwrap();
    assert!(rollups.by_kind.iter().map(|(_, n, _)| n).sum::<i64>() > 0);
    // Closed needs say why and when, after they were recorded; both reasons occur.
    let closed: Vec<Need> = financing_needs::table
        .filter(financing_needs::status.eq("closed"))
        .load(conn)
        .unwrap();
    assert!(closed.len() >= 10, "{} closed needs", closed.len());
    for n in &closed {
        let at = n.closed_at.expect("closed at");
        assert!(at >= n.created_at && n.closed_by.is_some(), "need {}", n.id);
    }
    for reason in ["financed", "withdrawn"] {
        assert!(
            closed
                .iter()
                .any(|n| n.close_reason.as_deref() == Some(reason)),
            "no need closed as {reason}"
        );
    }
    let figures = ServiceFigures::load(conn, &DataScope::All, srdi_board::models::now()).unwrap();
    assert!(figures.median_to_referral.is_some() && figures.median_to_decision.is_some());
}

/// Every year of annual data is a scored period for every enterprise that has it;
/// titles show in the totals; experts have scored the provincial and national
/// enterprises and `expert` has work waiting.
fn index_is_there(conn: &mut DbConnection, report: &demo::LoadReport, today: NaiveDate) {
    let last = today.year() - 1;
    let periods: Vec<String> = (last - 3..=last).map(|y| y.to_string()).collect();
    let computed: Vec<String> = index_periods::table
        .filter(index_periods::computed_at.is_not_null())
        .select(index_periods::period)
        .order(index_periods::period)
        .load(conn)
        .unwrap();
    assert_eq!(computed, periods);
    assert_eq!(report.scored_periods, 4);

    // Every (enterprise, year) of annual data has a score row.
    let mut annual: Vec<(i32, String)> = annual_data::table
        .select((annual_data::enterprise_id, annual_data::year))
        .load::<(i32, i32)>(conn)
        .unwrap()
        .into_iter()
        .map(|(e, y)| (e, y.to_string()))
        .collect();
    let mut scored: Vec<(i32, String)> = index_scores::table
        .select((index_scores::enterprise_id, index_scores::period))
        .load(conn)
        .unwrap();
    annual.sort();
    scored.sort();
    assert_eq!(annual.len(), 1335 * 4);
    assert_eq!(scored, annual);

    // National enterprises stand above innovative SMEs in the latest period.
    let median = |conn: &mut DbConnection, level: &str| {
        let mut totals: Vec<f64> = index_scores::table
            .inner_join(enterprises::table)
            .filter(index_scores::period.eq(last.to_string()))
            .filter(enterprises::current_level.eq(level))
            .select(index_scores::total)
            .load::<Option<f64>>(conn)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        assert!(totals.len() > 10, "{level}: {} totals", totals.len());
        totals.sort_by(f64::total_cmp);
        totals[totals.len() / 2]
    };
    let national = median(conn, "national");
    let provincial = median(conn, "provincial");
    let innovative = median(conn, "innovative_sme");
    assert!(
        national > provincial && provincial > innovative,
        "{national} {provincial} {innovative}"
    );

    // Totals move between periods (there are movers).
    let totals: Vec<(i32, String, Option<f64>)> = index_scores::table
        .select((
            index_scores::enterprise_id,
            index_scores::period,
            index_scores::total,
        ))
        .order((index_scores::enterprise_id, index_scores::period))
        .load(conn)
        .unwrap();
    let at = |id: i32, p: &str| {
        totals
            .iter()
            .find(|(e, q, _)| *e == id && q == p)
            .and_then(|t| t.2)
    };
    // Four rows an enterprise: every ninth enterprise.
    let ids: Vec<i32> = totals.iter().step_by(4 * 9).map(|t| t.0).collect();
    let moved = ids
        .iter()
        .filter(|&&id| {
            let (a, b) = (at(id, &periods[2]), at(id, &periods[3]));
            a.zip(b).is_some_and(|(a, b)| (a - b).abs() > 0.5)
        })
        .count();
    assert!(moved * 2 > ids.len(), "{moved} of {} moved", ids.len());

    // Stored values by source: entered this year, imported before, expert figures.
    let by_source: Vec<(String, String, i64)> = index_values::table
        .group_by((index_values::source, index_values::period))
        .select((index_values::source, index_values::period, count_star()))
        .load(conn)
        .unwrap();
    let n = |source: &str, period: &str| {
        by_source
            .iter()
            .find(|(s, p, _)| s == source && p == period)
            .map_or(0, |r| r.2)
    };
    let full = 1335 * 21;
    for p in &periods[..3] {
        let v = n("imported", p);
        assert!(v > full * 90 / 100 && v < full, "{p}: {v} imported");
        assert_eq!(n("entered", p), 0);
    }
    let v = n("entered", &periods[3]);
    assert!(v > full * 90 / 100 && v < full, "{v} entered");
    assert_eq!(n("expert", &periods[0]) + n("expert", &periods[1]), 0);
    assert!(n("expert", &periods[2]) >= 120 * 12 - 6);
    assert!(n("expert", &periods[3]) >= 120 * 12 - 6);
    let total: i64 = by_source.iter().map(|r| r.2).sum();
    assert_eq!(total as usize, report.index_values);

    // Scores behind the expert figures; `expert` has six waiting in the latest period.
    let expert = User::by_username(conn, "expert").unwrap().unwrap();
    let open: Vec<(i32, String)> = expert_assignments::table
        .filter(expert_assignments::score.is_null())
        .select((expert_assignments::expert_id, expert_assignments::period))
        .load(conn)
        .unwrap();
    assert_eq!(open.len(), 6);
    assert!(
        open.iter()
            .all(|(e, p)| *e == expert.id && *p == periods[3])
    );
    let scored: i64 = expert_assignments::table
        .filter(expert_assignments::score.is_not_null())
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(scored as usize, report.expert_scores);
    assert!(scored >= 120 * 12 * 2 * 3);
    for name in ["expert2", "expert3", "expert4", "expert5"] {
        let u = User::by_username(conn, name).unwrap().unwrap();
        assert_eq!(u.role, Role::Expert);
    }
}

#[test]
fn a_bigger_set_is_scored_for_every_period() {
    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    startup::prepare_database(&db).expect("migrate");
    let options = DemoOptions {
        enterprises: Some(60),
        rubric_results: false,
        ..DemoOptions::default()
    };
    let report = demo::load_with(&db, &options).unwrap().generated.unwrap();
    assert_eq!(report.scored_periods, 4);
    assert_eq!(report.expert_scores, 0);
    let mut conn = db.conn().unwrap();
    let last = demo::today().year() - 1;
    let periods: Vec<String> = index_values::table
        .select(index_values::period)
        .distinct()
        .load(&mut conn)
        .unwrap();
    assert_eq!(periods, vec![last.to_string()]);
    let scores: i64 = index_scores::table.count().get_result(&mut conn).unwrap();
    assert_eq!(scores, 60 * 4);
    assert!(report.training_events > 0 && report.training_invitations > 0);
}

/// Every cultivation page has something to show, and the app's own checks accept the
/// data: the pending advances' checklists are open on the stored record, and an
/// official can approve one.
fn cultivation_is_there_and_passes_the_apps_checks(
    conn: &mut DbConnection,
    mine: &Enterprise,
    today: NaiveDate,
) {
    let all = DataScope::All;
    assert!(partners::table.count().get_result::<i64>(conn).unwrap() >= 25);
    assert!(
        cultivation_events::table
            .count()
            .get_result::<i64>(conn)
            .unwrap()
            > 400
    );
    assert_eq!(
        plan_targets::table.count().get_result::<i64>(conn).unwrap(),
        15
    );
    let pending = cultivation::pending_count(conn, &all).unwrap();
    assert!((8..=12).contains(&pending), "{pending} pending");
    let overdue = cultivation::overdue_count(conn, &all, today).unwrap();
    assert!(overdue > 0);
    let returned = cultivation::proposals(conn, &all, Some("returned"), None, 100).unwrap();
    assert!(!returned.is_empty());
    assert!(returned.iter().all(|p| !p.decision_comment.is_empty()));

    // Stage counts and queues: 1..n within every active stage.
    let by_stage: Vec<(Option<String>, i64)> = enterprises::table
        .group_by(enterprises::cultivation_stage)
        .select((enterprises::cultivation_stage, count_star()))
        .load(conn)
        .unwrap();
    let count = |k: &str| {
        by_stage
            .iter()
            .find(|(s, _)| s.as_deref() == Some(k))
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(count("potential"), 300);
    assert_eq!(count("reserve"), 90);
    assert_eq!(count("shareholding_reform"), 25);
    assert_eq!(count("listing_process"), 11);
    assert_eq!(count("listed"), 2);
    assert_eq!(count("exited"), 15);
    for stage in [
        "potential",
        "reserve",
        "shareholding_reform",
        "listing_process",
    ] {
        let mut orders: Vec<Option<i32>> = enterprises::table
            .filter(enterprises::cultivation_stage.eq(stage))
            .select(enterprises::queue_order)
            .load(conn)
            .unwrap();
        orders.sort();
        let expected: Vec<Option<i32>> = (1..=orders.len() as i32).map(Some).collect();
        assert_eq!(orders, expected, "{stage}");
    }

    // Each pending advance could be proposed now: its checklist is open on the record.
    let waiting = cultivation::proposals(conn, &all, Some("pending"), None, 100).unwrap();
    let mut advances = Vec::new();
    for p in &waiting {
        let e = Enterprise::find(conn, &all, p.enterprise_id)
            .unwrap()
            .unwrap();
        assert_eq!(e.step(), Some(p.step_from));
        if p.is_exit() {
            assert!(!p.reason.is_empty());
            continue;
        }
        let gate = cultivation::gate_for(conn, &e, p.step_to, today).unwrap();
        assert!(gate.is_open(), "{}: {:?}", e.name, gate.missing());
        assert!(p.snapshot().is_some_and(|g| g.is_open()));
        advances.push(p.id);
    }
    assert!(advances.len() >= 6);

    // The enterprise account's company: reserve, two moves, the reform checklist
    // waiting for a law firm only, a task overdue.
    assert_eq!(mine.step(), Some(Step::Reserve));
    assert_eq!(cultivation::events(conn, mine.id).unwrap().len(), 2);
    let gate = cultivation::gate_for(conn, mine, Step::ShareholdingReform, today).unwrap();
    assert_eq!(gate.missing(), vec!["reform.law_firm".to_string()]);
    let tasks = cultivation::tasks(conn, &all, TaskFilter::Enterprise(mine.id), today, 10).unwrap();
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks.iter().filter(|t| t.overdue).count(), 1);
    let staff = User::by_username(conn, "staff").unwrap().unwrap();
    assert!(cultivation::plan(conn, mine.id).unwrap().counsellor_id == Some(staff.id));

    // The official approves a waiting advance: the app re-checks it and moves the
    // enterprise to the end of its new stage's queue.
    let official = User::by_username(conn, "official").unwrap().unwrap();
    let actor = Actor {
        user_id: Some(official.id),
        name: official.username.clone(),
        ip: "test".into(),
    };
    let id = advances[0];
    let outcome = write_transaction(conn, |c| {
        cultivation::decide(
            c,
            &actor,
            Role::Official,
            &all,
            id,
            Decision::Approve,
            "",
            today,
        )
    })
    .unwrap();
    assert!(matches!(outcome, Outcome::Moved(_)), "{outcome:?}");
}

#[test]
fn demo_data_goes_into_an_empty_database_only() {
    let test_db = TestDb::new();
    let db = Db::connect(&test_db.url, 2).expect("connect");
    startup::prepare_database(&db).expect("migrate");
    let mut conn = db.conn().unwrap();
    let code = CreditCode::complete("9137020216356268").unwrap();
    write_transaction(&mut conn, |c| {
        srdi_board::models::enterprise::EnterpriseRef::create(
            c,
            &code,
            "青岛真实企业有限公司",
            "370202",
        )
        .map_err(AppError::from)
    })
    .unwrap();
    let err = demo::load_with(&db, &DemoOptions::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("empty database"), "{err}");
    assert_eq!(row_counts(&mut conn)[0], 1);
}
