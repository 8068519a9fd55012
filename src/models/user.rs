//! Accounts: the row, inserts, updates with optimistic locking, and data scope.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::district::DistrictCode;
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::domain::username::Username;
use crate::models::audit::{self, Actor, Change};
use crate::schema::{enterprises, sessions, user_districts, users};

/// An account row. The password hash never leaves the models and auth layers.
#[derive(Debug, Clone, Queryable)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub enterprise_id: Option<i32>,
    pub all_districts: bool,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// What the audit log keeps of an account (never the hash).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserSnapshot {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub enterprise_id: Option<i32>,
    pub all_districts: bool,
    pub districts: Vec<String>,
    pub disabled: bool,
}

/// A new account, already validated.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub enterprise_id: Option<i32>,
    pub all_districts: bool,
    pub districts: Vec<DistrictCode>,
    pub must_change_password: bool,
}

/// Editable account settings, already validated.
#[derive(Debug, Clone)]
pub struct UserChanges {
    pub display_name: String,
    pub role: Role,
    pub enterprise_id: Option<i32>,
    pub all_districts: bool,
    pub districts: Vec<DistrictCode>,
}

/// Why an account write was refused.
#[derive(Debug, thiserror::Error)]
pub enum UserWriteError {
    /// Someone else changed the account since the form was opened.
    #[error("the account was changed by someone else")]
    Conflict(Box<User>),
    /// The username is taken.
    #[error("username already exists")]
    Duplicate,
    /// The change would leave no active administrator.
    #[error("at least one active administrator must remain")]
    LastAdmin,
    /// Database failure.
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<UserWriteError> for crate::error::AppError {
    fn from(e: UserWriteError) -> Self {
        match e {
            UserWriteError::Db(d) => d.into(),
            other => crate::error::AppError::BadRequest(other.to_string()),
        }
    }
}

/// A row of the admin user list.
#[derive(Debug, Clone)]
pub struct UserListRow {
    pub user: User,
    pub enterprise_name: Option<String>,
    pub districts: Vec<String>,
    pub active_sessions: i64,
}

impl User {
    /// Looks up an account by (normalised) name.
    pub fn by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::username.eq(username.trim().to_lowercase()))
            .first(conn)
            .optional()
    }

    /// Looks up an account by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
        users::table.find(id).first(conn).optional()
    }

    /// The districts an account is limited to (empty when unrestricted or not scoped).
    pub fn districts(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<String>> {
        user_districts::table
            .filter(user_districts::user_id.eq(user_id))
            .select(user_districts::district_code)
            .order(user_districts::district_code)
            .load(conn)
    }

    /// The account's data scope, from its role and stored limits.
    pub fn scope(&self, conn: &mut DbConnection) -> QueryResult<DataScope> {
        let districts = if self.role.can_be_district_scoped() && !self.all_districts {
            Self::districts(conn, self.id)?
                .iter()
                .filter_map(|d| DistrictCode::parse(d).ok())
                .collect()
        } else {
            Vec::new()
        };
        Ok(DataScope::for_account(
            self.role,
            self.all_districts,
            districts,
            self.enterprise_id,
        ))
    }

    /// What the audit log records of this account.
    pub fn snapshot(&self, conn: &mut DbConnection) -> QueryResult<UserSnapshot> {
        Ok(UserSnapshot {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            enterprise_id: self.enterprise_id,
            all_districts: self.all_districts,
            districts: Self::districts(conn, self.id)?,
            disabled: self.disabled,
        })
    }

    /// Active administrators; `serve` refuses to start without one.
    pub fn count_active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
        users::table
            .filter(users::role.eq(Role::Admin.as_str()))
            .filter(users::disabled.eq(false))
            .count()
            .get_result(conn)
    }

    /// Creates an account with its district limits, audited. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        new: &NewUser,
    ) -> Result<User, UserWriteError> {
        if Self::by_username(conn, new.username.as_str())?.is_some() {
            return Err(UserWriteError::Duplicate);
        }
        let now = super::now();
        let user: User = diesel::insert_into(users::table)
            .values((
                users::username.eq(new.username.as_str()),
                users::display_name.eq(new.display_name.trim()),
                users::password_hash.eq(&new.password_hash),
                users::role.eq(new.role.as_str()),
                users::enterprise_id.eq(new.enterprise_id),
                users::all_districts.eq(new.all_districts),
                users::must_change_password.eq(new.must_change_password),
                users::disabled.eq(false),
                users::created_at.eq(now),
                users::updated_at.eq(now),
                users::version.eq(1),
            ))
            .returning(users::all_columns)
            .get_result(conn)?;
        set_districts(conn, user.id, new.role, new.all_districts, &new.districts)?;
        let after = user.snapshot(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.create",
                entity: "user",
                entity_id: Some(user.id.to_string()),
                enterprise_id: user.enterprise_id,
                after: audit::snapshot(&after),
                ..Default::default()
            },
        )?;
        Ok(user)
    }

    /// Updates account settings if nobody changed it since `expected_version` was read.
    pub fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        id: i32,
        expected_version: i32,
        changes: &UserChanges,
    ) -> Result<User, UserWriteError> {
        let current = Self::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
        if current.version != expected_version {
            return Err(UserWriteError::Conflict(Box::new(current)));
        }
        if current.role == Role::Admin && changes.role != Role::Admin && !current.disabled {
            ensure_other_admin(conn, id)?;
        }
        let before = current.snapshot(conn)?;
        let updated: Option<User> = diesel::update(
            users::table
                .find(id)
                .filter(users::version.eq(expected_version)),
        )
        .set((
            users::display_name.eq(changes.display_name.trim()),
            users::role.eq(changes.role.as_str()),
            users::enterprise_id.eq(changes.enterprise_id),
            users::all_districts.eq(changes.all_districts),
            users::updated_at.eq(super::now()),
            users::version.eq(expected_version + 1),
        ))
        .returning(users::all_columns)
        .get_result(conn)
        .optional()?;
        // Someone saved between the read above and this write (PostgreSQL re-checks
        // the version after waiting for their row lock): the same conflict.
        let Some(updated) = updated else {
            let now = Self::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
            return Err(UserWriteError::Conflict(Box::new(now)));
        };
        set_districts(
            conn,
            id,
            changes.role,
            changes.all_districts,
            &changes.districts,
        )?;
        let after = updated.snapshot(conn)?;
        if before.role != after.role || before.enterprise_id != after.enterprise_id {
            // A new role or binding means new permissions: end the old sessions.
            diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "user.update",
                entity: "user",
                entity_id: Some(id.to_string()),
                enterprise_id: updated.enterprise_id,
                before: audit::snapshot(&before),
                after: audit::snapshot(&after),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Disables or re-enables an account; disabling ends all its sessions.
    pub fn set_disabled(
        conn: &mut DbConnection,
        actor: &Actor,
        id: i32,
        disabled: bool,
    ) -> Result<User, UserWriteError> {
        let current = Self::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
        if disabled && current.role == Role::Admin && !current.disabled {
            ensure_other_admin(conn, id)?;
        }
        let updated: User = diesel::update(users::table.find(id))
            .set((
                users::disabled.eq(disabled),
                users::updated_at.eq(super::now()),
                users::version.eq(current.version + 1),
            ))
            .returning(users::all_columns)
            .get_result(conn)?;
        if disabled {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                entity: "user",
                entity_id: Some(id.to_string()),
                enterprise_id: updated.enterprise_id,
                before: Some(serde_json::json!({ "disabled": current.disabled })),
                after: Some(serde_json::json!({ "disabled": disabled })),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Sets a new password hash and ends every session of the account. With
    /// `temporary`, the user must choose a new password at the next sign-in.
    pub fn set_password(
        conn: &mut DbConnection,
        actor: &Actor,
        id: i32,
        hash: &str,
        temporary: bool,
    ) -> QueryResult<User> {
        let current = Self::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
        let updated: User = diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::must_change_password.eq(temporary),
                users::updated_at.eq(super::now()),
                users::version.eq(current.version + 1),
            ))
            .returning(users::all_columns)
            .get_result(conn)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if temporary {
                    "user.password_reset"
                } else {
                    "user.password_change"
                },
                entity: "user",
                entity_id: Some(id.to_string()),
                enterprise_id: updated.enterprise_id,
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Accounts for the admin list, with enterprise names, districts and session counts.
    pub fn list(
        conn: &mut DbConnection,
        query: Option<&str>,
        role: Option<Role>,
        idle_since: NaiveDateTime,
    ) -> QueryResult<Vec<UserListRow>> {
        let mut q = users::table
            .left_join(enterprises::table)
            .select((users::all_columns, enterprises::name.nullable()))
            .into_boxed();
        if let Some(text) = query.map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = super::like_pattern(&text.to_lowercase(), true);
            q = q.filter(
                users::username
                    .like(pattern.clone())
                    .escape('\\')
                    .or(super::lower(users::display_name).like(pattern).escape('\\')),
            );
        }
        if let Some(r) = role {
            q = q.filter(users::role.eq(r.as_str()));
        }
        let rows: Vec<(User, Option<String>)> = q.order(users::username).limit(500).load(conn)?;
        let ids: Vec<i32> = rows.iter().map(|(u, _)| u.id).collect();
        let dist: Vec<(i32, String)> = user_districts::table
            .filter(user_districts::user_id.eq_any(&ids))
            .select((user_districts::user_id, user_districts::district_code))
            .order((user_districts::user_id, user_districts::district_code))
            .load(conn)?;
        let counts: Vec<(i32, i64)> = sessions::table
            .filter(sessions::user_id.eq_any(&ids))
            .filter(sessions::last_seen_at.gt(idle_since))
            .group_by(sessions::user_id)
            .select((sessions::user_id, diesel::dsl::count_star()))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(user, enterprise_name)| UserListRow {
                districts: dist
                    .iter()
                    .filter(|(id, _)| *id == user.id)
                    .map(|(_, d)| d.clone())
                    .collect(),
                active_sessions: counts
                    .iter()
                    .find(|(id, _)| *id == user.id)
                    .map_or(0, |(_, c)| *c),
                user,
                enterprise_name,
            })
            .collect())
    }
}

fn ensure_other_admin(conn: &mut DbConnection, id: i32) -> Result<(), UserWriteError> {
    let others: i64 = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        Err(UserWriteError::LastAdmin)
    } else {
        Ok(())
    }
}

/// Replaces an account's district limits (kept only for scoped roles that are limited).
fn set_districts(
    conn: &mut DbConnection,
    user_id: i32,
    role: Role,
    all_districts: bool,
    districts: &[DistrictCode],
) -> QueryResult<()> {
    diesel::delete(user_districts::table.filter(user_districts::user_id.eq(user_id)))
        .execute(conn)?;
    if role.can_be_district_scoped() && !all_districts {
        // One row per insert: multi-row inserts do not compile for MultiConnection.
        for d in districts {
            diesel::insert_into(user_districts::table)
                .values((
                    user_districts::user_id.eq(user_id),
                    user_districts::district_code.eq(d.as_str()),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Active accounts per role, in the order roles are listed.
pub fn count_by_role(conn: &mut DbConnection) -> QueryResult<Vec<(Role, i64)>> {
    let rows: Vec<(String, i64)> = users::table
        .filter(users::disabled.eq(false))
        .group_by(users::role)
        .select((users::role, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(Role::ALL
        .into_iter()
        .map(|r| {
            (
                r,
                rows.iter()
                    .find(|(s, _)| s == r.as_str())
                    .map_or(0, |(_, c)| *c),
            )
        })
        .collect())
}
