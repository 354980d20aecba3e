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
    /// A fault armed by a test fired ([`Store::fail_at_write_step`]).
    #[error("injected fault")]
    InjectedFault,
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
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
