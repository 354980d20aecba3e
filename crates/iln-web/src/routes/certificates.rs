//! The end of a round as people see it: the certificate of participation (a printable page
//! and a PDF) for each member of a closed round's partnerships, and the admin's confirmation
//! page before closing a round, which says what closing does.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use iln_app::Actor;
use iln_app::ending::{self, Certificate};
use iln_domain::contact::ContactWay;
use iln_domain::round::RoundState;
use iln_pdf::{Document, Fonts, Metadata, Mm, PageSize, Paint, Pt, Rgb, Weight};
use iln_store::RoundId;

use super::common::load_round_at;
use super::ok;
use crate::auth::{Admin, Viewer};
use crate::error::WebError;
use crate::forms::PathId;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::Nav;
use crate::words::{Label, day};

/// The certificate's sentences, shared by the page and the PDF.
struct Words {
    dates: String,
    partner: String,
    topics: String,
    contacts: String,
    issued: String,
}

fn words(c: &Certificate) -> Words {
    let countries = match c.partner_countries.as_slice() {
        [] => "another country".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let topics = if c.topics.is_empty() {
        "No discussion topics were marked as discussed together.".to_owned()
    } else {
        format!(
            "Discussion topics explored together: {}.",
            c.topics.join("; ")
        )
    };
    let contacts = if c.contacts.is_empty() {
        "No contacts were logged on the platform.".to_owned()
    } else {
        let mut ways: Vec<(ContactWay, usize)> = Vec::new();
        for (_, way) in &c.contacts {
            match ways.iter_mut().find(|(w, _)| w == way) {
                Some((_, n)) => *n += 1,
                None => ways.push((*way, 1)),
            }
        }
        let list: Vec<String> = ways
            .iter()
            .map(|(w, n)| format!("{} {n}", w.label().to_lowercase()))
            .collect();
        format!(
            "{} contact{} logged between {} and {}: {}.",
            c.contacts.len(),
            if c.contacts.len() == 1 { "" } else { "s" },
            c.contacts.first().map(|(d, _)| day(*d)).unwrap_or_default(),
            c.contacts.last().map(|(d, _)| day(*d)).unwrap_or_default(),
            list.join(", ")
        )
    };
    Words {
        dates: format!("from {} to {}", day(c.starts), day(c.ended)),
        partner: format!("in a peer-mentoring partnership with a librarian from {countries}"),
        topics,
        contacts,
        issued: format!(
            "Issued on {} by the International Librarians Network",
            day(c.issued.to_zoned(jiff::tz::TimeZone::UTC).date())
        ),
    }
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    nav: Nav,
    round_id: i64,
    name: String,
    round: String,
    dates: String,
    partner: String,
    topics: String,
    contacts: String,
    issued: String,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let c = ending::certificate(state.app(), &actor, RoundId(id)).await?;
    let w = words(&c);
    ok(&CertificatePage {
        nav: Nav::new(Some(&viewer), &csrf),
        round_id: id,
        name: c.name,
        round: c.round,
        dates: w.dates,
        partner: w.partner,
        topics: w.topics,
        contacts: w.contacts,
        issued: w.issued,
    })
}

/// The certificate as an A4 landscape PDF, its lines centred.
fn pdf(c: &Certificate) -> Result<Vec<u8>, iln_pdf::Error> {
    let fonts = Fonts::embedded()?;
    let size = PageSize::A4.landscape();
    let w = words(c);
    let mut document = Document::new(&fonts, size).with_metadata(Metadata {
        title: Some(format!("Certificate of participation: {}", c.name)),
        author: Some("International Librarians Network".to_owned()),
        subject: Some(c.round.clone()),
        created: None,
    });
    let brand = Rgb(11, 87, 138);
    let ink = Rgb(30, 36, 43);
    let page = document.add_page();
    page.set_color(brand).rect(
        Mm(12.0),
        Mm(12.0),
        size.width() - Mm(24.0),
        size.height() - Mm(24.0),
        Paint::Stroke(Pt(2.0)),
    );
    let mut y = 42.0;
    let mut centred = |page: &mut iln_pdf::Page,
                       text: &str,
                       pt: f32,
                       weight: Weight,
                       color: Rgb,
                       gap: f32| {
        for line in fonts.wrap(text, Pt(pt), weight, size.width() - Mm(60.0)) {
            let width = fonts.text_width(Pt(pt), weight, &line);
            page.set_color(color)
                .text((size.width() - width) / 2.0, Mm(y), Pt(pt), weight, &line);
            y += pt * 0.48;
        }
        y += gap;
    };
    centred(
        page,
        "Certificate of participation",
        30.0,
        Weight::Bold,
        brand,
        10.0,
    );
    centred(page, "This certifies that", 13.0, Weight::Regular, ink, 6.0);
    centred(page, &c.name, 28.0, Weight::Bold, ink, 6.0);
    centred(
        page,
        "took part in the International Librarians Network's",
        13.0,
        Weight::Regular,
        ink,
        1.0,
    );
    centred(page, &c.round, 18.0, Weight::Bold, ink, 2.0);
    centred(
        page,
        &format!("{}, {}.", w.dates, w.partner),
        13.0,
        Weight::Regular,
        ink,
        8.0,
    );
    centred(page, &w.topics, 11.0, Weight::Regular, ink, 3.0);
    centred(page, &w.contacts, 11.0, Weight::Regular, ink, 3.0);
    let footer = &w.issued;
    let width = fonts.text_width(Pt(10.0), Weight::Regular, footer);
    page.set_color(ink).text(
        (size.width() - width) / 2.0,
        size.height() - Mm(22.0),
        Pt(10.0),
        Weight::Regular,
        footer,
    );
    Ok(document.finish()?.bytes)
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let c = ending::certificate(state.app(), &actor, RoundId(id)).await?;
    let bytes = tokio::task::spawn_blocking(move || pdf(&c))
        .await
        .map_err(|e| WebError::Internal(format!("the certificate writer stopped: {e}")))?
        .map_err(|e| WebError::Internal(format!("the certificate could not be written: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"iln-certificate-round-{id}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "round_close.html")]
struct ClosePage {
    nav: Nav,
    id: i64,
    name: String,
    early: bool,
    ends: String,
    running: usize,
    people: usize,
}

/// Asks before closing a round, saying what will happen.
pub async fn close_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    if round.round.state == RoundState::Closed {
        return Err(WebError::Conflict(
            "this round is closed already".to_owned(),
        ));
    }
    let running: Vec<_> = state
        .store()
        .round_partnerships(round.id)
        .await?
        .into_iter()
        .filter(iln_store::PartnershipRecord::is_running)
        .collect();
    ok(&ClosePage {
        nav: Nav::new(Some(&admin.0), &csrf),
        id: round.id.0,
        name: round.round.settings.name.to_string(),
        early: state.now() < round.round.settings.ends_at(),
        ends: day(round.round.settings.ends),
        people: running.iter().map(|p| p.members.len()).sum(),
        running: running.len(),
    })
}
