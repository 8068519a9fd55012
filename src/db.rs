//! One binary, two databases: SQLite (embedded default) and PostgreSQL, chosen at
//! run time from the URL. Pool, connection setup, migrations, and the one helper
//! through which blocking diesel calls leave the async executor.

use std::path::Path;
use std::time::Duration;

use actix_web::web;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either database; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// A PostgreSQL server (several app servers may share it).
    Postgres(diesel::PgConnection),
    /// A SQLite file (the embedded default).
    Sqlite(diesel::SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A file path (from `sqlite://path`, `sqlite:path` or a plain path).
    Sqlite(String),
    /// A libpq URL.
    Postgres(String),
}

impl DbTarget {
    /// Picks the backend from the URL itself rather than trying each in turn, so that
    /// a wrong password or a down server reports the real error.
    pub fn from_url(url: &str) -> DbTarget {
        let u = url.trim();
        if u.starts_with("postgres://") || u.starts_with("postgresql://") {
            DbTarget::Postgres(u.to_string())
        } else {
            let path = u
                .strip_prefix("sqlite://")
                .or_else(|| u.strip_prefix("sqlite:"))
                .unwrap_or(u);
            DbTarget::Sqlite(path.to_string())
        }
    }

    /// Short backend name for messages.
    pub fn backend_name(&self) -> &'static str {
        match self {
            DbTarget::Sqlite(_) => "SQLite",
            DbTarget::Postgres(_) => "PostgreSQL",
        }
    }
}

/// Why a connection could not be made or prepared; carries the driver's message.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The driver refused the connection (bad URL, server down, wrong password ...).
    #[error("cannot connect to {backend}: {source}")]
    Connect {
        /// SQLite or PostgreSQL.
        backend: &'static str,
        /// The driver's own message.
        source: diesel::ConnectionError,
    },
    /// The per-connection settings failed.
    #[error("cannot prepare the {backend} connection: {source}")]
    Setup {
        /// SQLite or PostgreSQL.
        backend: &'static str,
        /// The statement's error.
        source: diesel::result::Error,
    },
    /// The folder for the SQLite file could not be made.
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Makes connections for the pool and sets each one up.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DbTarget,
}

impl ConnectionManager {
    /// A manager for the database the URL names.
    pub fn new(url: &str) -> Self {
        ConnectionManager {
            target: DbTarget::from_url(url),
        }
    }
}

/// Runs `f` again, briefly, while SQLite answers "locked" without waiting on its
/// own: a brand-new file that another server starting at the same moment is
/// switching to WAL or migrating (SQLite does not call the busy handler there).
fn retry_while_locked<T, E: std::fmt::Display>(
    mut f: impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
    let mut attempt = 0;
    loop {
        match f() {
            Err(e) if attempt < 20 && e.to_string().contains("locked") => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(5 * attempt));
            }
            done => return done,
        }
    }
}

/// Whether the SQLite database is in WAL mode already.
fn sqlite_is_wal(c: &mut diesel::SqliteConnection) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    diesel::sql_query("PRAGMA journal_mode")
        .get_result::<Mode>(c)
        .is_ok_and(|m| m.journal_mode.eq_ignore_ascii_case("wal"))
}

/// Process-wide SQLite settings, applied once before the first connection: memory
/// statistics off. With them on (SQLite's default) every allocation inside SQLite
/// takes one global mutex, and a page preparing a few dozen statements on several
/// threads spent most of its time waiting for it (measured: the dashboard at 150,000
/// enterprises served ~500 requests/s with two thirds of the CPU in lock waits).
fn sqlite_process_config() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is documented as callable before SQLite is
        // initialised and from a single thread; `Once` gives both (the first
        // connection of the process initialises SQLite right after). If something
        // initialised SQLite earlier it answers SQLITE_MISUSE and changes nothing.
        let rc =
            unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(rc, "SQLite memory statistics stay on (initialised earlier)");
        }
    });
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        let backend = self.target.backend_name();
        match &self.target {
            DbTarget::Sqlite(path) => {
                if let Some(dir) = Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|source| ConnectError::Folder {
                        path: dir.display().to_string(),
                        source,
                    })?;
                }
                sqlite_process_config();
                retry_while_locked(|| {
                    let mut c = diesel::SqliteConnection::establish(path)
                        .map_err(|source| ConnectError::Connect { backend, source })?;
                    // busy_timeout first: every later statement may meet a writer's lock.
                    c.batch_execute(
                        "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                         PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000;",
                    )
                    .map_err(|source| ConnectError::Setup { backend, source })?;
                    Ok(DbConnection::Sqlite(c))
                })
            }
            DbTarget::Postgres(url) => {
                let mut c = diesel::PgConnection::establish(url)
                    .map_err(|source| ConnectError::Connect { backend, source })?;
                c.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(|source| ConnectError::Setup { backend, source })?;
                Ok(DbConnection::Postgres(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        let backend = self.target.backend_name();
        conn.batch_execute("SELECT 1")
            .map_err(|source| ConnectError::Setup { backend, source })
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The shared pool handle given to every handler.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager>,
    target: DbTarget,
    /// One permit per pooled connection, handed out first come, first served.
    /// r2d2 wakes an arbitrary waiter when a connection comes back (and a new
    /// request may take it first), so under sustained load some requests waited
    /// seconds while others went straight through; waiting here, in order, keeps
    /// the tail close to the median.
    gate: std::sync::Arc<tokio::sync::Semaphore>,
}

/// A pooled connection.
pub type Conn = PooledConnection<ConnectionManager>;

impl Db {
    /// Connects once (to report a real error at once), prepares the database (WAL for
    /// SQLite, set once), then builds the pool.
    pub fn connect(url: &str, pool_size: u32) -> Result<Db, ConnectError> {
        let manager = ConnectionManager::new(url);
        let mut first = manager.connect()?;
        if let DbConnection::Sqlite(c) = &mut first {
            // Another server starting at the same moment may be switching the mode or
            // migrating; it may be WAL by the next look.
            retry_while_locked(|| {
                if sqlite_is_wal(c) {
                    Ok(())
                } else {
                    c.batch_execute("PRAGMA journal_mode = WAL;")
                }
            })
            .map_err(|source| ConnectError::Setup {
                backend: "SQLite",
                source,
            })?;
        }
        drop(first);
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(Duration::from_secs(15))
            .build_unchecked(manager.clone());
        Ok(Db {
            pool,
            target: manager.target,
            gate: std::sync::Arc::new(tokio::sync::Semaphore::new(pool_size as usize)),
        })
    }

    /// The pool now: (connections open, of which idle, the most it may open).
    pub fn pool_state(&self) -> (u32, u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections, self.pool.max_size())
    }

    /// Which database this is.
    pub fn target(&self) -> &DbTarget {
        &self.target
    }

    /// A connection for synchronous callers (CLI, tests, startup).
    pub fn conn(&self) -> Result<Conn, AppError> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking reads off the async executor.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        // The gate is never closed: acquiring only waits for a turn.
        let _turn = self
            .gate
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs a write off the async executor inside one write transaction: all of it
    /// lands or none of it does.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.read(move |conn| write_transaction(conn, f)).await
    }
}

/// Runs `f` in a transaction that takes the write lock up front on SQLite
/// (`BEGIN IMMEDIATE`: a deferred one fails with "database is locked" when two
/// writers meet) and a plain one on PostgreSQL. Rolls back on any error.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let outcome = f(conn);
    let finish = |conn: &mut DbConnection, commit: bool| -> diesel::QueryResult<()> {
        match (conn, commit) {
            (DbConnection::Sqlite(c), true) => AnsiTransactionManager::commit_transaction(c),
            (DbConnection::Sqlite(c), false) => AnsiTransactionManager::rollback_transaction(c),
            (DbConnection::Postgres(c), true) => AnsiTransactionManager::commit_transaction(c),
            (DbConnection::Postgres(c), false) => AnsiTransactionManager::rollback_transaction(c),
        }
    };
    match outcome {
        Ok(v) => match finish(conn, true) {
            Ok(()) => Ok(v),
            Err(e) => {
                let _ = finish(conn, false);
                Err(e.into())
            }
        },
        Err(e) => {
            if let Err(rb) = finish(conn, false) {
                tracing::error!(error = %rb, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Runs `f` holding the start-up lock, so app servers that start together prepare
/// the database one after the other: on PostgreSQL a session advisory lock (held
/// again by a nested call, released as often); on SQLite nothing more is needed,
/// since every step of `f` takes the database's write lock.
pub fn with_startup_lock<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    const LOCK: i64 = 0x5344_5249; // "SDRI"
    if !matches!(conn, DbConnection::Postgres(_)) {
        return f(conn);
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({LOCK})")).execute(conn)?;
    let result = f(conn);
    diesel::sql_query(format!("SELECT pg_advisory_unlock({LOCK})")).execute(conn)?;
    result
}

/// Applies pending migrations and returns their names. App servers that start
/// together run them once: on PostgreSQL under the start-up lock; on SQLite inside
/// one immediate transaction (the second server waits on the write lock, then finds
/// nothing pending; each migration's own transaction becomes a savepoint).
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    fn apply<C: MigrationHarness<B>, B: diesel::backend::Backend>(
        c: &mut C,
        m: fn() -> EmbeddedMigrations,
    ) -> Result<Vec<String>, AppError> {
        let pending: Vec<String> = c
            .pending_migrations(m())
            .map_err(AppError::migration)?
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        if !pending.is_empty() {
            c.run_pending_migrations(m()).map_err(AppError::migration)?;
        }
        Ok(pending)
    }
    with_startup_lock(conn, |conn| match conn {
        DbConnection::Sqlite(c) => c.immediate_transaction(|c| apply(c, || SQLITE_MIGRATIONS)),
        DbConnection::Postgres(c) => apply(c, || POSTGRES_MIGRATIONS),
    })
}

/// Reverts the newest migration (used by tests that check every `down.sql`).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<usize, AppError> {
    match conn {
        DbConnection::Sqlite(c) => c
            .revert_all_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len())
            .map_err(AppError::migration),
        DbConnection::Postgres(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len())
            .map_err(AppError::migration),
    }
}

/// Makes a consistent online copy of a SQLite database (`VACUUM INTO`). For
/// PostgreSQL returns the `pg_dump` command to run instead.
pub fn backup(db: &Db, to: &Path) -> Result<BackupOutcome, AppError> {
    match db.target() {
        DbTarget::Sqlite(_) => {
            if to.exists() {
                return Err(AppError::BadRequest(format!(
                    "{} already exists; choose a new file",
                    to.display()
                )));
            }
            let mut conn = db.conn()?;
            let dest = to.display().to_string().replace('\'', "''");
            conn.batch_execute(&format!("VACUUM INTO '{dest}'"))?;
            Ok(BackupOutcome::Copied)
        }
        DbTarget::Postgres(url) => Ok(BackupOutcome::UsePgDump(format!(
            "pg_dump --format=custom --file={} {}",
            shell_quoted(&to.display().to_string()),
            shell_quoted(&without_password(url))
        ))),
    }
}

/// The URL without its password (if any), so a printed command does not show it:
/// pg_dump then takes it from `PGPASSWORD` or `~/.pgpass`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// One POSIX shell word.
fn shell_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// What `backup` did.
#[derive(Debug, PartialEq, Eq)]
pub enum BackupOutcome {
    /// The SQLite copy is written.
    Copied,
    /// PostgreSQL: run this command.
    UsePgDump(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_pg_dump_command_hides_the_password_and_quotes_its_words() {
        assert_eq!(
            without_password("postgres://srdi:s3cret@db.example:5432/srdi?sslmode=require"),
            "postgres://srdi@db.example:5432/srdi?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1:5432/x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            without_password("postgres://localhost/x"),
            "postgres://localhost/x"
        );
        assert_eq!(
            shell_quoted("/backups/it's.dump"),
            r"'/backups/it'\''s.dump'"
        );
    }
}
