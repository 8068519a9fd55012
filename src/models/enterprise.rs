//! The enterprise record (the registry extends it); here the parts every area
//! needs: lookup by credit code and scoped counting.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::credit_code::CreditCode;
use crate::domain::scope::DataScope;
use crate::schema::enterprises;

/// The columns every area shows about an enterprise.
#[derive(Debug, Clone, Queryable)]
pub struct EnterpriseRef {
    pub id: i32,
    pub credit_code: String,
    pub name: String,
    pub district_code: String,
}

type RefColumns = (
    enterprises::id,
    enterprises::credit_code,
    enterprises::name,
    enterprises::district_code,
);
const REF_COLUMNS: RefColumns = (
    enterprises::id,
    enterprises::credit_code,
    enterprises::name,
    enterprises::district_code,
);

/// An `enterprises` query limited to what `scope` may see. Every enterprise query
/// starts here, so the scope is in the SQL itself.
pub fn scoped(scope: &DataScope) -> enterprises::BoxedQuery<'static, crate::db::MultiBackend> {
    let q = enterprises::table.into_boxed();
    match scope {
        DataScope::All => q,
        DataScope::Districts(ds) => q.filter(
            enterprises::district_code.eq_any(
                ds.iter()
                    .map(|d| d.as_str().to_string())
                    .collect::<Vec<_>>(),
            ),
        ),
        DataScope::Enterprise(id) => q.filter(enterprises::id.eq(*id)),
        DataScope::Nothing => q.filter(enterprises::id.lt(0)),
    }
}

impl EnterpriseRef {
    /// Finds an enterprise by its credit code (any scope: for the CLI and admins).
    pub fn by_credit_code(
        conn: &mut DbConnection,
        code: &CreditCode,
    ) -> QueryResult<Option<EnterpriseRef>> {
        enterprises::table
            .filter(enterprises::credit_code.eq(code.as_str()))
            .select(REF_COLUMNS)
            .first(conn)
            .optional()
    }

    /// Finds an enterprise by id, if `scope` may see it.
    pub fn find(
        conn: &mut DbConnection,
        scope: &DataScope,
        id: i32,
    ) -> QueryResult<Option<EnterpriseRef>> {
        scoped(scope)
            .filter(enterprises::id.eq(id))
            .select(REF_COLUMNS)
            .first(conn)
            .optional()
    }

    /// Creates a minimal record (the registry adds the rest of the fields).
    pub fn create(
        conn: &mut DbConnection,
        code: &CreditCode,
        name: &str,
        district: &str,
    ) -> QueryResult<EnterpriseRef> {
        let now = super::now();
        diesel::insert_into(enterprises::table)
            .values((
                enterprises::credit_code.eq(code.as_str()),
                enterprises::name.eq(name),
                enterprises::district_code.eq(district),
                enterprises::created_at.eq(now),
                enterprises::updated_at.eq(now),
            ))
            .returning(REF_COLUMNS)
            .get_result(conn)
    }
}

/// Active (not archived) enterprises visible in `scope`.
pub fn count_active(conn: &mut DbConnection, scope: &DataScope) -> QueryResult<i64> {
    scoped(scope)
        .filter(enterprises::archived_at.is_null())
        .count()
        .get_result(conn)
}
