//! Who is asking: session cookies, the signed-in user extractors, and the client
//! address used by the rate limits. Starting and ending sessions are use-cases of
//! `iln_app::accounts`; this module turns their result into cookies.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use iln_app::accounts::{NewSession, SESSION_LIFETIME};
use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_domain::timezone::TimeZoneName;
use iln_store::{PeopleScope, User, UserId};

use crate::error::WebError;
use crate::security::{SESSION_COOKIE, cookie, csrf_for_session, set_cookie, sha256_hex};
use crate::state::AppState;

/// A session the application layer just started, as the browser gets it: the `Set-Cookie`
/// value carrying its id, and the CSRF token forms must carry from now on.
pub struct SessionCookie {
    pub cookie: String,
    pub csrf: String,
}

impl SessionCookie {
    pub fn new(state: &AppState, session: &NewSession) -> Self {
        Self {
            cookie: set_cookie(
                SESSION_COOKIE,
                &session.secret,
                SESSION_LIFETIME.as_secs(),
                state.config().secure_cookies,
            ),
            csrf: csrf_for_session(&session.secret),
        }
    }
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
