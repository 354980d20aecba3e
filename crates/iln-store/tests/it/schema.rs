//! Schema parity: both migration folders, applied to fresh databases, give the same tables,
//! columns (name, nullability, type class, default, generated id), primary keys, unique
//! constraints, indexes, foreign keys, checks and triggers. Anyone who adds a migration to one
//! folder and forgets (or mistypes) the other gets a failure that names each difference.
//!
//! Each backend's catalogue is read into one list of facts keyed by what they describe
//! ("column jobs.lease_owner" => "text null"), and the two lists are compared key by key.
//! The facts are normalised where the engines merely spell the same thing differently:
//! `INTEGER`/`BIGINT` are both "integer", an identity column and SQLite's rowid alias are both
//! "generated id", `'pending'::text` is `'pending'`, and a check is compared by the columns
//! and constants it mentions (PostgreSQL rewrites `x IN (…)` as `x = ANY (ARRAY[…])`).

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{AnyConnection, Row};

use crate::support::TestDb;

/// What a migrated database's schema says, one fact per key.
type Schema = BTreeMap<String, String>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_folders_give_the_same_schema() {
    let sqlite = TestDb::sqlite().await;
    let sqlite_schema = sqlite_schema(&mut sqlite.raw().await).await;
    sqlite.finish().await;
    // Without PostgreSQL there is nothing to compare with, but the SQLite half still shows the
    // reading works (a reader that finds nothing would make every comparison pass).
    for table in [
        "users",
        "rounds",
        "applications",
        "match_runs",
        "partnerships",
    ] {
        assert!(
            sqlite_schema.contains_key(&format!("table {table}")),
            "the SQLite schema reader missed table {table}: {sqlite_schema:#?}"
        );
    }
    let Some(postgres) = TestDb::postgres().await else {
        return;
    };
    let postgres_schema = postgres_schema(&mut postgres.raw().await).await;
    postgres.finish().await;

    let differences = differences(("SQLite", &sqlite_schema), ("PostgreSQL", &postgres_schema));
    assert!(
        differences.is_empty(),
        "the SQLite and PostgreSQL migrations disagree (fix the migration folder that is \
         wrong):\n  {}",
        differences.join("\n  ")
    );
}

/// The comparison itself must notice drift, or the parity test could pass on anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drift_between_two_schemas_is_named() {
    let before = TestDb::sqlite().await;
    let before_schema = sqlite_schema(&mut before.raw().await).await;
    before.finish().await;

    let after = TestDb::sqlite().await;
    let mut raw = after.raw().await;
    for statement in [
        "ALTER TABLE users ADD COLUMN nickname TEXT",
        "CREATE INDEX users_name ON users (display_name)",
        "CREATE TABLE extra (id INTEGER PRIMARY KEY, user_id BIGINT NOT NULL \
         REFERENCES users (id) ON DELETE CASCADE, kind TEXT NOT NULL CHECK (kind IN ('a', 'b')))",
    ] {
        sqlx::raw_sql(statement).execute(&mut raw).await.unwrap();
    }
    let after_schema = sqlite_schema(&mut raw).await;
    after.finish().await;

    let differences = differences(("before", &before_schema), ("after", &after_schema));
    for expected in [
        "column users.nickname: only in after (text null)",
        "index users.users_name: only in after ((display_name))",
        "table extra: only in after",
        "foreign key extra (user_id): only in after (references users (id) on delete cascade)",
        "check extra on (kind) with ('a', 'b'): only in after",
        "column extra.id: only in after (integer not null generated id)",
    ] {
        assert!(
            differences.iter().any(|d| d == expected),
            "{expected:?} is not among {differences:#?}"
        );
    }
    assert_eq!(differences.len(), 9, "{differences:#?}");
}

/// Every key whose fact is missing on one side or differs between the two, in words.
fn differences((a_name, a): (&str, &Schema), (b_name, b): (&str, &Schema)) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let shown = |fact: &str| {
            if fact.is_empty() {
                String::new()
            } else {
                format!(" ({fact})")
            }
        };
        match (a.get(key), b.get(key)) {
            (Some(x), None) => out.push(format!("{key}: only in {a_name}{}", shown(x))),
            (None, Some(y)) => out.push(format!("{key}: only in {b_name}{}", shown(y))),
            (Some(x), Some(y)) if x != y => {
                out.push(format!("{key}: {a_name} says {x:?}, {b_name} says {y:?}"));
            }
            _ => {}
        }
    }
    out
}

/// The engine's declared type, as the class both backends agree on.
fn type_class(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let class = if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("real")
        || t.contains("floa")
        || t.contains("doub")
        || t.contains("numeric")
        || t.contains("decimal")
    {
        "number"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else if t.contains("json") {
        "json"
    } else if t.contains("timestamp") || t.contains("date") || t.contains("time") {
        "time"
    } else {
        return format!("other type {t}");
    };
    class.to_owned()
}

/// A column's fact: type class, nullability, default and whether the database makes its value.
fn column_fact(declared: &str, not_null: bool, default: Option<&str>, generated: bool) -> String {
    let mut fact = format!(
        "{} {}",
        type_class(declared),
        if not_null { "not null" } else { "null" }
    );
    if let Some(default) = default {
        fact.push_str(&format!(" default {}", normalise_expression(default)));
    }
    if generated {
        fact.push_str(" generated id");
    }
    fact
}

/// A default or predicate without PostgreSQL's casts and extra parentheses, lower case outside
/// quotes, spaces collapsed.
fn normalise_expression(expression: &str) -> String {
    let mut out = String::new();
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                for q in chars.by_ref() {
                    out.push(q);
                    if q == '\'' {
                        break;
                    }
                }
            }
            ':' if chars.peek() == Some(&':') => {
                // `::text`, `::bigint`, `::character varying`: a cast, not part of the value.
                chars.next();
                while chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_')
                {
                    chars.next();
                }
                for tail in [" varying", " precision"] {
                    if chars.clone().take(tail.len()).collect::<String>() == tail {
                        chars.nth(tail.len() - 1);
                    }
                }
            }
            '(' | ')' => {}
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    out.trim().to_owned()
}

/// A check constraint as the columns and constants it mentions: the engines rewrite the
/// operators but keep these, and drift in a check (a new state, another length) shows in them.
fn check_key(table: &str, expression: &str, columns: &BTreeSet<String>) -> String {
    let mut mentioned = BTreeSet::new();
    let mut constants = BTreeSet::new();
    let mut chars = expression.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == '\'' {
            chars.next();
            let mut text = String::from("'");
            for q in chars.by_ref() {
                text.push(q);
                if q == '\'' {
                    break;
                }
            }
            constants.insert(text);
        } else if c.is_ascii_alphabetic() || c == '_' || c == '"' {
            let mut word = String::new();
            while let Some(&w) = chars.peek() {
                if w.is_ascii_alphanumeric() || w == '_' || w == '"' {
                    if w != '"' {
                        word.push(w.to_ascii_lowercase());
                    }
                    chars.next();
                } else {
                    break;
                }
            }
            if columns.contains(&word) {
                mentioned.insert(word);
            }
        } else if c.is_ascii_digit() {
            let mut number = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    number.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            constants.insert(number);
        } else {
            chars.next();
        }
    }
    let join = |set: BTreeSet<String>| set.into_iter().collect::<Vec<_>>().join(", ");
    format!(
        "check {table} on ({}) with ({})",
        join(mentioned),
        join(constants)
    )
}

/// The expressions of every `CHECK (…)` in a `CREATE TABLE` statement, which is the only place
/// SQLite keeps them.
fn sqlite_checks(create_table: &str) -> Vec<String> {
    // SQLite keeps the statement as written, comments included; an apostrophe in a comment
    // ("the check-in's day") must not read as a quote.
    let create_table = &without_comments(create_table);
    let upper = create_table.to_ascii_uppercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at + "CHECK".len();
        // The keyword, not a name that contains it (a table called checkins).
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if word(upper[..from + at].chars().next_back()) || word(upper[start..].chars().next()) {
            from = start;
            continue;
        }
        let Some(open) = create_table[start..].find('(') else {
            break;
        };
        let open = start + open;
        let mut depth = 0;
        let mut end = open;
        let mut quoted = false;
        for (i, c) in create_table[open..].char_indices() {
            match c {
                '\'' => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        found.push(create_table[open + 1..end].to_owned());
        from = end.max(start);
    }
    found
}

/// The SQL without its `--` comments (outside quoted strings).
fn without_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        } else if c == '-' && !quoted && chars.peek() == Some(&'-') {
            // Up to the end of the line; the newline itself stays.
            while chars.peek().is_some_and(|next| *next != '\n') {
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// "on delete cascade", or nothing for the default (no action).
fn on_delete(rule: &str) -> String {
    match rule.to_ascii_lowercase().as_str() {
        "no action" | "" => String::new(),
        other => format!(" on delete {other}"),
    }
}

async fn sqlite_schema(conn: &mut AnyConnection) -> Schema {
    let mut schema = Schema::new();
    let tables = sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for table in &tables {
        let name: String = table.get("name");
        let sql: String = table.get("sql");
        schema.insert(format!("table {name}"), String::new());

        let columns = sqlx::query(
            "SELECT name, type, \"notnull\" AS not_null, dflt_value, pk \
             FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let mut primary_key: Vec<(i64, String)> = Vec::new();
        let mut column_names = BTreeSet::new();
        for column in &columns {
            let pk: i64 = column.get("pk");
            if pk > 0 {
                primary_key.push((pk, column.get("name")));
            }
        }
        // An INTEGER PRIMARY KEY of one column is SQLite's rowid: the database assigns it.
        let rowid_alias = primary_key.len() == 1;
        for column in &columns {
            let column_name: String = column.get("name");
            let declared: String = column.get("type");
            let pk: i64 = column.get("pk");
            let not_null: i64 = column.get("not_null");
            let default: Option<String> = column.get("dflt_value");
            let generated = pk > 0 && rowid_alias && declared.eq_ignore_ascii_case("integer");
            schema.insert(
                format!("column {name}.{column_name}"),
                // A primary key column never holds NULL, whatever SQLite's old quirk allows.
                column_fact(
                    &declared,
                    not_null == 1 || pk > 0,
                    default.as_deref(),
                    generated,
                ),
            );
            column_names.insert(column_name.to_ascii_lowercase());
        }
        primary_key.sort();
        if !primary_key.is_empty() {
            let columns: Vec<String> = primary_key.into_iter().map(|(_, c)| c).collect();
            schema.insert(
                format!("primary key {name}"),
                format!("({})", columns.join(", ")),
            );
        }

        let indexes = sqlx::query(
            "SELECT l.name AS name, l.\"unique\" AS is_unique, l.origin AS origin, m.sql AS sql \
             FROM pragma_index_list($1) AS l LEFT JOIN sqlite_master AS m ON m.name = l.name",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        for index in &indexes {
            let index_name: String = index.get("name");
            let unique: i64 = index.get("is_unique");
            let origin: String = index.get("origin");
            let index_sql: Option<String> = index.get("sql");
            let columns: Vec<String> = sqlx::query(
                "SELECT name FROM pragma_index_info($1) WHERE name IS NOT NULL ORDER BY seqno",
            )
            .bind(&index_name)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("name"))
            .collect();
            let columns = columns.join(", ");
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    schema.insert(format!("unique {name} ({columns})"), String::new());
                }
                _ => {
                    let predicate = index_sql
                        .as_deref()
                        .and_then(|s| {
                            let upper = s.to_ascii_uppercase();
                            upper.rfind(" WHERE ").map(|at| s[at + 7..].to_owned())
                        })
                        .map(|p| format!(" where {}", normalise_expression(&p)))
                        .unwrap_or_default();
                    schema.insert(
                        format!("index {name}.{index_name}"),
                        format!(
                            "{}({columns}){predicate}",
                            if unique == 1 { "unique " } else { "" }
                        ),
                    );
                }
            }
        }

        let keys = sqlx::query(
            "SELECT id, \"table\" AS target, \"from\" AS source, \"to\" AS target_column, \
             on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let mut grouped: BTreeMap<i64, (String, Vec<String>, Vec<String>, String)> =
            BTreeMap::new();
        for key in &keys {
            let entry = grouped.entry(key.get("id")).or_insert_with(|| {
                (
                    key.get("target"),
                    Vec::new(),
                    Vec::new(),
                    key.get("on_delete"),
                )
            });
            entry.1.push(key.get("source"));
            // A reference without columns means the target's primary key, which is always `id`
            // in this schema; every migration names it anyway.
            let target: Option<String> = key.get("target_column");
            entry.2.push(target.unwrap_or_else(|| "id".to_owned()));
        }
        for (target, from, to, rule) in grouped.into_values() {
            schema.insert(
                format!("foreign key {name} ({})", from.join(", ")),
                format!(
                    "references {target} ({}){}",
                    to.join(", "),
                    on_delete(&rule)
                ),
            );
        }

        for check in sqlite_checks(&sql) {
            schema.insert(check_key(&name, &check, &column_names), String::new());
        }
    }

    let triggers = sqlx::query("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    for trigger in &triggers {
        let table: String = trigger.get("tbl_name");
        let sql: String = trigger.get("sql");
        let words: Vec<String> = sql
            .split_whitespace()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let timing = ["before", "after", "instead"]
            .into_iter()
            .find(|t| words.iter().any(|w| w == t))
            .unwrap_or("after");
        for event in ["insert", "update", "delete"] {
            // The event word comes before ON; later words are the body.
            let on = words.iter().position(|w| w == "on").unwrap_or(words.len());
            if words[..on].iter().any(|w| w == event) {
                schema.insert(format!("trigger {table} {timing} {event}"), String::new());
            }
        }
    }
    schema
}

async fn postgres_schema(conn: &mut AnyConnection) -> Schema {
    let mut schema = Schema::new();
    let tables = sqlx::query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut column_names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for table in &tables {
        let name: String = table.get("name");
        schema.insert(format!("table {name}"), String::new());
        column_names.entry(name).or_default();
    }

    let columns = sqlx::query(
        "SELECT table_name::text AS tbl, column_name::text AS name, data_type::text AS type, \
         is_nullable::text AS nullable, column_default::text AS dflt, \
         is_identity::text AS identity FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for column in &columns {
        let table: String = column.get("tbl");
        let name: String = column.get("name");
        let declared: String = column.get("type");
        let nullable: String = column.get("nullable");
        let default: Option<String> = column.get("dflt");
        let identity: String = column.get("identity");
        let serial = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        schema.insert(
            format!("column {table}.{name}"),
            column_fact(
                &declared,
                nullable == "NO",
                if serial { None } else { default.as_deref() },
                identity == "YES" || serial,
            ),
        );
        column_names
            .entry(table)
            .or_default()
            .insert(name.to_ascii_lowercase());
    }

    // Primary keys, unique constraints, foreign keys and checks, with their columns in order.
    let constraints = sqlx::query(
        "SELECT t.relname::text AS tbl, c.contype::text AS kind, \
         pg_get_constraintdef(c.oid)::text AS def, \
         (SELECT string_agg(a.attname::text, ', ' ORDER BY k.ord) \
            FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord) \
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS cols, \
         f.relname::text AS target, \
         (SELECT string_agg(a.attname::text, ', ' ORDER BY k.ord) \
            FROM unnest(c.confkey) WITH ORDINALITY AS k(num, ord) \
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num) AS target_cols, \
         c.confdeltype::text AS on_delete \
         FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         LEFT JOIN pg_class f ON f.oid = c.confrelid \
         WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for constraint in &constraints {
        let table: String = constraint.get("tbl");
        let kind: String = constraint.get("kind");
        let cols: Option<String> = constraint.get("cols");
        let cols = cols.unwrap_or_default();
        match kind.as_str() {
            "p" => {
                schema.insert(format!("primary key {table}"), format!("({cols})"));
            }
            "u" => {
                schema.insert(format!("unique {table} ({cols})"), String::new());
            }
            "f" => {
                let target: Option<String> = constraint.get("target");
                let target_cols: Option<String> = constraint.get("target_cols");
                let rule: Option<String> = constraint.get("on_delete");
                let rule = match rule.as_deref() {
                    Some("c") => "cascade",
                    Some("n") => "set null",
                    Some("d") => "set default",
                    Some("r") => "restrict",
                    _ => "no action",
                };
                schema.insert(
                    format!("foreign key {table} ({cols})"),
                    format!(
                        "references {} ({}){}",
                        target.unwrap_or_default(),
                        target_cols.unwrap_or_default(),
                        on_delete(rule)
                    ),
                );
            }
            "c" => {
                let def: String = constraint.get("def");
                let empty = BTreeSet::new();
                let columns = column_names.get(&table).unwrap_or(&empty);
                schema.insert(check_key(&table, &def, columns), String::new());
            }
            other => {
                schema.insert(
                    format!("constraint {table} of kind {other}"),
                    constraint.get("def"),
                );
            }
        }
    }

    // Indexes that are not a primary key or unique constraint's own.
    let indexes = sqlx::query(
        "SELECT t.relname::text AS tbl, i.relname::text AS name, \
         CASE WHEN x.indisunique THEN 1 ELSE 0 END AS is_unique, \
         (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) \
            FROM generate_series(1, x.indnkeyatts) AS k) AS cols, \
         pg_get_expr(x.indpred, x.indrelid)::text AS predicate \
         FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
            WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid \
            AND c.contype IN ('p', 'u', 'x'))",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for index in &indexes {
        let table: String = index.get("tbl");
        let name: String = index.get("name");
        let unique: i32 = index.get("is_unique");
        let cols: String = index.get("cols");
        let predicate: Option<String> = index.get("predicate");
        let predicate = predicate
            .map(|p| format!(" where {}", normalise_expression(&p)))
            .unwrap_or_default();
        schema.insert(
            format!("index {table}.{name}"),
            format!(
                "{}({cols}){predicate}",
                if unique == 1 { "unique " } else { "" }
            ),
        );
    }

    // information_schema lists one row per event and leaves out TRUNCATE, which SQLite lacks.
    let triggers = sqlx::query(
        "SELECT event_object_table::text AS tbl, action_timing::text AS timing, \
         event_manipulation::text AS event FROM information_schema.triggers \
         WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for trigger in &triggers {
        let table: String = trigger.get("tbl");
        let timing: String = trigger.get("timing");
        let event: String = trigger.get("event");
        let timing = timing.to_ascii_lowercase();
        let timing = timing.split_whitespace().next().unwrap_or("after");
        schema.insert(
            format!("trigger {table} {timing} {}", event.to_ascii_lowercase()),
            String::new(),
        );
    }
    schema
}
