//! Extractors that turn malformed input into our friendly 400/404/413 pages instead of axum's
//! plain-text rejections.

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::WebError;

/// A url-encoded form; a body that does not decode is a 400 page, too large a 413 page.
pub struct HtmlForm<T>(pub T);

impl<T, S> FromRequest<S> for HtmlForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(Self(value)),
            Err(rejection) => Err(form_rejection(&rejection)),
        }
    }
}

fn form_rejection(rejection: &FormRejection) -> WebError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => WebError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            WebError::BadRequest("this form must be sent as a web form".to_owned())
        }
        _ => WebError::BadRequest("the form was incomplete or could not be read".to_owned()),
    }
}

/// A numeric id in the path; anything else is the same 404 as an id that does not exist.
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_: PathRejection| WebError::NotFound)?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Self)
            .ok_or(WebError::NotFound)
    }
}

/// The `page` query parameter of list pages: 1 when absent or unreadable.
pub fn page_number(query: Option<&str>) -> i64 {
    query
        .and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "page")
                .and_then(|(_, value)| value.parse::<i64>().ok())
        })
        .filter(|page| *page >= 1)
        .unwrap_or(1)
}
