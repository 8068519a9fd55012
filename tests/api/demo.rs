//! The demo data set on a fresh database: the seed's numbers, valid credit codes, the
//! enterprise account bound to its enterprise, stored levels and rubric results equal
//! to what the app computes, and a second load that adds nothing.

use chrono::{Datelike, NaiveDate};
use diesel::dsl::count_star;
use diesel::prelude::*;
use srdi_board::db::{Db, DbConnection, write_transaction};
use srdi_board::demo::{self, DemoOptions};
use srdi_board::domain::credit_code::CreditCode;
use srdi_board::domain::scope::DataScope;
use srdi_board::error::AppError;
use srdi_board::models::enterprise::Enterprise;
use srdi_board::models::user::User;
use srdi_board::models::{qualification, rubric};
use srdi_board::schema::{
    annual_data, board_entries, enterprises, qualification_events, qualifications, rubric_results,
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
        board_entries::table.count().get_result(conn).unwrap(),
        rubric_results::table.count().get_result(conn).unwrap(),
        users::table.count().get_result(conn).unwrap(),
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
    assert_eq!(loaded.accounts.len(), 6);
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
    assert_eq!(before[0].len(), 9, "three rubrics for each of three years");
    write_transaction(&mut conn, |c| {
        for (id, _, _) in &stored {
            qualification::refresh_level(c, *id, today)?;
        }
        for id in &sample {
            let e = Enterprise::find(c, &DataScope::All, *id)?.unwrap();
            for year in today.year() - 3..today.year() {
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
