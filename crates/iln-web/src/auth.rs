//! Who is asking: sessions (create, look up, end), the signed-in user extractors, the client
//! address used by the rate limits, and password hashing off the async threads.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use iln_domain::account::{NewPassword, PasswordHash, Role};
use iln_domain::country::CountryCode;
use iln_domain::timezone::TimeZoneName;
use iln_store::{PeopleScope, User, UserId};
use jiff::{SignedDuration, Timestamp};

use crate::error::WebError;
use crate::security::{
    SESSION_COOKIE, cookie, csrf_for_session, random_token, set_cookie, sha256_hex,
};
use crate::state::AppState;

/// How long a session lasts from sign-in. Two weeks suits people who sign in from a phone
/// every few days during a round without keeping them signed in forever.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);

/// A session just started: the `Set-Cookie` value carrying its id, and the CSRF token forms
/// must carry from now on.
pub struct NewSession {
    pub cookie: String,
    pub csrf: String,
}

/// Starts a session for `user` with a fresh random id. A new id at every sign-in means a
/// session id planted before sign-in is worth nothing.
pub async fn start_session(state: &AppState, user: UserId) -> Result<NewSession, WebError> {
    let id = random_token();
    let now = state.now();
    let expires = now.saturating_add(SESSION_LIFETIME).unwrap_or(now);
    state
        .store()
        .create_session(&sha256_hex(&id), user, now, expires)
        .await?;
    Ok(NewSession {
        cookie: set_cookie(
            SESSION_COOKIE,
            &id,
            SESSION_LIFETIME.as_secs(),
            state.config().secure_cookies,
        ),
        csrf: csrf_for_session(&id),
    })
}

/// The `Set-Cookie` value that removes the session cookie from the browser.
pub fn clear_session_cookie(state: &AppState) -> String {
    set_cookie(SESSION_COOKIE, "", 0, state.config().secure_cookies)
}

/// The signed-in user, with the hash of the session they came with (so sign-out can delete
/// exactly that session and a password change can keep it).
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub session_hash: String,
}

impl Viewer {
    pub fn id(&self) -> UserId {
        self.user.id
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// The zone this person reads dates in: theirs, else UTC.
    pub fn time_zone(&self) -> TimeZoneName {
        self.user
            .time_zone
            .clone()
            .unwrap_or_else(TimeZoneName::utc)
    }

    /// The countries a coordinator may see; None means all (an admin).
    pub fn country_scope(&self) -> Result<Option<&[CountryCode]>, WebError> {
        match self.user.role {
            Role::Admin => Ok(None),
            Role::CountryCoordinator => Ok(Some(&self.user.countries)),
            Role::Participant => Err(WebError::NotFound),
        }
    }

    /// The people and applicants this viewer may see, as the store's filter; participants see
    /// none (404, as for a missing page).
    pub fn people_scope(&self) -> Result<PeopleScope, WebError> {
        Ok(match self.country_scope()? {
            None => PeopleScope::All,
            Some(countries) => PeopleScope::Countries(countries.to_vec()),
        })
    }
}

/// The signed-in user if there is one.
pub struct MaybeViewer(pub Option<Viewer>);

impl FromRequestParts<AppState> for MaybeViewer {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(id) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(Self(None));
        };
        let session_hash = sha256_hex(id);
        let user = state
            .store()
            .session_user(&session_hash, state.now())
            .await?;
        Ok(Self(user.map(|user| Viewer { user, session_hash })))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = MaybeViewer::from_request_parts(parts, state).await?.0;
        viewer.ok_or_else(|| {
            // Only a page someone was reading is worth coming back to, not a form post.
            let next = (parts.method == axum::http::Method::GET)
                .then(|| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
                .flatten();
            WebError::SignInRequired(next)
        })
    }
}

/// A signed-in admin (program coordinator); anyone else gets 403.
pub struct Admin(pub Viewer);

impl FromRequestParts<AppState> for Admin {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if viewer.is_admin() {
            Ok(Self(viewer))
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// The address rate limits count against. Behind a reverse proxy (`trust_proxy_headers`) it is
/// the last `X-Forwarded-For` entry, the one our proxy appended; a client cannot forge it.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config().trust_proxy_headers
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Ok(Self(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        // In-process tests have no connection; they all count as one unspecified client.
        Ok(Self(peer.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}

/// Hashes on the blocking pool: argon2id takes tens of milliseconds of CPU and would stall
/// every other request on this worker thread.
pub async fn hash_password(password: NewPassword) -> Result<PasswordHash, WebError> {
    Ok(tokio::task::spawn_blocking(move || iln_domain::account::hash_password(&password)).await?)
}

/// Checks a password on the blocking pool; with no stored hash it spends the same time and fails.
pub async fn verify_password(
    password: String,
    hash: Option<PasswordHash>,
) -> Result<bool, WebError> {
    Ok(tokio::task::spawn_blocking(move || match hash {
        Some(hash) => iln_domain::account::verify_password(&password, &hash),
        None => iln_domain::account::verify_password_against_nothing(&password),
    })
    .await?)
}

/// When a one-time token made now expires.
pub fn expires_in(now: Timestamp, lifetime: SignedDuration) -> Timestamp {
    now.saturating_add(lifetime).unwrap_or(now)
}
