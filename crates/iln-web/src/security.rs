//! Request-level protection: security headers on every response, CSRF checks on every
//! state-changing request, random tokens and their SHA-256 digests, and cookie helpers.
//!
//! CSRF has two independent layers. Browsers that send `Sec-Fetch-Site` or `Origin` are refused
//! when the request comes from another site. Every form also carries a token that an attacker's
//! page cannot read: derived from the session id when signed in (the session cookie is
//! HttpOnly), else a random double-submit cookie. The middleware checks it for every unsafe
//! method, so a new route cannot forget it.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;
use crate::state::AppState;

/// The session cookie: a random 256-bit id; the database only keeps its SHA-256.
pub const SESSION_COOKIE: &str = "iln_session";
/// The double-submit CSRF cookie for people who are not signed in.
pub const CSRF_COOKIE: &str = "iln_csrf";
/// The form field every state-changing form carries.
pub const CSRF_FIELD: &str = "csrf";
/// The largest request body we read: forms here are small, and anything bigger is refused
/// with 413 before it is parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest body of the import pages: a spreadsheet of up to [`iln_sheet::MAX_FILE_BYTES`]
/// with its form around it, and the import's review form, which lists rows to leave out.
pub const MAX_IMPORT_BODY_BYTES: usize = iln_sheet::MAX_FILE_BYTES + 256 * 1024;

/// Whether a path is one of the import pages, which take a file or a long form.
pub fn is_import_path(path: &str) -> bool {
    path.starts_with("/imports/") || (path.starts_with("/rounds/") && path.ends_with("/import"))
}

/// The largest body read for a request to `path`.
pub fn body_limit(path: &str) -> usize {
    if is_import_path(path) {
        MAX_IMPORT_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// 256 random bits, URL-safe base64 without padding (43 characters). The application layer
/// makes the secrets of sessions and emailed links; CSRF cookies are the same kind of value.
pub fn random_token() -> String {
    iln_app::accounts::new_secret()
}

/// The lowercase hex SHA-256 of a token: what the database stores instead of the token, so a
/// leaked database copy holds no usable session or reset link. The same function as the
/// application layer's, so a cookie finds the session it started.
pub fn sha256_hex(token: &str) -> String {
    iln_app::accounts::secret_hash(token)
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of the named cookie, if the request has one.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` value with our fixed attributes. `max_age` of zero deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// The CSRF token of this request, for the forms a page renders.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| WebError::Internal("the CSRF middleware did not run".to_owned()))
    }
}

/// The CSRF token of a session: a digest of its secret id, so only that browser can know it.
pub fn csrf_for_session(session_id: &str) -> String {
    sha256_hex(&format!("csrf:{session_id}"))
}

/// The token forms must carry, from the cookies this request has. The session-bound form is
/// preferred, so signing in (a new session) also changes the token.
fn expected_token(headers: &HeaderMap) -> Option<String> {
    if let Some(session) = cookie(headers, SESSION_COOKIE) {
        return Some(csrf_for_session(session));
    }
    cookie(headers, CSRF_COOKIE)
        .filter(|value| value.len() == 43 && value.bytes().all(is_token_byte))
        .map(str::to_owned)
}

fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Whether the browser says the request comes from our own pages.
fn same_origin(headers: &HeaderMap, our_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is a person typing the address or using a bookmark; only a request our own
        // pages made is "same-origin". "same-site" (a sibling subdomain) is refused too.
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let host = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok());
        // The configured origin, or the host this request was sent to (the same server reached
        // by another name, e.g. localhost instead of 127.0.0.1): both are same-origin.
        let matches_host = host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, origin_host)| origin_host.eq_ignore_ascii_case(host))
        });
        return origin.eq_ignore_ascii_case(our_origin) || matches_host;
    }
    true
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Checks CSRF on unsafe methods and gives every request its `CsrfToken`, setting the
/// double-submit cookie when a visitor has neither it nor a session.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let expected = expected_token(&parts.headers);

    let body = if is_safe(&parts.method) {
        body
    } else {
        if !same_origin(&parts.headers, state.origin()) {
            return WebError::CrossSite.into_response();
        }
        let limit = body_limit(parts.uri.path());
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(_) if limit == MAX_IMPORT_BODY_BYTES => {
                return WebError::FileTooLarge.into_response();
            }
            Err(_) => return WebError::PayloadTooLarge.into_response(),
        };
        let sent = match multipart_boundary(&parts.headers) {
            Some(boundary) => multipart_field(bytes.clone(), boundary, CSRF_FIELD).await,
            None => form_field(&bytes, CSRF_FIELD),
        };
        let valid = match (&expected, &sent) {
            (Some(expected), Some(sent)) => constant_time_eq(expected, sent),
            _ => false,
        };
        if !valid {
            return WebError::CsrfToken.into_response();
        }
        Body::from(bytes)
    };

    let (token, new_cookie) = match expected {
        Some(token) => (token, None),
        None => {
            let token = random_token();
            (token.clone(), Some(token))
        }
    };
    parts.extensions.insert(CsrfToken(token));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(value) = new_cookie {
        // A year: the cookie proves nothing about who someone is, it only ties forms to a browser.
        let cookie = set_cookie(
            CSRF_COOKIE,
            &value,
            365 * 24 * 3600,
            state.config().secure_cookies,
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The boundary of a `multipart/form-data` body (a form with a file), if it is one.
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(content_type).ok()
}

/// The value of the text field `name` in a `multipart/form-data` body; None when the body
/// does not parse or has no such field. Our upload form puts the token first, so reading
/// stops before the file.
async fn multipart_field(body: Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body.
fn form_field(body: &Bytes, name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Adds the security headers to every response, errors included.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Served over HTTPS (that is when cookies are Secure): browsers must never fall back to
    // plain HTTP, where a session cookie could be stripped or a page altered.
    if state.config().secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    let fixed: [(HeaderName, &str); 5] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages show personal data: no shared cache may keep them. Static files set their own.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
