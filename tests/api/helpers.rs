//! Spawns the app on port 0 with a database of its own: a fresh SQLite file, or,
//! when `TEST_DATABASE_URL` names a PostgreSQL server, a fresh database there.

use std::net::TcpListener;
use std::sync::LazyLock;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::redirect::Policy;
use srdi_board::config::Settings;
use srdi_board::db::{Db, DbConnection, write_transaction};
use srdi_board::domain::credit_code::CreditCode;
use srdi_board::domain::district::DistrictCode;
use srdi_board::domain::partner::{PartnerData, PartnerKind};
use srdi_board::domain::role::Role;
use srdi_board::domain::username::Username;
use srdi_board::error::AppError;
use srdi_board::models::audit::Actor;
use srdi_board::models::enterprise::EnterpriseRef;
use srdi_board::models::partner::{Partner, PartnerWriteError};
use srdi_board::models::user::{NewUser, User};
use srdi_board::startup::{self, AppState};

/// A password that passes the policy, used for most test accounts.
pub const PASSWORD: &str = "Laoshan-tea-ferry-42";

/// One hash for every account made with [`PASSWORD`] (hashing is deliberately slow).
static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| srdi_board::auth::password::hash(PASSWORD).expect("hash"));

/// A database made for one test, removed when the test ends.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn random_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12)
        .map(|_| (b'a' + rng.random_range(0..26)) as char)
        .collect()
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

impl TestDb {
    /// Makes an empty database.
    pub fn new() -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("srdi_test_{}", random_suffix());
                let mut c =
                    PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL reachable");
                c.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create database");
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                TestDb {
                    url: format!("{base}/{name}"),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            _ => {
                let dir = std::env::temp_dir().join(format!("srdi-test-{}", random_suffix()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("test.db").display());
                TestDb {
                    url,
                    cleanup: Cleanup::File(dir),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut c) = PgConnection::establish(admin_url) {
                    let _ =
                        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// A running app and a way to reach its database.
pub struct TestApp {
    pub addr: String,
    pub db: Db,
    /// The database URL.
    pub url: String,
    /// Kept so the database is removed when the test ends (`None` on a second app
    /// server beside the first, which owns it).
    pub _test_db: Option<TestDb>,
}

/// Options for [`TestApp::spawn_with`].
pub fn test_settings(url: &str) -> Settings {
    Settings::for_tests(url.to_string())
}

impl TestApp {
    /// Starts the app with test settings.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app after letting the test adjust the settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let test_db = TestDb::new();
        let db = Db::connect(&test_db.url, 8).expect("connect");
        startup::prepare_database(&db).expect("migrate");
        let mut settings = test_settings(&test_db.url);
        adjust(&mut settings);
        let state = AppState::new(db.clone(), settings);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let server = startup::run(listener, state).expect("server");
        tokio::spawn(server);
        TestApp {
            addr,
            db,
            url: test_db.url.clone(),
            _test_db: Some(test_db),
        }
    }

    /// Another app server on the same database, with its own pool and caches (as a
    /// second machine behind the load balancer would be).
    pub async fn beside(&self) -> TestApp {
        let url = self.url.clone();
        let db = Db::connect(&url, 8).expect("connect");
        startup::prepare_database(&db).expect("migrate");
        let state = AppState::new(db.clone(), test_settings(&url));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(startup::run(listener, state).expect("server"));
        TestApp {
            addr,
            db,
            url,
            _test_db: None,
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// Runs a closure on a database connection inside a write transaction.
    pub fn with_db<T>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>) -> T {
        let mut conn = self.db.conn().expect("conn");
        write_transaction(&mut conn, f).expect("db work")
    }

    /// Registers a minimal enterprise and returns its id.
    pub fn enterprise(&self, first16: &str, name: &str, district: &str) -> EnterpriseRef {
        let code = CreditCode::complete(first16).expect("valid prefix");
        self.with_db(|c| Ok(EnterpriseRef::create(c, &code, name, district)?))
    }

    /// Registers an active partner institution without contacts and returns its id.
    pub fn partner(&self, name: &str, kind: PartnerKind) -> i32 {
        let data = PartnerData {
            name: name.into(),
            kind,
            contact_name: String::new(),
            contact_phone: String::new(),
            contact_email: String::new(),
            note: String::new(),
        };
        self.with_db(|c| {
            Ok(Partner::create(c, &Actor::cli(), &data)
                .map_err(|e| match e {
                    PartnerWriteError::Db(e) => e,
                    other => panic!("{other:?}"),
                })?
                .id)
        })
    }

    /// Creates an account with [`PASSWORD`].
    pub fn user(&self, username: &str, role: Role) -> User {
        self.user_with(username, role, None, &[], false)
    }

    /// Creates an account with options.
    pub fn user_with(
        &self,
        username: &str,
        role: Role,
        enterprise_id: Option<i32>,
        districts: &[&str],
        must_change: bool,
    ) -> User {
        let new = NewUser {
            username: Username::parse(username).unwrap(),
            display_name: format!("{username} display"),
            password_hash: PASSWORD_HASH.clone(),
            role,
            enterprise_id,
            all_districts: districts.is_empty(),
            districts: districts
                .iter()
                .map(|d| DistrictCode::parse(d).unwrap())
                .collect(),
            must_change_password: must_change,
        };
        self.with_db(|c| Ok(User::create(c, &Actor::cli(), &new)?))
    }

    /// Signs in on `client` and returns the response to the form post.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf(client, "/login").await;
        client
            .post(self.url("/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A new client already signed in as `username` (password [`PASSWORD`]).
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.client();
        let r = self.login(&client, username, PASSWORD).await;
        assert_eq!(r.status(), 303, "sign-in of {username} failed");
        client
    }

    /// The CSRF token from a page's forms.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf token on {path}"))
    }

    /// Posts a form with the client's CSRF token (taken from `token_page`).
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(client, "/password").await;
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    /// Counts audit entries with this action.
    pub fn audit_count(&self, action: &str) -> i64 {
        self.with_db(|c| Ok(srdi_board::models::audit::count_action(c, action)?))
    }

    /// Runs raw SQL (for moving clocks back in expiry tests).
    pub fn sql(&self, statement: &str) {
        let mut conn = self.db.conn().expect("conn");
        conn.batch_execute(statement).expect("sql");
    }
}

/// Finds the first CSRF token in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    static RE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"name="csrf_token" value="([0-9a-f]{64})""#).unwrap());
    RE.captures(html).map(|c| c[1].to_string())
}

/// The `Location` header of a redirect.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// An SQL timestamp literal `minutes` ago (UTC), understood by both databases.
pub fn minutes_ago(minutes: i64) -> String {
    let t = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(minutes);
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.6f"))
}
