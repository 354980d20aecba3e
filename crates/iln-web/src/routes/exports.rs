//! A round's exports as downloads: `GET /rounds/{id}/export/{what}.{csv|xlsx}` for admins and
//! country coordinators (their own countries' people only, as the use-case decides), the
//! same tables `iln export` writes. A participant, an unknown export or format, and a round
//! that does not exist all get the same 404. Reading only: nothing here writes.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use iln_app::Actor;
use iln_app::export::{self, Format, What};
use iln_store::RoundId;

use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// `applications.csv` as what and format; anything else is None.
fn parse_file(file: &str) -> Option<(What, Format)> {
    let (what, extension) = file.rsplit_once('.')?;
    Some((What::parse(what)?, Format::parse(extension)?))
}

/// A file name part from a round's name: ASCII letters and digits, the rest as single
/// hyphens, so the header never needs quoting rules beyond the plain ones.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)?;
    let (what, format) = parse_file(&file).ok_or(WebError::NotFound)?;
    let actor = Actor::user(&viewer.user);
    let table = export::table(state.app(), &actor, RoundId(id), what).await?;
    let round = state
        .store()
        .round(RoundId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    let name = match slug(&round.round.settings.name.to_string()) {
        s if s.is_empty() => format!("round-{id}"),
        s => s,
    };
    let bytes = tokio::task::spawn_blocking(move || export::write(&table, format, what.as_str()))
        .await?
        .map_err(|e| WebError::Internal(format!("the export could not be written: {e}")))?;
    // Excel opens a downloaded CSV as the Windows code page unless it starts with a UTF-8
    // byte-order mark, which turns "São Paulo" into "SÃ£o Paulo"; Excel's own "CSV UTF-8"
    // writes one too, and our reader skips it. The command line writes none, for scripts.
    let bytes = match format {
        Format::Csv => [&b"\xEF\xBB\xBF"[..], &bytes].concat(),
        Format::Xlsx => bytes,
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{name}-{}.{}\"",
                    what.as_str(),
                    format.extension()
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_parsed_strictly() {
        assert_eq!(slug("Spring 2025 — España!"), "spring-2025-espa-a");
        assert_eq!(slug("  \"quoted\"; evil\r\n"), "quoted-evil");
        assert_eq!(slug("ÉÉÉ"), "");
        assert_eq!(
            parse_file("applications.xlsx"),
            Some((What::Applications, Format::Xlsx))
        );
        assert_eq!(
            parse_file("surveys.csv"),
            Some((What::Surveys, Format::Csv))
        );
        assert_eq!(parse_file("applications.pdf"), None);
        assert_eq!(parse_file("everything.csv"), None);
        assert_eq!(parse_file("applications"), None);
    }
}
