//! The SQL of the invitation list: filters, per-backend search, byte-order sorting, LIMIT/OFFSET.

use super::{grants_in, invitation_of, Grant, GrantRow, ListedRow, SELECT_LISTED};
use crate::domain::invitation::{Granted, ListedInvitation};
use crate::store::db::placeholders;
use crate::store::{Backend, Conn, DbError, Exec};
use std::collections::HashMap;

/// A field the invitation list can be ordered by (the invitation's readable fields, as DRF's
/// `OrderingFilter` allows them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    /// `pk`.
    Pk,
    /// `name`.
    Name,
    /// Creation time.
    Created,
    /// `expires`; never (NULL) sorts as the largest, as PostgreSQL orders NULLs.
    Expires,
    /// The creator's username.
    CreatedBy,
    /// `single_use`.
    SingleUse,
    /// The flow's slug.
    Flow,
    /// `fixed_data`, empty first, then by its stored JSON text.
    FixedData,
}

/// One page of the invitation list: exact filters, search terms, ordering and a window, all run in SQL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Exact name.
    pub name: Option<String>,
    /// Exact flow slug.
    pub flow_slug: Option<String>,
    /// Exact creator username.
    pub created_by: Option<String>,
    /// Exact expiry, UTC Unix seconds.
    pub expires: Option<i64>,
    /// The name contains this, case-insensitively (the dashboard's search box; empty = all).
    pub name_contains: Option<String>,
    /// DRF's `SearchFilter`: every term must be found, case-insensitively, in the name, the creator's
    /// username, the expiry (RFC 3339, UTC) or the flow's slug.
    pub search: Vec<String>,
    /// `(field, descending)`, most significant first; ties go by pk.
    pub order: Vec<(OrderField, bool)>,
    /// Rows to skip.
    pub offset: u64,
    /// How many rows the query matches, when the caller counted them already (the REST API does, for
    /// its pagination): a page in the second half is then read from the end.
    pub known_total: Option<u64>,
    /// Rows at most.
    pub limit: u64,
}

impl ListQuery {
    /// Whether the query keeps every invitation: no exact filter, no name part, no search term (an
    /// empty string is no filter).
    #[must_use]
    pub fn filters_nothing(&self) -> bool {
        self.name.is_none()
            && self.flow_slug.is_none()
            && self.created_by.is_none()
            && self.expires.is_none()
            && self.name_contains.as_deref().is_none_or(str::is_empty)
            && self.search.iter().all(String::is_empty)
    }

    /// Whether a text it filters by holds a NUL character: no name, slug or username can (they are
    /// validated when written), so the query matches nothing, and it is answered without asking the
    /// database (PostgreSQL refuses NUL in text, SQLite's FTS reads it as the end of the phrase).
    #[must_use]
    pub fn matches_nothing(&self) -> bool {
        let nul = |s: &str| s.contains('\0');
        [
            &self.name,
            &self.flow_slug,
            &self.created_by,
            &self.name_contains,
        ]
        .into_iter()
        .flatten()
        .any(|s| nul(s))
            || self.search.iter().any(|s| nul(s))
    }
}

/// `%term%` for `LIKE … ESCAPE '\'`, lower-cased, with `%`, `_` and `\` escaped.
fn contains_pattern(term: &str) -> String {
    format!(
        "%{}%",
        term.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The invitations `pks` as a list shows them ([`ListedRow`]: the entity and its counts), with their
/// grants (two more statements, one per kind), in no particular order.
///
/// # Errors
/// Database errors, and a stored name, `fixed_data` or `emails` that does not decode.
pub async fn listed_in(conn: &mut Conn, pks: &[String]) -> Result<Vec<ListedInvitation>, DbError> {
    if pks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT_LISTED} WHERE i.pk IN ({})",
        placeholders(1, pks.len())
    );
    let mut q = sqlx::query_as::<_, ListedRow>(&sql);
    for pk in pks {
        q = q.bind(pk);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let by_invitation = |grants: Vec<GrantRow>| {
        let mut map: HashMap<String, Vec<Granted>> = HashMap::new();
        for g in grants {
            map.entry(g.invitation_pk).or_default().push(Granted {
                pk: g.pk,
                name: g.name,
            });
        }
        map
    };
    let mut roles = by_invitation(grants_in(&mut *conn, Grant::Role, pks).await?);
    let mut groups = by_invitation(grants_in(&mut *conn, Grant::Group, pks).await?);
    Ok(rows
        .into_iter()
        .map(|r| {
            let pk = &r.invitation.pk;
            let (rs, gs) = (
                roles.remove(pk).unwrap_or_default(),
                groups.remove(pk).unwrap_or_default(),
            );
            ListedInvitation {
                invitation: invitation_of(r.invitation, rs, gs),
                enrolled_count: u64::try_from(r.enrolled_count).unwrap_or(0),
                message_count: u64::try_from(r.message_count).unwrap_or(0),
            }
        })
        .collect())
}

/// A value bound to a list query's placeholder.
enum Bind {
    Text(String),
    Int(i64),
}

/// Whether `term` (lower-cased) can occur in an expiry written as RFC 3339 in UTC
/// (`2026-12-01T17:00:00Z`): only digits, `-`, `:`, `t` and `z` can. A term with any other character
/// cannot match that field, so the list skips formatting every row's expiry for it.
fn may_match_rfc3339(term: &str) -> bool {
    term.to_lowercase()
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 't' | 'z'))
}

/// For one search term, the creators (user pks) and flows (flow pks) it is found in, case-insensitively:
/// read first from the small `users` and `flows` tables, so the invitation query compares
/// `created_by` and `flow_pk` with constants, which both backends answer from an index (an
/// `IN (SELECT …)` beside another condition in an `OR` makes PostgreSQL scan every invitation).
#[derive(Debug, Default)]
struct TermOwners {
    users: Vec<i64>,
    flows: Vec<String>,
}

/// A user or flow pk that a search term was found in.
#[derive(Debug, sqlx::FromRow)]
struct OwnerMatch {
    /// `u` (a user) or `f` (a flow).
    kind: String,
    /// The pk as text.
    pk: String,
}

/// The creators and flows each of `q`'s search terms is found in (one entry per term, in order; none
/// for an empty term).
async fn term_owners<'c>(
    ex: impl Exec<'c> + Copy,
    backend: Backend,
    q: &ListQuery,
) -> Result<Vec<TermOwners>, DbError> {
    let lower = |column: &str| match backend {
        Backend::Sqlite => column.to_owned(),
        Backend::Postgres => format!("LOWER({column})"),
    };
    let sql = format!(
        "SELECT 'u' AS kind, CAST(pk AS TEXT) AS pk FROM users WHERE {} LIKE $1 ESCAPE '\\' \
         UNION ALL SELECT 'f' AS kind, pk FROM flows WHERE {} LIKE $1 ESCAPE '\\'",
        lower("username"),
        lower("slug"),
    );
    let mut out = Vec::new();
    for term in q.search.iter().filter(|t| !t.is_empty()) {
        let rows: Vec<OwnerMatch> = sqlx::query_as(&sql)
            .bind(contains_pattern(term))
            .fetch_all(ex)
            .await?;
        let mut owners = TermOwners::default();
        for r in rows {
            if r.kind == "u" {
                owners.users.extend(r.pk.parse::<i64>().ok());
            } else {
                owners.flows.push(r.pk);
            }
        }
        out.push(owners);
    }
    Ok(out)
}

/// `"term"`: an FTS5 phrase matching `term` literally (a `"` inside is doubled).
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The condition "the invitation's name contains `term`, case-insensitively", its value bound as the
/// next placeholder. On SQLite a term of three characters or more is looked up in the trigram index of
/// migration 0009 (`invitation_search`, FTS5) instead of reading every name; a shorter one, which a
/// trigram index cannot find, compares each name with `LIKE` (which ignores ASCII case). On
/// PostgreSQL, `LOWER(name) LIKE` is answered by migration 0009's `pg_trgm` index.
fn name_contains(backend: Backend, term: &str, binds: &mut Vec<Bind>) -> String {
    match backend {
        Backend::Sqlite if term.chars().count() >= 3 => {
            binds.push(Bind::Text(fts_phrase(term)));
            format!(
                "i.pk IN (SELECT k.pk FROM invitation_search_keys k WHERE k.id IN \
                 (SELECT rowid FROM invitation_search WHERE invitation_search MATCH ${}))",
                binds.len()
            )
        }
        Backend::Sqlite => {
            binds.push(Bind::Text(contains_pattern(term)));
            format!("i.name LIKE ${} ESCAPE '\\'", binds.len())
        }
        Backend::Postgres => {
            binds.push(Bind::Text(contains_pattern(term)));
            format!("LOWER(i.name) LIKE ${} ESCAPE '\\'", binds.len())
        }
    }
}

/// The `FROM … WHERE …` of a list query on `backend`, with its bound values (`$1…` in order); `owners`
/// holds, per search term, the creators and flows it was found in ([`term_owners`]). The creator and
/// flow are joined only when `order` sorts by them; exact filters on them are `IN (SELECT …)` over the
/// small `users` and `flows` tables, so counting and searching read the invitations alone.
fn list_where(
    backend: Backend,
    q: &ListQuery,
    owners: &[TermOwners],
    order: &[(OrderField, bool)],
) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let mut wh: Vec<String> = Vec::new();
    if let Some(v) = &q.name {
        binds.push(Bind::Text(v.clone()));
        wh.push(format!("i.name = ${}", binds.len()));
    }
    if let Some(v) = &q.flow_slug {
        binds.push(Bind::Text(v.clone()));
        wh.push(format!(
            "i.flow_pk IN (SELECT pk FROM flows WHERE slug = ${})",
            binds.len()
        ));
    }
    if let Some(v) = &q.created_by {
        binds.push(Bind::Text(v.clone()));
        wh.push(format!(
            "i.created_by IN (SELECT pk FROM users WHERE username = ${})",
            binds.len()
        ));
    }
    if let Some(v) = q.expires {
        binds.push(Bind::Int(v));
        wh.push(format!("i.expires = ${}", binds.len()));
    }
    if let Some(v) = q.name_contains.as_deref().filter(|v| !v.is_empty()) {
        wh.push(name_contains(backend, v, &mut binds));
    }
    // The expiry as RFC 3339 text in UTC, '' for never.
    let expires_text = match backend {
        Backend::Sqlite => "COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', i.expires, 'unixepoch'), '')",
        Backend::Postgres => {
            "COALESCE(to_char(to_timestamp(i.expires) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
        }
    };
    let terms = q.search.iter().filter(|t| !t.is_empty());
    for (term, owners) in terms.zip(owners) {
        let mut any = vec![name_contains(backend, term, &mut binds)];
        if !owners.users.is_empty() {
            let first = binds.len() + 1;
            binds.extend(owners.users.iter().map(|pk| Bind::Int(*pk)));
            any.push(format!(
                "i.created_by IN ({})",
                placeholders(first, owners.users.len())
            ));
        }
        if !owners.flows.is_empty() {
            let first = binds.len() + 1;
            binds.extend(owners.flows.iter().cloned().map(Bind::Text));
            any.push(format!(
                "i.flow_pk IN ({})",
                placeholders(first, owners.flows.len())
            ));
        }
        if may_match_rfc3339(term) {
            binds.push(Bind::Text(contains_pattern(term)));
            any.push(match backend {
                Backend::Sqlite => format!("{expires_text} LIKE ${} ESCAPE '\\'", binds.len()),
                Backend::Postgres => {
                    format!("LOWER({expires_text}) LIKE ${} ESCAPE '\\'", binds.len())
                }
            });
        }
        wh.push(format!("({})", any.join(" OR ")));
    }
    let mut sql = "FROM invitations i".to_owned();
    if order.iter().any(|(f, _)| *f == OrderField::Flow) {
        sql.push_str(" JOIN flows f ON f.pk = i.flow_pk");
    }
    if order.iter().any(|(f, _)| *f == OrderField::CreatedBy) {
        sql.push_str(" JOIN users u ON u.pk = i.created_by");
    }
    if !wh.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&wh.join(" AND "));
    }
    (sql, binds)
}

/// The `ORDER BY` of a list query on `backend`: byte order for text on both backends (`COLLATE "C"`
/// on PostgreSQL), never (NULL) expiry as the largest, ties by pk; `reversed` flips every term (for
/// reading a page near the end from the end). The expiry terms match the expression indexes of
/// migration 0008, so the default `-expires` order reads an index instead of sorting. With `search`,
/// SQLite is told not to walk an order index (`+` before each term): a search keeps few rows, which
/// are cheaper to sort than to find by visiting every row in index order.
fn list_order(
    backend: Backend,
    order: &[(OrderField, bool)],
    reversed: bool,
    search: bool,
) -> String {
    let c = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " COLLATE \"C\"",
    };
    let plus = if search && backend == Backend::Sqlite {
        "+"
    } else {
        ""
    };
    let dir = |desc: bool| if desc != reversed { "DESC" } else { "ASC" };
    let mut terms: Vec<String> = order
        .iter()
        .map(|(field, desc)| {
            let d = dir(*desc);
            match field {
                OrderField::Pk => format!("{plus}i.pk{c} {d}"),
                OrderField::Name => format!("{plus}i.name{c} {d}"),
                OrderField::Created => format!("{plus}i.created {d}"),
                OrderField::Expires => format!(
                    "{plus}CASE WHEN i.expires IS NULL THEN 1 ELSE 0 END {d}, {plus}i.expires {d}"
                ),
                OrderField::CreatedBy => format!("u.username{c} {d}"),
                OrderField::SingleUse => format!("i.single_use {d}"),
                OrderField::Flow => format!("f.slug{c} {d}"),
                OrderField::FixedData => format!(
                    "CASE WHEN i.fixed_data = '{{}}' THEN 0 ELSE 1 END {d}, i.fixed_data{c} {d}"
                ),
            }
        })
        .collect();
    terms.push(format!("{plus}i.pk{c} {}", dir(false)));
    terms.join(", ")
}

/// How many invitations list query `q` matches on `backend` (its filters and search; not its window).
/// Without filters or search this reads the counter of migration 0011 instead of counting the rows.
///
/// # Errors
/// Database errors.
pub async fn count<'c>(
    ex: impl Exec<'c> + Copy,
    backend: Backend,
    q: &ListQuery,
) -> Result<i64, DbError> {
    if q.matches_nothing() {
        return Ok(0);
    }
    if q.filters_nothing() {
        // Kept by migration 0011's triggers in the transaction of every insert and delete.
        return Ok(
            sqlx::query_scalar("SELECT n FROM invitation_count WHERE id = 1")
                .fetch_one(ex)
                .await?,
        );
    }
    let owners = term_owners(ex, backend, q).await?;
    let (from, binds) = list_where(backend, q, &owners, &[]);
    let sql = format!("SELECT COUNT(*) {from}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    query.fetch_one(ex).await.map_err(DbError::from)
}

/// The pks of one page of list query `q` on `backend`: filtered, searched, ordered, then `q.offset`
/// rows skipped and at most `q.limit` returned, in order. When `total` (the query's count) is known and
/// the page lies in the second half, it is read from the end in reverse order with the smaller offset,
/// then put back in order: the last page costs what the first does.
///
/// # Errors
/// Database errors.
pub async fn page_pks<'c>(
    ex: impl Exec<'c> + Copy,
    backend: Backend,
    q: &ListQuery,
    total: Option<u64>,
) -> Result<Vec<String>, DbError> {
    if q.matches_nothing() {
        return Ok(Vec::new());
    }
    let (offset, limit, reversed) = match total {
        Some(total) if q.offset >= total => return Ok(Vec::new()),
        Some(total) if q.offset > total / 2 => {
            let limit = q.limit.min(total - q.offset);
            (total - q.offset - limit, limit, true)
        }
        _ => (q.offset, q.limit, false),
    };
    let owners = term_owners(ex, backend, q).await?;
    let (from, mut binds) = list_where(backend, q, &owners, &q.order);
    binds.push(Bind::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    binds.push(Bind::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT i.pk {from} ORDER BY {} LIMIT ${} OFFSET ${}",
        list_order(
            backend,
            &q.order,
            reversed,
            !q.search.is_empty() || q.name_contains.as_deref().is_some_and(|n| !n.is_empty()),
        ),
        binds.len() - 1,
        binds.len()
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let mut pks = query.fetch_all(ex).await?;
    if reversed {
        pks.reverse();
    }
    Ok(pks)
}
