//! The store's error type: what went wrong, in words a log reader or a command-line user can act on.

/// Any failure of a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names neither SQLite nor PostgreSQL.
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The database could not be opened or reached.
    #[error("could not open the database at {location}: {reason}")]
    Connect { location: String, reason: String },
    /// Applying the embedded migrations failed.
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique constraint refused the write; the text names what already exists.
    #[error("{0} already exists")]
    Conflict(String),
    /// A referenced row does not exist (for example a user id that was never created).
    #[error("{0} does not exist")]
    NotFound(String),
    /// A stored value could not be read back as its type: the database was changed outside
    /// this program.
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
    /// A stored JSON document (round settings, application answers, a matching run, a
    /// partner's profile) cannot be read: saved by a newer release, or no longer valid under
    /// this release's rules. `what` names the record ("round 3's settings").
    #[error("{what} cannot be read: {reason}")]
    Unreadable { what: String, reason: String },
    /// The database is busy: another process holds SQLite's write lock for longer than the
    /// busy timeout, PostgreSQL gave up on a lock, or no pooled connection came free in time.
    /// Nothing was written; the same request a moment later should work.
    #[error("the database is busy: {0}")]
    Busy(String),
    /// The disk (or quota) holding the database is full. Nothing was written; writes work
    /// again once space is freed.
    #[error("the database's disk is full: {0}")]
    DiskFull(String),
    /// The database refuses writes: a read-only file or mount, or a read-only server.
    #[error("the database is read-only: {0}")]
    ReadOnly(String),
    /// A fault armed by a test fired ([`Store::fail_at_write_step`]).
    #[error("injected fault")]
    InjectedFault,
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// Whether the failure is the database's condition (busy, full, read-only) rather than
    /// anything about the request: the web answers these with 503 and a time to retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Busy(_) | StoreError::DiskFull(_) | StoreError::ReadOnly(_)
        )
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::PoolTimedOut => {
                return StoreError::Busy("no database connection came free in time".to_owned());
            }
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => {
                return StoreError::DiskFull(io.to_string());
            }
            _ => {}
        }
        if let sqlx::Error::Database(db) = &error {
            if let Some(trouble) = db
                .code()
                .and_then(|code| trouble(&code, db.message().to_owned()))
            {
                return trouble;
            }
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return StoreError::Conflict(conflict_subject(db.message()));
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => {
                    return StoreError::NotFound("a referenced record".to_owned());
                }
                _ => {}
            }
        }
        StoreError::Database(error)
    }
}

/// The database conditions a caller can wait out, from the backend's error code. PostgreSQL
/// gives a five-character SQLSTATE; SQLite a number, whose low byte is the primary code (an
/// extended code such as SQLITE_BUSY_SNAPSHOT, 517, is still "busy").
fn trouble(code: &str, message: String) -> Option<StoreError> {
    if code.len() == 5 {
        return match code {
            // lock_not_available, deadlock_detected, serialization_failure,
            // too_many_connections, cannot_connect_now.
            "55P03" | "40P01" | "40001" | "53300" | "57P03" => Some(StoreError::Busy(message)),
            "53100" => Some(StoreError::DiskFull(message)),
            "25006" => Some(StoreError::ReadOnly(message)),
            _ => None,
        };
    }
    let primary = code.parse::<i32>().ok()? & 0xff;
    match primary {
        // SQLITE_BUSY, SQLITE_LOCKED.
        5 | 6 => Some(StoreError::Busy(message)),
        // SQLITE_FULL.
        13 => Some(StoreError::DiskFull(message)),
        // SQLITE_READONLY.
        8 => Some(StoreError::ReadOnly(message)),
        _ => None,
    }
}

/// Names what collided from the backend's message, which mentions the table and column
/// (SQLite: "UNIQUE constraint failed: users.email"; PostgreSQL: "... \"users_email_key\"").
fn conflict_subject(message: &str) -> String {
    if message.contains("users.email") || message.contains("users_email_key") {
        "an account with this email".to_owned()
    } else if message.contains("people.user_id") || message.contains("people_user_id_key") {
        "a profile for this account".to_owned()
    } else if message.contains("sessions") {
        "this session".to_owned()
    } else if message.contains("tokens") {
        "this token".to_owned()
    } else {
        "a record with these values".to_owned()
    }
}
