//! Who may GET and POST what, for every route in the route table, and what an
//! enterprise account gets when it tries another enterprise's ids.
//!
//! [`TABLE`] is the specification: one row per route of `src/routes/mod.rs`
//! (read by [`every_route`]), one expectation per kind of visitor. A route added
//! without a row fails the test until someone decides who may use it.
//!
//! The ids in the paths are real records of an enterprise A in the Laoshan
//! district (the official's), so an allowed account really gets its page. The
//! same routes are then tried with the ids of another enterprise B by A's
//! account, and with A's ids by staff and an official of another district: not
//! found (or forbidden), nothing of the other record shown, nothing written.

use std::collections::HashMap;

use diesel::prelude::*;
use srdi_board::domain::financing::{FinancingKind, NeedData};
use srdi_board::domain::notification::{Kind, params};
use srdi_board::domain::partner::PartnerKind;
use srdi_board::domain::role::Role;
use srdi_board::domain::scope::DataScope;
use srdi_board::models::audit::Actor;
use srdi_board::models::enterprise::EnterpriseRef;
use srdi_board::models::financing::{Need, Referral};
use srdi_board::schema;

use crate::helpers::{TestApp, location};
use crate::routes_table::{Method, Route, every_route};

/// What a visitor gets from a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// The page (200), or for a POST an answer to the form itself: done (303),
    /// refused for its content (422, 409) or a wrong sign-in (401).
    Allow,
    /// 403: this kind of account may not use the route at all.
    Deny,
    /// 404: the route is allowed, but the record is outside the account's scope.
    Hide,
    /// 303 to `/login`: sign in first.
    Login,
    /// 303 elsewhere: an enterprise account's registry is its own record, a
    /// signed-in visitor of the sign-in page goes home.
    Moved,
}

use Expect::{Allow, Deny, Hide, Login, Moved};

/// The kinds of visitor, in the order of the columns of [`TABLE`].
const VISITORS: [Option<Role>; 6] = [
    None,
    Some(Role::Admin),
    Some(Role::Staff),
    Some(Role::Official),
    Some(Role::Expert),
    Some(Role::Enterprise),
];

/// Column of the enterprise account in a row.
const ENTERPRISE: usize = 5;

/// Columns: anonymous, admin, staff, official, expert, enterprise.
type Row = [Expect; 6];

/// Anyone, signed in or not.
const PUBLIC: Row = [Allow, Allow, Allow, Allow, Allow, Allow];
/// Every signed-in account (its own inbox, password, home).
const SIGNED_IN: Row = [Login, Allow, Allow, Allow, Allow, Allow];
/// Administrators only.
const ADMIN: Row = [Login, Allow, Deny, Deny, Deny, Deny];
/// The equity center: admins and staff change the registry and the pipeline.
const EDITORS: Row = [Login, Allow, Allow, Deny, Deny, Deny];
/// The center and the officials read lists across enterprises.
const READERS: Row = [Login, Allow, Allow, Allow, Deny, Deny];
/// Readers, plus an enterprise account on its own record.
const READERS_AND_OWN: Row = [Login, Allow, Allow, Allow, Deny, Allow];
/// Editors, plus an enterprise account on its own record.
const EDITORS_AND_OWN: Row = [Login, Allow, Allow, Deny, Deny, Allow];
/// The registry's readers include experts (they score enterprises).
const REGISTRY_READERS: Row = [Login, Allow, Allow, Allow, Allow, Deny];
/// The registry's readers, plus an enterprise account on its own record.
const REGISTRY_READERS_AND_OWN: Row = [Login, Allow, Allow, Allow, Allow, Allow];
/// Admins and officials: the audit log, the index model, reports.
const ADMIN_AND_OFFICIALS: Row = [Login, Allow, Deny, Allow, Deny, Deny];
/// Only staff propose (nobody approves their own proposal, so admins do not).
const STAFF: Row = [Login, Deny, Allow, Deny, Deny, Deny];
/// Only officials decide proposals.
const OFFICIALS: Row = [Login, Deny, Deny, Allow, Deny, Deny];
/// Only experts score their assignments.
const EXPERTS: Row = [Login, Deny, Deny, Deny, Allow, Deny];
/// Only an enterprise account takes or gives back its own seat.
const ENTERPRISES: Row = [Login, Deny, Deny, Deny, Deny, Allow];

use Method::{Get as GET, Post as POST};

/// Every route and who may use it.
const TABLE: &[(Method, &str, Row)] = &[
    // Outside the session: probes, assets, signing in and out, language.
    (GET, "/healthz", PUBLIC),
    (GET, "/metrics", PUBLIC), // admins anywhere, anyone from this machine (tests are)
    (GET, "/static/{file:.*}", PUBLIC),
    (GET, "/login", [Allow, Moved, Moved, Moved, Moved, Moved]),
    (POST, "/login", PUBLIC),
    (POST, "/logout", SIGNED_IN),
    (POST, "/lang", PUBLIC),
    // Every account: home, own password, own inbox.
    (GET, "/", SIGNED_IN),
    (GET, "/password", SIGNED_IN),
    (POST, "/password", SIGNED_IN),
    (GET, "/inbox", SIGNED_IN),
    (POST, "/inbox/read-all", SIGNED_IN),
    (POST, "/inbox/{id}/open", SIGNED_IN),
    (POST, "/inbox/{id}/read", SIGNED_IN),
    // The registry.
    (
        GET,
        "/enterprises",
        [Login, Allow, Allow, Allow, Allow, Moved],
    ),
    (GET, "/enterprises.csv", REGISTRY_READERS),
    (GET, "/enterprises.xlsx", REGISTRY_READERS),
    (GET, "/import", EDITORS),
    (POST, "/import", EDITORS),
    (POST, "/enterprises", EDITORS),
    (GET, "/enterprises/new", EDITORS),
    (GET, "/enterprises/{id}", REGISTRY_READERS_AND_OWN),
    (POST, "/enterprises/{id}", EDITORS),
    (GET, "/enterprises/{id}/edit", EDITORS),
    (POST, "/enterprises/{id}/archive", EDITORS),
    (POST, "/enterprises/{id}/restore", EDITORS),
    (POST, "/enterprises/{id}/board-moves", EDITORS),
    (POST, "/enterprises/{id}/qualifications", EDITORS),
    (GET, "/enterprises/{id}/rubric", REGISTRY_READERS_AND_OWN),
    (GET, "/enterprises/{id}/annual", EDITORS_AND_OWN),
    (POST, "/enterprises/{id}/annual", EDITORS_AND_OWN), // the enterprise submits
    (GET, "/qualifications/expiring", REGISTRY_READERS),
    (POST, "/qualifications/{id}/re-review", EDITORS),
    (POST, "/qualifications/{id}/revocation", EDITORS),
    (GET, "/submissions", EDITORS),
    (POST, "/submissions/{id}/approval", EDITORS),
    (POST, "/submissions/{id}/return", EDITORS),
    // IPO cultivation.
    (GET, "/enterprises/{id}/cultivation", READERS_AND_OWN),
    (POST, "/enterprises/{id}/cultivation/discover", STAFF),
    (POST, "/enterprises/{id}/cultivation/ticks", EDITORS),
    (POST, "/enterprises/{id}/cultivation/proposals", STAFF),
    (POST, "/enterprises/{id}/cultivation/plan", EDITORS),
    (
        POST,
        "/enterprises/{id}/cultivation/intermediaries",
        EDITORS,
    ),
    (POST, "/enterprises/{id}/cultivation/tasks", EDITORS),
    (POST, "/enterprises/{id}/queue", EDITORS),
    (GET, "/proposals", READERS),
    (GET, "/proposals/{id}", READERS),
    (POST, "/proposals/{id}/decision", OFFICIALS),
    (GET, "/pipeline", READERS),
    (GET, "/reports/quarterly", ADMIN_AND_OFFICIALS),
    (GET, "/reports/quarterly.xlsx", ADMIN_AND_OFFICIALS),
    (GET, "/pipeline.csv", READERS),
    (GET, "/pipeline.xlsx", READERS),
    (GET, "/pipeline/queue", READERS),
    (GET, "/pipeline/targets", ADMIN),
    (POST, "/pipeline/targets", ADMIN),
    (GET, "/tasks", READERS),
    (POST, "/tasks/{id}/done", EDITORS),
    // The development index.
    (GET, "/enterprises/{id}/index", READERS_AND_OWN),
    (GET, "/index", READERS),
    (GET, "/index/scores.csv", READERS),
    (GET, "/index/scores.xlsx", READERS),
    (GET, "/enterprises/{id}/index/data", EDITORS),
    (POST, "/enterprises/{id}/index/data", EDITORS),
    (GET, "/index/import", EDITORS),
    (POST, "/index/import", EDITORS),
    (GET, "/index/import/template.csv", EDITORS),
    (GET, "/index/experts", ADMIN),
    (POST, "/index/experts", ADMIN),
    (GET, "/index/experts/review", ADMIN_AND_OFFICIALS),
    (POST, "/index/experts/{id}/remove", ADMIN),
    (GET, "/index/expert", EXPERTS),
    (GET, "/index/expert/{enterprise_id}/{period}", EXPERTS),
    (POST, "/index/expert/{enterprise_id}/{period}", EXPERTS),
    // Financing and partners.
    (GET, "/financing", READERS_AND_OWN),
    (POST, "/financing/needs", EDITORS_AND_OWN),
    (GET, "/financing/needs/new", EDITORS_AND_OWN),
    (GET, "/financing/needs/{id}", READERS_AND_OWN),
    (POST, "/financing/needs/{id}/close", EDITORS_AND_OWN),
    (POST, "/financing/needs/{id}/referrals", EDITORS),
    (POST, "/financing/referrals/{id}", EDITORS),
    (GET, "/financing/service-center", READERS),
    (GET, "/partners", READERS),
    (POST, "/partners", EDITORS),
    (GET, "/partners/new", EDITORS),
    (GET, "/partners/{id}", READERS),
    (POST, "/partners/{id}", EDITORS),
    (POST, "/partners/{id}/agreements", EDITORS),
    (POST, "/partners/{id}/agreements/{aid}", EDITORS),
    (POST, "/partners/{id}/agreements/{aid}/terminate", EDITORS),
    (POST, "/partners/{id}/plans", EDITORS),
    (POST, "/partners/{id}/plans/{plan}", EDITORS),
    (POST, "/partners/{id}/active", EDITORS),
    // Training and events.
    (GET, "/training", READERS_AND_OWN),
    (POST, "/training", EDITORS),
    (GET, "/training/new", EDITORS),
    (GET, "/training/{id}", READERS_AND_OWN), // enterprises: events open to them
    (GET, "/training/{id}/edit", EDITORS),
    (POST, "/training/{id}/edit", EDITORS),
    (POST, "/training/{id}/invite", EDITORS),
    (POST, "/training/{id}/invite-one", EDITORS),
    (POST, "/training/{id}/register", ENTERPRISES),
    (POST, "/training/{id}/cancel", ENTERPRISES),
    (POST, "/training/{id}/attendance", EDITORS),
    // The index model: admins change it, officials read it.
    (GET, "/admin/index", ADMIN_AND_OFFICIALS),
    (POST, "/admin/index/recompute", ADMIN),
    (GET, "/admin/index/models/{id}", ADMIN_AND_OFFICIALS),
    (POST, "/admin/index/models/{id}/activate", ADMIN),
    (GET, "/admin/index/models/{id}/json", ADMIN_AND_OFFICIALS),
    (POST, "/admin/index/models/{id}/json", ADMIN),
    (GET, "/admin/index/indicators/new", ADMIN),
    (POST, "/admin/index/indicators/new", ADMIN),
    (GET, "/admin/index/weights", ADMIN_AND_OFFICIALS),
    (POST, "/admin/index/weights", ADMIN),
    // Administration.
    (GET, "/admin/users", ADMIN),
    (POST, "/admin/users", ADMIN),
    (GET, "/admin/users/new", ADMIN),
    (GET, "/admin/users/{id}", ADMIN),
    (POST, "/admin/users/{id}", ADMIN),
    (POST, "/admin/users/{id}/disable", ADMIN),
    (POST, "/admin/users/{id}/enable", ADMIN),
    (POST, "/admin/users/{id}/password", ADMIN),
    (POST, "/admin/users/{id}/sessions/end", ADMIN),
    (GET, "/admin/reference", ADMIN),
    (POST, "/admin/districts", ADMIN),
    (POST, "/admin/board-conditions", ADMIN),
    (POST, "/admin/board-conditions/{id}/active", ADMIN),
    (POST, "/admin/rubrics", ADMIN),
    (GET, "/admin/gates", ADMIN),
    (POST, "/admin/gates", ADMIN),
    (POST, "/admin/gates/{id}", ADMIN),
    (GET, "/admin/sessions", ADMIN),
    (POST, "/admin/sessions/{id}/end", ADMIN),
    (GET, "/audit", ADMIN_AND_OFFICIALS),
];

/// The row of a route; panics for a route nobody has classified yet.
fn rule(route: &Route) -> Row {
    TABLE
        .iter()
        .find(|(m, p, _)| *m == route.method && *p == route.pattern)
        .map(|(_, _, row)| *row)
        .unwrap_or_else(|| panic!("{route} has no row in roles::TABLE: decide who may use it"))
}

/// Uploads take a multipart body.
const UPLOADS: [&str; 2] = ["/import", "/index/import"];

/// Ids of real records to put in paths: one enterprise's records and the shared
/// ones (partner, model, reference data, another account and its session).
#[derive(Clone, Debug)]
struct Ids {
    enterprise: i32,
    qualification: i32,
    submission: i32,
    proposal: i32,
    task: i32,
    need: i32,
    referral: i32,
    training: i32,
    assignment: i32,
    notification: i32,
    user: i32,
    partner: i32,
    agreement: i32,
    plan: i32,
    model: i32,
    condition: i32,
    gate: i32,
    session: i32,
}

impl Ids {
    /// The id a `{id}` after `segment` names.
    fn after(&self, segment: &str) -> i32 {
        match segment {
            "enterprises" => self.enterprise,
            "qualifications" => self.qualification,
            "submissions" => self.submission,
            "proposals" => self.proposal,
            "tasks" => self.task,
            "needs" => self.need,
            "referrals" => self.referral,
            "training" => self.training,
            "experts" => self.assignment,
            "inbox" => self.notification,
            "users" => self.user,
            "partners" => self.partner,
            "models" => self.model,
            "board-conditions" => self.condition,
            "gates" => self.gate,
            "sessions" => self.session,
            other => panic!("no id for a `{{id}}` after /{other}/: add one to roles::Ids"),
        }
    }

    /// Whether a route's path names a record of one enterprise (and so of its
    /// district).
    fn names_an_enterprise(pattern: &str) -> bool {
        const OWNED: [&str; 8] = [
            "enterprises",
            "qualifications",
            "submissions",
            "proposals",
            "tasks",
            "needs",
            "referrals",
            "experts",
        ];
        pattern.contains("{enterprise_id}")
            || OWNED
                .iter()
                .any(|o| pattern.contains(&format!("/{o}/{{id}}")))
    }

    /// A concrete path (with the query a page needs) for a route pattern.
    fn path(&self, pattern: &str) -> String {
        let mut out = Vec::new();
        let mut previous = "";
        for s in pattern.split('/') {
            let value = match s {
                "{id}" => self.after(previous).to_string(),
                "{enterprise_id}" => self.enterprise.to_string(),
                "{aid}" => self.agreement.to_string(),
                "{plan}" => self.plan.to_string(),
                "{period}" => PERIOD.to_string(),
                "{file:.*}" => "css/app.css".to_string(),
                s if s.starts_with('{') => panic!("no value for {s} in {pattern}"),
                s => s.to_string(),
            };
            out.push(value);
            previous = s;
        }
        let query = match pattern {
            "/pipeline/queue" => "?stage=potential".to_string(),
            "/financing/needs/new" => format!("?enterprise={}", self.enterprise),
            "/enterprises/{id}/index/data" => format!("?period={PERIOD}"),
            _ => String::new(),
        };
        format!("{}{query}", out.join("/"))
    }
}

/// The index period the expert assignments are in.
const PERIOD: &str = "2025";
/// An expert-scored indicator of the built-in model.
const EXPERT_INDICATOR: &str = "spec_market_reputation";

/// One enterprise with an account and one record of every kind that has an id.
struct Company {
    name: &'static str,
    code: String,
    ids: Ids,
}

/// A client with its form token (the pre-sign-in one for the anonymous).
struct Visitor {
    name: String,
    client: reqwest::Client,
    token: String,
}

/// Two enterprises in the Laoshan district with everything, the staff, a
/// Laoshan official, an expert, an admin, a spare account to act on, and a
/// signed-in client per kind of visitor.
struct World {
    app: TestApp,
    a: Company,
    b: Company,
    /// One per entry of [`VISITORS`].
    visitors: Vec<Visitor>,
    /// Each account's own notification, by role.
    inbox: HashMap<Role, i32>,
    /// The records nobody owns (partner, model, reference data), a spare
    /// account and another account's session, for the admin's actions.
    shared: Ids,
}

const DISTRICT: &str = "370212";

/// Runs a diesel query (looking up the ids of records just made).
fn query<T>(
    app: &TestApp,
    f: impl FnOnce(&mut srdi_board::db::DbConnection) -> QueryResult<T>,
) -> T {
    app.with_db(|c| Ok(f(c)?))
}

fn notify(app: &TestApp, user: i32) -> i32 {
    app.with_db(|c| {
        srdi_board::models::notification::notify(
            c,
            &[user],
            Kind::ReferralAnswered,
            &params([
                ("partner", "青岛银行".to_string()),
                ("enterprise", "某企业".to_string()),
                ("answer", "同意授信".to_string()),
            ]),
            "/",
            None,
            None,
        )?;
        use schema::notifications as n;
        Ok(n::table
            .filter(n::user_id.eq(user))
            .select(n::id)
            .order(n::id.desc())
            .first(c)?)
    })
}

async fn post_ok(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let r = app.post_form(client, path, fields).await;
    assert_eq!(
        r.status(),
        303,
        "setup POST {path}: {}",
        r.text().await.unwrap()
    );
    r
}

impl World {
    async fn build() -> World {
        let app = TestApp::spawn().await;
        let admin = app.user("r.admin", Role::Admin);
        let staff = app.user("r.staff", Role::Staff);
        let official = app.user_with("r.official", Role::Official, None, &[DISTRICT], false);
        let expert = app.user("r.expert", Role::Expert);
        let target = app.user("r.target", Role::Staff);
        // Signed in elsewhere, for the admin's "end this session".
        let online = app.user("r.online", Role::Staff);
        let online_client = app.signed_in("r.online").await;
        let a_ref = app.enterprise("9137021258674123", "青岛甲方精密股份有限公司", DISTRICT);
        let b_ref = app.enterprise("9137021157736912", "青岛乙方海洋科技有限公司", DISTRICT);
        let a_user = app.user_with("r.ent.a", Role::Enterprise, Some(a_ref.id), &[], false);
        let b_user = app.user_with("r.ent.b", Role::Enterprise, Some(b_ref.id), &[], false);
        let staff_client = app.signed_in("r.staff").await;

        // Shared records: a bank with an agreement and a service plan.
        let bank = app.partner("青岛测试银行", PartnerKind::Bank);
        let partner_page = format!("/partners/{bank}");
        post_ok(
            &app,
            &staff_client,
            &format!("{partner_page}/agreements"),
            &[
                ("signed_on", "2026-01-01"),
                ("scope", "科技型中小企业信贷服务"),
                ("starts_on", "2026-01-01"),
                ("ends_on", "2028-12-31"),
            ],
        )
        .await;
        post_ok(
            &app,
            &staff_client,
            &format!("{partner_page}/plans"),
            &[
                ("name", "专精特新贷"),
                ("products", "信用贷款"),
                ("min_amount", "50"),
                ("max_amount", "1000"),
                ("term_months", "12"),
                ("rate_min", "3.2"),
                ("rate_max", "4.5"),
                ("target_levels", "专精特新中小企业"),
                ("active", "1"),
            ],
        )
        .await;
        let (agreement, plan) = query(&app, |c| {
            use schema::{partner_agreements as pa, partner_service_plans as sp};
            Ok((
                pa::table
                    .filter(pa::partner_id.eq(bank))
                    .select(pa::id)
                    .first::<i32>(c)?,
                sp::table
                    .filter(sp::partner_id.eq(bank))
                    .select(sp::id)
                    .first::<i32>(c)?,
            ))
        });
        let (model, condition, gate, session) = query(&app, |c| {
            use schema::{board_conditions as bc, gate_items as g, sessions as s};
            Ok((
                srdi_board::models::index::active(c)?.id,
                bc::table.select(bc::id).order(bc::id).first::<i32>(c)?,
                g::table.select(g::id).order(g::id).first::<i32>(c)?,
                s::table
                    .filter(s::user_id.eq(online.id))
                    .select(s::id)
                    .first::<i32>(c)?,
            ))
        });
        drop(online_client);
        let shared = Ids {
            enterprise: 0,
            qualification: 0,
            submission: 0,
            proposal: 0,
            task: 0,
            need: 0,
            referral: 0,
            training: 0,
            assignment: 0,
            notification: 0,
            user: target.id,
            partner: bank,
            agreement,
            plan,
            model,
            condition,
            gate,
            session,
        };

        let mut companies = Vec::new();
        for (e, account, name, login) in [
            (a_ref, a_user, "青岛甲方精密股份有限公司", "r.ent.a"),
            (b_ref, b_user, "青岛乙方海洋科技有限公司", "r.ent.b"),
        ] {
            let ids = Self::records_of(
                &app,
                &staff_client,
                &e,
                account.id,
                login,
                staff.id,
                expert.id,
                bank,
                &shared,
            )
            .await;
            companies.push(Company {
                name,
                code: e.credit_code.clone(),
                ids,
            });
        }
        // Scores for the period, so the index pages and exports have one to show.
        let mut conn = app.db.conn().unwrap();
        srdi_board::models::index::recompute_period(
            &mut conn,
            &Actor::cli(),
            PERIOD.parse().unwrap(),
            &mut |_, _, _| {},
        )
        .unwrap();
        drop(conn);
        let b = companies.pop().unwrap();
        let a = companies.pop().unwrap();
        let mut inbox = HashMap::new();
        for (role, user) in [
            (Role::Admin, admin.id),
            (Role::Staff, staff.id),
            (Role::Official, official.id),
            (Role::Expert, expert.id),
        ] {
            inbox.insert(role, notify(&app, user));
        }
        inbox.insert(Role::Enterprise, a.ids.notification);
        let anonymous = app.client();
        let mut visitors = vec![Visitor {
            name: "anonymous".into(),
            token: app.csrf(&anonymous, "/login").await,
            client: anonymous,
        }];
        for name in ["r.admin", "r.staff", "r.official", "r.expert", "r.ent.a"] {
            visitors.push(Self::visitor(&app, name).await);
        }
        World {
            app,
            a,
            b,
            visitors,
            inbox,
            shared,
        }
    }

    /// Gives an enterprise one record of every kind that has an id of its own.
    #[allow(clippy::too_many_arguments)]
    async fn records_of(
        app: &TestApp,
        staff: &reqwest::Client,
        e: &EnterpriseRef,
        account: i32,
        login: &str,
        staff_id: i32,
        expert_id: i32,
        bank: i32,
        shared: &Ids,
    ) -> Ids {
        let id = e.id;
        // A title in force.
        app.sql(&format!(
            "INSERT INTO qualifications (enterprise_id, level, batch, recognized_on, expires_on, \
             created_at, updated_at, version) VALUES ({id}, 'municipal', '2025', '2025-01-01', \
             '2028-01-01', '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1)"
        ));
        // Annual data submitted by the enterprise and waiting for review.
        let own = app.signed_in(login).await;
        post_ok(
            app,
            &own,
            &format!("/enterprises/{id}/annual"),
            &[("year", "2025"), ("revenue", "12000"), ("employees", "80")],
        )
        .await;
        // In the pipeline with an exit proposal waiting for the official.
        post_ok(
            app,
            staff,
            &format!("/enterprises/{id}/cultivation/discover"),
            &[("note", "推荐")],
        )
        .await;
        post_ok(
            app,
            staff,
            &format!("/enterprises/{id}/cultivation/proposals"),
            &[
                ("action", "exit"),
                ("exit_kind", "withdrawn"),
                ("reason", "企业暂缓上市计划"),
                ("comment", ""),
            ],
        )
        .await;
        app.sql(&format!(
            "INSERT INTO cultivation_tasks (enterprise_id, step, title, owner_id, due_on, status, \
             created_at, updated_at, version) VALUES ({id}, 'potential', '走访企业', {staff_id}, \
             '2030-01-01', 'open', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
        ));
        // A training event this enterprise alone is invited to (the audience is the
        // listing tier, which neither enterprise is on).
        let starts = (chrono::Utc::now() + chrono::Duration::days(10))
            .format("%Y-%m-%dT09:00")
            .to_string();
        let ends = (chrono::Utc::now() + chrono::Duration::days(10))
            .format("%Y-%m-%dT11:00")
            .to_string();
        let r = post_ok(
            app,
            staff,
            "/training",
            &[
                ("title", "上市规则讲解"),
                ("kind", "training"),
                ("starts_at", &starts),
                ("ends_at", &ends),
                ("place", "市民中心 A 座 201"),
                ("capacity", "10"),
                ("description", "讲解"),
                ("tiers", "listing"),
            ],
        )
        .await;
        let training: i32 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
        post_ok(
            app,
            staff,
            &format!("/training/{training}/invite-one"),
            &[("credit_code", &e.credit_code)],
        )
        .await;
        // A financing need referred to the bank, an expert assignment, a message.
        let (need, referral, assignment) = app.with_db(|c| {
            let data = NeedData {
                kind: FinancingKind::Loan,
                amount: 5_000_000,
                purpose: "采购研发设备".into(),
                wanted_by: None,
            };
            let need = Need::create(c, &Actor::cli(), id, DISTRICT, &data, "staff")?;
            let row = Need::find(c, &DataScope::All, need.id)?.unwrap();
            let referral = Referral::create(c, &Actor::cli(), &row, bank).expect("refer");
            srdi_board::models::experts::assign(
                c,
                &Actor::cli(),
                expert_id,
                id,
                PERIOD.parse().unwrap(),
                &[EXPERT_INDICATOR.to_string()],
            )?;
            use schema::expert_assignments as x;
            let assignment = x::table
                .filter(x::enterprise_id.eq(id))
                .select(x::id)
                .first::<i32>(c)?;
            Ok((need.id, referral.id, assignment))
        });
        let (qualification, submission, proposal, task, session) = query(app, |c| {
            use schema::{
                annual_submissions as s, cultivation_proposals as p, cultivation_tasks as t,
                qualifications as q, sessions,
            };
            Ok((
                q::table
                    .filter(q::enterprise_id.eq(id))
                    .select(q::id)
                    .first::<i32>(c)?,
                s::table
                    .filter(s::enterprise_id.eq(id))
                    .select(s::id)
                    .first::<i32>(c)?,
                p::table
                    .filter(p::enterprise_id.eq(id))
                    .select(p::id)
                    .first::<i32>(c)?,
                t::table
                    .filter(t::enterprise_id.eq(id))
                    .select(t::id)
                    .first::<i32>(c)?,
                sessions::table
                    .filter(sessions::user_id.eq(account))
                    .select(sessions::id)
                    .first::<i32>(c)?,
            ))
        });
        Ids {
            enterprise: id,
            qualification,
            submission,
            proposal,
            task,
            need,
            referral,
            training,
            assignment,
            notification: notify(app, account),
            // The enterprise's own account and its session.
            user: account,
            session,
            ..shared.clone()
        }
    }

    fn audit_rows(&self) -> i64 {
        self.app
            .with_db(|c| Ok(schema::audit_log::table.count().get_result::<i64>(c)?))
    }

    /// What the form of a visitor sends besides its token: enough for the
    /// handler to read the form (so an allowed role meets the handler's own
    /// checks), never enough to sign in or to change a password.
    fn fields(route: &Route, visitor: &Visitor, ids: &Ids) -> Vec<(String, String)> {
        let v = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        match route.pattern.as_str() {
            // A different unknown name per visitor, so no account is throttled.
            "/login" => v(&[
                ("username", &format!("nobody.{}", visitor.name)),
                ("password", "not-the-password"),
            ]),
            "/lang" => v(&[("lang", "zh-CN"), ("next", "/")]),
            "/password" => v(&[
                ("current_password", "not-the-password"),
                ("new_password", "Another-long-passphrase-77"),
                ("confirm_password", "Another-long-passphrase-77"),
            ]),
            "/financing/needs" => v(&[("enterprise_id", &ids.enterprise.to_string())]),
            "/enterprises/{id}/queue" => v(&[("direction", "up")]),
            "/partners/{id}/active" => v(&[("active", "1")]),
            _ => Vec::new(),
        }
    }

    /// Sends one request with ids from `ids` and returns (status, location, body).
    async fn send(&self, visitor: &Visitor, route: &Route, ids: &Ids) -> (u16, String, String) {
        let path = ids.path(&route.pattern);
        let (client, token) = (&visitor.client, &visitor.token);
        let url = self.app.url(&path);
        let r = match route.method {
            Method::Get => client.get(url).send().await.unwrap(),
            Method::Post if UPLOADS.contains(&route.pattern.as_str()) => {
                let form = reqwest::multipart::Form::new().text("csrf_token", token.to_string());
                client.post(url).multipart(form).send().await.unwrap()
            }
            Method::Post => {
                let mut form = vec![("csrf_token".to_string(), token.to_string())];
                form.extend(Self::fields(route, visitor, ids));
                client.post(url).form(&form).send().await.unwrap()
            }
        };
        let status = r.status().as_u16();
        let to = location(&r);
        (status, to, r.text().await.unwrap())
    }

    /// A client signed in as `username` with its form token.
    async fn visitor(app: &TestApp, username: &str) -> Visitor {
        let client = app.signed_in(username).await;
        Visitor {
            name: username.to_string(),
            token: app.csrf(&client, "/password").await,
            client,
        }
    }

    /// A company's rows as they stand (its records, its account and sessions), to
    /// show that nothing of them changed.
    fn fingerprint(&self, c: &Company) -> String {
        let ids = c.ids.clone();
        self.app.with_db(move |conn| {
            use schema::*;
            let e: (i32, Option<chrono::NaiveDateTime>) = enterprises::table
                .find(ids.enterprise)
                .select((enterprises::version, enterprises::archived_at))
                .first(conn)?;
            let q: i32 = qualifications::table
                .find(ids.qualification)
                .select(qualifications::version)
                .first(conn)?;
            let s: String = annual_submissions::table
                .find(ids.submission)
                .select(annual_submissions::status)
                .first(conn)?;
            let p: String = cultivation_proposals::table
                .find(ids.proposal)
                .select(cultivation_proposals::status)
                .first(conn)?;
            let t: i32 = cultivation_tasks::table
                .find(ids.task)
                .select(cultivation_tasks::version)
                .first(conn)?;
            let n: i32 = financing_needs::table
                .find(ids.need)
                .select(financing_needs::version)
                .first(conn)?;
            let r: i32 = financing_referrals::table
                .find(ids.referral)
                .select(financing_referrals::version)
                .first(conn)?;
            let x: i64 = expert_assignments::table
                .filter(expert_assignments::enterprise_id.eq(ids.enterprise))
                .count()
                .get_result(conn)?;
            let regs: i64 = training_registrations::table
                .filter(training_registrations::event_id.eq(ids.training))
                .count()
                .get_result(conn)?;
            let read: Option<chrono::NaiveDateTime> = notifications::table
                .find(ids.notification)
                .select(notifications::read_at)
                .first(conn)?;
            let annual: i64 = annual_data::table
                .filter(annual_data::enterprise_id.eq(ids.enterprise))
                .count()
                .get_result(conn)?;
            let account: (i32, bool) = users::table
                .find(ids.user)
                .select((users::version, users::disabled))
                .first(conn)?;
            let sessions: i64 = sessions::table
                .filter(sessions::user_id.eq(ids.user))
                .count()
                .get_result(conn)?;
            Ok(format!(
                "{e:?} {q} {s} {p} {t} {n} {r} {x} {regs} {read:?} {annual} {account:?} {sessions}"
            ))
        })
    }
}

/// What a response means, in the terms of the table.
fn classify(method: Method, status: u16, to: &str) -> Option<Expect> {
    Some(match (method, status) {
        (_, 303) if to.starts_with("/login") => Login,
        (Method::Get, 200) => Allow,
        (Method::Get, 303) => Moved,
        (Method::Post, 200 | 303 | 401 | 409 | 422) => Allow,
        (_, 403) => Deny,
        (_, 404) => Hide,
        _ => return None,
    })
}

#[tokio::test]
async fn every_route_answers_every_kind_of_account_as_the_table_says() {
    let w = World::build().await;
    let routes = every_route();
    // The table lists the route table exactly: nothing missing, nothing stale.
    for (m, p, _) in TABLE {
        assert!(
            routes.iter().any(|r| r.method == *m && r.pattern == *p),
            "{m} {p} is in roles::TABLE but not in the route table"
        );
    }
    let mut ordered: Vec<&Route> = routes.iter().collect();
    // Signing out ends the session the other requests use: last.
    ordered.sort_by_key(|r| r.pattern == "/logout");
    let mut wrong = Vec::new();
    let mut checked = 0;
    // The most powerful last: their allowed POSTs change the most.
    for v in (0..VISITORS.len()).map(|i| (VISITORS.len() - i) % VISITORS.len()) {
        // A's records; the visitor's own message; the spare account to act on.
        let ids = Ids {
            notification: VISITORS[v].map_or(w.a.ids.notification, |role| w.inbox[&role]),
            user: w.shared.user,
            session: w.shared.session,
            ..w.a.ids.clone()
        };
        for route in &ordered {
            let want = rule(route)[v];
            let path = ids.path(&route.pattern);
            let audit_before = w.audit_rows();
            let (status, to, body) = w.send(&w.visitors[v], route, &ids).await;
            checked += 1;
            let who = VISITORS[v].map_or("anonymous", |r| r.as_str());
            let mut got = classify(route.method, status, &to);
            if route.pattern == "/logout" && VISITORS[v].is_some() && got == Some(Login) {
                // Signing out ends on the sign-in page: it worked if the session is gone.
                let home = w.visitors[v]
                    .client
                    .get(w.app.url("/"))
                    .send()
                    .await
                    .unwrap();
                if location(&home).starts_with("/login") {
                    got = Some(Allow);
                }
            }
            match got {
                Some(got) if got == want => {}
                got => wrong.push(format!(
                    "{who} {} {path}: want {want:?}, got {got:?} ({status} {to})",
                    route.method,
                )),
            }
            if want == Deny && status == 403 {
                if !body.contains("您没有权限访问此页面") {
                    wrong.push(format!(
                        "{who} {} {path}: 403 without the refusal page",
                        route.method
                    ));
                }
                if w.audit_rows() != audit_before {
                    wrong.push(format!(
                        "{who} {} {path}: refused, but wrote to the audit log",
                        route.method
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} answers differ from roles::TABLE:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(checked, routes.len() * VISITORS.len());
}

#[tokio::test]
async fn an_enterprise_account_reaches_none_of_another_enterprises_records() {
    let w = World::build().await;
    let (a, b) = (&w.a, &w.b);
    let account_of_a = &w.visitors[ENTERPRISE];
    let id_routes: Vec<Route> = every_route()
        .into_iter()
        .filter(|r| r.has_ids() && !r.pattern.starts_with("/static/"))
        .collect();
    assert!(
        id_routes.len() >= 60,
        "{} id-bearing routes",
        id_routes.len()
    );
    let leaks = |body: &str| body.contains(b.name) || body.contains(&b.code);
    let b_before = w.fingerprint(b);
    let mut wrong = Vec::new();
    // B's ids: not found where the route is open to enterprise accounts,
    // forbidden where it is not; nothing of B shown, nothing written.
    for route in &id_routes {
        let want = match rule(route)[ENTERPRISE] {
            Allow => Hide,
            other => other,
        };
        let path = b.ids.path(&route.pattern);
        let audit_before = w.audit_rows();
        let (status, to, body) = w.send(account_of_a, route, &b.ids).await;
        let got = classify(route.method, status, &to);
        if got != Some(want) {
            wrong.push(format!(
                "{} {path} with B's ids: want {want:?}, got {got:?} ({status} {to})",
                route.method
            ));
        }
        if leaks(&body) {
            wrong.push(format!(
                "{} {path}: B's name or code in the answer",
                route.method
            ));
        }
        if w.audit_rows() != audit_before {
            wrong.push(format!(
                "{} {path} with B's ids wrote to the audit log",
                route.method
            ));
        }
        if w.fingerprint(b) != b_before {
            wrong.push(format!(
                "{} {path} with B's ids changed B's records",
                route.method
            ));
        }
    }
    // A's own ids work where the table opens the route to enterprise accounts,
    // and no page of A's (with ids or without: home, inbox, lists) shows B.
    let mut own = 0;
    let mut pages = every_route();
    pages.retain(|r| rule(r)[ENTERPRISE] == Allow && (r.has_ids() || r.method == Method::Get));
    for route in &pages {
        let path = a.ids.path(&route.pattern);
        let (status, to, body) = w.send(account_of_a, route, &a.ids).await;
        own += 1;
        if classify(route.method, status, &to) != Some(Allow) {
            wrong.push(format!("{} {path} as A: {status} {to}", route.method));
        }
        if leaks(&body) {
            wrong.push(format!(
                "{} {path}: B's name or code on A's page",
                route.method
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(own >= 15, "only {own} routes open to A");
    assert_eq!(w.fingerprint(b), b_before);
}

#[tokio::test]
async fn district_accounts_reach_no_record_of_another_district() {
    let w = World::build().await;
    let a = &w.a;
    let a_before = w.fingerprint(a);
    let mut wrong = Vec::new();
    let mut hidden = 0;
    // Staff and an official of Huangdao; A is in Laoshan, where the table's
    // accounts get the same routes (the first test).
    for (role, column) in [(Role::Staff, 2), (Role::Official, 3)] {
        assert_eq!(VISITORS[column], Some(role));
        let name = format!("r.{role}.huangdao");
        w.app.user_with(&name, role, None, &["370211"], false);
        let visitor = World::visitor(&w.app, &name).await;
        for route in every_route()
            .iter()
            .filter(|r| Ids::names_an_enterprise(&r.pattern) && rule(r)[column] == Allow)
        {
            let audit_before = w.audit_rows();
            let (status, to, body) = w.send(&visitor, route, &a.ids).await;
            hidden += 1;
            let path = a.ids.path(&route.pattern);
            if classify(route.method, status, &to) != Some(Hide) {
                wrong.push(format!(
                    "{name} {} {path}: {status} {to}, want 404",
                    route.method
                ));
            }
            if body.contains(a.name) || body.contains(&a.code) {
                wrong.push(format!(
                    "{name} {} {path}: A's name or code shown",
                    route.method
                ));
            }
            if w.audit_rows() != audit_before {
                wrong.push(format!(
                    "{name} {} {path}: wrote to the audit log",
                    route.method
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(hidden >= 30, "only {hidden} requests");
    assert_eq!(w.fingerprint(a), a_before, "A's records are as they were");
}
