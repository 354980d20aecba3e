//! Discussion topics: a round's archive, one topic's page with its parts and links, the
//! admin's form (with a preview of the page and the email exactly as readers get them), and
//! releasing a topic now after a confirmation. Each handler parses, calls its
//! `iln_app::topics` use-case and renders.
//!
//! Who sees what: admins and country coordinators see every topic of a round, written or
//! released; a participant sees the released topics of the rounds they have a partnership
//! in; anyone else gets 404, as for a round without topics.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::notify::{Composed, Composer, Notice};
use iln_app::posts::{self, PostsError};
use iln_app::topics::{self, TopicNotice, TopicsError};
use iln_domain::post::PostError;
use iln_domain::topic::{Resource, Topic, TopicError, TopicForm};
use iln_store::{PostId, PostRecord, RoundId, RoundRecord, Thread, TopicId, TopicRecord};
use serde::Deserialize;

use super::common::{FieldErrors, is_coordinator, load_round, load_round_at, query_value};
use super::{FORM_INVALID, ok, page};
use crate::auth::{Admin, Viewer};
use crate::emails::WebComposer;
use crate::error::WebError;
use crate::forms::{HtmlForm, PathId};
use crate::markdown;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::day;

/// What a viewer may see of a round's topics.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Every topic, released or not (admins and country coordinators).
    All,
    /// The released ones (a participant with a partnership in the round).
    Released,
}

async fn access(state: &AppState, viewer: &Viewer, round: RoundId) -> Result<Access, WebError> {
    if is_coordinator(Some(viewer)) {
        return Ok(Access::All);
    }
    let member = state
        .store()
        .partnerships_of(viewer.id())
        .await?
        .iter()
        .any(|p| p.round == round);
    if member {
        Ok(Access::Released)
    } else {
        Err(WebError::NotFound)
    }
}

fn visible(topic: &TopicRecord, access: Access, viewer: &Viewer, now: jiff::Timestamp) -> bool {
    access == Access::All || topic.is_out_for(&viewer.time_zone(), now)
}

/// When the topic went out, for this reader: coordinators see when the release ran (from the
/// first zone on); a participant sees when it reached them.
fn released_words(topic: &TopicRecord, access: Access, viewer: &Viewer) -> Option<String> {
    let zone = viewer.time_zone();
    let at = topic.released_at?;
    Some(match access {
        Access::All => format!("Released {}", when(at, &zone)),
        Access::Released => format!("Out since {}", when(topic.reaches(&zone), &zone)),
    })
}

/// "3 March 2027 at 09:00 in each reader's own time zone".
fn release_words(topic: &Topic) -> String {
    format!(
        "{} at {} in each reader's own time zone",
        day(topic.release.on),
        topic.release.at.strftime("%H:%M")
    )
}

/// One topic in the archive.
pub struct TopicLine {
    pub id: i64,
    pub title: String,
    /// "Released" or "Goes out on …".
    pub when: String,
    pub parts: Vec<TopicLine>,
}

#[derive(Template)]
#[template(path = "topic_list.html")]
struct TopicListPage {
    nav: Nav,
    round_id: i64,
    round: String,
    can_write: bool,
    topics: Vec<TopicLine>,
    notice: Option<&'static str>,
}

fn line(topic: &TopicRecord, access: Access, viewer: &Viewer, parts: Vec<TopicLine>) -> TopicLine {
    TopicLine {
        id: topic.id.0,
        title: topic.topic.title.clone(),
        when: released_words(topic, access, viewer)
            .unwrap_or_else(|| format!("Goes out on {}", release_words(&topic.topic))),
        parts,
    }
}

/// The archive of a round's topics, parts under their topic.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let access = access(&state, &viewer, round.id).await?;
    let now = state.now();
    let all: Vec<TopicRecord> = state
        .store()
        .round_topics(round.id)
        .await?
        .into_iter()
        .filter(|t| visible(t, access, &viewer, now))
        .collect();
    let topics = all
        .iter()
        .filter(|t| t.part_of.is_none())
        .map(|t| {
            let parts = all
                .iter()
                .filter(|p| p.part_of == Some(t.id))
                .map(|p| line(p, access, &viewer, Vec::new()))
                .collect();
            line(t, access, &viewer, parts)
        })
        .collect();
    ok(&TopicListPage {
        nav: Nav::new(Some(&viewer), &csrf),
        round_id: round.id.0,
        round: round.round.settings.name.to_string(),
        can_write: viewer.is_admin(),
        topics,
        notice: match query.as_deref() {
            Some("done=saved") => Some("The topic is saved. It goes out on its release day."),
            _ => None,
        },
    })
}

/// A topic (or a part) as its page shows it.
pub struct TopicView {
    pub title: String,
    pub part_of: Option<(i64, String)>,
    pub body_html: String,
    pub resources: Vec<Resource>,
    pub release: String,
    pub released: Option<String>,
}

impl TopicView {
    fn new(topic: &Topic, part_of: Option<(i64, String)>, released: Option<String>) -> TopicView {
        TopicView {
            title: topic.title.clone(),
            part_of,
            body_html: markdown::to_html(&topic.body),
            resources: topic.resources.clone(),
            release: release_words(topic),
            released,
        }
    }
}

#[derive(Template)]
#[template(path = "topic_page.html")]
struct TopicPage {
    nav: Nav,
    id: i64,
    round_id: i64,
    round: String,
    topic: TopicView,
    parts: Vec<(i64, TopicView)>,
    can_write: bool,
    can_add_part: bool,
    can_release: bool,
    notice: Option<String>,
    thread: ThreadView,
    /// For a member of a partnership of the round: whether they marked it discussed.
    discussed: Option<bool>,
    /// How many partnerships of the round marked it discussed (for coordinators).
    discussed_count: Option<usize>,
}

/// A post as a thread shows it to one reader.
pub struct PostView {
    pub id: i64,
    pub author: String,
    pub at: String,
    pub edited: bool,
    /// Escaped, links made clickable; empty when hidden from this reader or deleted.
    pub body_html: String,
    pub url: Option<String>,
    /// The post's raw words, for its author's edit box.
    pub raw: String,
    pub mine: bool,
    pub hidden: bool,
    pub deleted: bool,
}

/// A thread: its posts, the form (with a refused post's words and why), who may moderate.
pub struct ThreadView {
    pub posts: Vec<PostView>,
    pub error: Option<String>,
    pub draft: String,
    pub moderates: bool,
}

fn post_view(post: &PostRecord, viewer: &Viewer, moderates: bool) -> PostView {
    let zone = viewer.time_zone();
    let deleted = post.deleted_at.is_some();
    let hidden = post.hidden_at.is_some();
    // Coordinators still read a hidden post, to decide whether to show it again.
    let shown = !deleted && (!hidden || moderates);
    PostView {
        id: post.id.0,
        author: post.author_name.clone(),
        at: when(post.created_at, &zone),
        edited: post.updated_at > post.created_at && !deleted,
        body_html: if shown {
            markdown::linkify(&post.body)
        } else {
            String::new()
        },
        url: post.url.clone().filter(|_| shown),
        raw: if post.author == viewer.id() && !deleted {
            post.body.clone()
        } else {
            String::new()
        },
        mine: post.author == viewer.id(),
        hidden,
        deleted,
    }
}

async fn thread_view(
    state: &AppState,
    viewer: &Viewer,
    round: RoundId,
    thread: Thread,
    problem: Option<(String, String)>,
) -> Result<ThreadView, WebError> {
    let moderates = is_coordinator(Some(viewer));
    let posts = state
        .store()
        .thread_posts(round, thread)
        .await?
        .iter()
        .map(|p| post_view(p, viewer, moderates))
        .collect();
    let (error, draft) = problem.map_or((None, String::new()), |(e, d)| (Some(e), d));
    Ok(ThreadView {
        posts,
        error,
        draft,
        moderates,
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let notice = match query.as_deref() {
        Some("done=saved") => Some("The topic is saved.".to_owned()),
        Some("done=posted") => Some("Your post is in the discussion below.".to_owned()),
        Some("done=discussed") => Some("Marked as discussed with your partner.".to_owned()),
        Some(q) if q.starts_with("done=released&n=") => Some(format!(
            "Released: {} readers get it by email now.",
            q.trim_start_matches("done=released&n=")
                .parse::<usize>()
                .unwrap_or(0)
        )),
        _ => None,
    };
    render_topic(&state, &viewer, &csrf, TopicId(id), notice, None).await
}

/// The topic's page for this reader, with a notice or a refused post's words and why.
async fn render_topic(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    id: TopicId,
    notice: Option<String>,
    problem: Option<(String, String)>,
) -> Result<Response, WebError> {
    let store = state.store();
    let record = store.topic(id).await?.ok_or(WebError::NotFound)?;
    let round = load_round(state, record.round).await?;
    let access = access(state, viewer, round.id).await?;
    let now = state.now();
    if !visible(&record, access, viewer, now) {
        return Err(WebError::NotFound);
    }
    let part_of = match record.part_of {
        Some(parent) => store.topic(parent).await?.map(|p| (p.id.0, p.topic.title)),
        None => None,
    };
    let parts = store
        .round_topics(round.id)
        .await?
        .into_iter()
        .filter(|p| p.part_of == Some(record.id) && visible(p, access, viewer, now))
        .map(|p| {
            let released = released_words(&p, access, viewer);
            (p.id.0, TopicView::new(&p.topic, None, released))
        })
        .collect();
    let out = record.is_out(now);
    let marks = store.topic_discussions(record.id).await?;
    let mine = store
        .round_partnerships(round.id)
        .await?
        .into_iter()
        .filter(|p| p.has_member(viewer.id()))
        .map(|p| p.id)
        .max();
    let admin = viewer.is_admin();
    let page_view = TopicPage {
        nav: Nav::new(Some(viewer), csrf),
        id: record.id.0,
        round_id: round.id.0,
        round: round.round.settings.name.to_string(),
        topic: TopicView::new(
            &record.topic,
            part_of,
            released_words(&record, access, viewer),
        ),
        parts,
        can_write: admin,
        can_add_part: admin && record.part_of.is_none(),
        can_release: admin && record.released_at.is_none(),
        notice,
        thread: thread_view(state, viewer, round.id, Thread::Topic(record.id), problem).await?,
        discussed: mine
            .filter(|_| out)
            .map(|p| marks.iter().any(|(marked, _)| *marked == p)),
        discussed_count: (access == Access::All).then_some(marks.len()),
    };
    if page_view.thread.error.is_some() {
        page(FORM_INVALID, &page_view)
    } else {
        ok(&page_view)
    }
}

// ---------------------------------------------------------------------------------------
// Writing topics

/// The form as posted: the topic's fields, the topic it is a part of, and which button.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TopicFormInput {
    #[serde(flatten)]
    topic: TopicForm,
    part_of: String,
    /// "preview" shows the page and the email; anything else saves.
    intent: String,
}

/// The page and the email as a reader would get them, for the preview.
pub struct Preview {
    pub topic: TopicView,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

#[derive(Template)]
#[template(path = "topic_form.html")]
struct TopicFormPage {
    nav: Nav,
    round_id: i64,
    round: String,
    /// None for a new topic.
    id: Option<i64>,
    part_of: Option<(i64, String)>,
    released: bool,
    form: TopicForm,
    errors: FieldErrors,
    starts: String,
    ends: String,
    preview: Option<Preview>,
}

impl TopicFormPage {
    fn release_hint(&self) -> String {
        format!(
            "A day from {} to {}, while the partnerships run.",
            self.starts, self.ends
        )
    }

    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/topics/{id}/edit"),
            None => format!("/rounds/{}/topics/new", self.round_id),
        }
    }
}

/// The words for a mistake on the topic form.
fn error_words(error: &TopicError) -> String {
    match error {
        TopicError::TitleMissing => "Give the topic a title.".to_owned(),
        TopicError::TitleTooLong => format!(
            "Keep the title under {} characters.",
            iln_domain::topic::TITLE_MAX_LEN
        ),
        TopicError::BodyMissing => "Write what the topic is about.".to_owned(),
        TopicError::BodyTooLong => format!(
            "Keep the text under {} characters; link to longer reading instead.",
            iln_domain::topic::BODY_MAX_LEN
        ),
        TopicError::ReleaseOn(text) if text.is_empty() => "Choose the release day.".to_owned(),
        TopicError::ReleaseOn(text) => {
            format!("\u{201c}{text}\u{201d} is not a date. Use the form 2027-03-15.")
        }
        TopicError::BeforeRoundStarts { starts, .. } => format!(
            "The release day is before the partnerships start on {}. Choose a day within the round.",
            day(*starts)
        ),
        TopicError::AfterRoundEnds { ends, .. } => format!(
            "The release day is after the partnerships end on {}. Choose a day within the round.",
            day(*ends)
        ),
        TopicError::ReleaseTime(text) => {
            format!("\u{201c}{text}\u{201d} is not a time of day. Use the form 09:00.")
        }
        TopicError::ResourceWithoutLink { line } => {
            format!("Line {line} has no web address after the \u{201c}|\u{201d}.")
        }
        TopicError::ResourceLink { line, address } => format!(
            "Line {line}: \u{201c}{address}\u{201d} is not a web address. Links start with https:// or http://."
        ),
        TopicError::ResourceTooLong { line } => format!("Line {line} is too long."),
        TopicError::TooManyResources => {
            format!("List at most {} links.", iln_domain::topic::RESOURCES_MAX)
        }
    }
}

fn field_errors(errors: &[TopicError]) -> FieldErrors {
    let mut fields = FieldErrors::default();
    for error in errors {
        fields.insert(error.field().as_str(), error_words(error));
    }
    fields
}

/// The email one reader would get, composed by the very composer that sends it.
fn preview_of(
    topic: &Topic,
    round: &RoundRecord,
    part_of: Option<&(i64, String)>,
    reader: &Viewer,
    link: String,
    unsubscribe: String,
) -> Preview {
    let notice = Notice::Topics(TopicNotice::Released {
        name: reader.user.display_name.to_string(),
        round: round.round.settings.name.to_string(),
        part_of: part_of.map(|(_, title)| title.clone()),
        title: topic.title.clone(),
        body: topic.body.clone(),
        resources: topic.resources.clone(),
        link,
        unsubscribe,
    });
    let Composed {
        subject,
        text_body,
        html_body,
    } = WebComposer.compose(&notice);
    Preview {
        topic: TopicView::new(topic, part_of.cloned(), None),
        subject,
        text: text_body,
        html: html_body,
    }
}

struct FormContext {
    round: RoundRecord,
    id: Option<i64>,
    part_of: Option<(i64, String)>,
    released: bool,
}

fn form_page(
    viewer: &Viewer,
    csrf: &str,
    context: &FormContext,
    form: TopicForm,
    errors: FieldErrors,
    preview: Option<Preview>,
) -> TopicFormPage {
    let settings = &context.round.round.settings;
    TopicFormPage {
        nav: Nav::new(Some(viewer), csrf),
        round_id: context.round.id.0,
        round: settings.name.to_string(),
        id: context.id,
        part_of: context.part_of.clone(),
        released: context.released,
        form,
        errors,
        starts: day(settings.starts),
        ends: day(settings.ends),
        preview,
    }
}

async fn parent_of(
    state: &AppState,
    round: RoundId,
    raw: Option<i64>,
) -> Result<Option<(i64, String)>, WebError> {
    let Some(id) = raw else { return Ok(None) };
    match state.store().topic(TopicId(id)).await? {
        Some(parent) if parent.round == round && parent.part_of.is_none() => {
            Ok(Some((parent.id.0, parent.topic.title)))
        }
        _ => Err(WebError::NotFound),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let part_of = parent_of(
        &state,
        round.id,
        query_value(query.as_deref(), "part_of").parse().ok(),
    )
    .await?;
    let form = TopicForm {
        release_time: "09:00".to_owned(),
        ..TopicForm::default()
    };
    let context = FormContext {
        round,
        id: None,
        part_of,
        released: false,
    };
    ok(&form_page(
        &admin.0,
        &csrf,
        &context,
        form,
        FieldErrors::default(),
        None,
    ))
}

/// Shows the form again with its mistakes, or with the preview.
fn again(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    context: &FormContext,
    input: TopicFormInput,
) -> Result<Response, WebError> {
    match Topic::parse(&input.topic, &context.round.round.settings) {
        Err(errors) => page(
            FORM_INVALID,
            &form_page(
                &admin.0,
                csrf,
                context,
                input.topic,
                field_errors(&errors),
                None,
            ),
        ),
        Ok(topic) => {
            let link = state.app().links().url(&match context.id {
                Some(id) => format!("/topics/{id}"),
                None => format!("/rounds/{}/topics", context.round.id),
            });
            // Each reader's email carries their own link; the preview shows where it leads.
            let unsubscribe = state.app().links().url("/unsubscribe?t=each-reader-s-own");
            let preview = preview_of(
                &topic,
                &context.round,
                context.part_of.as_ref(),
                &admin.0,
                link,
                unsubscribe,
            );
            ok(&form_page(
                &admin.0,
                csrf,
                context,
                input.topic,
                FieldErrors::default(),
                Some(preview),
            ))
        }
    }
}

fn refused(
    admin: &Admin,
    csrf: &str,
    context: &FormContext,
    form: TopicForm,
    error: TopicsError,
) -> Result<Response, WebError> {
    let errors = match error {
        TopicsError::Invalid(errors) => field_errors(&errors),
        TopicsError::RoundClosed { .. } => {
            return Err(WebError::Conflict(
                "this round has closed; its topics can no longer change".to_owned(),
            ));
        }
        TopicsError::BadParent => return Err(WebError::NotFound),
        TopicsError::AlreadyReleased => {
            return Err(WebError::Conflict(
                "this topic has been released already".to_owned(),
            ));
        }
        TopicsError::App(error) => return Err(error.into()),
    };
    page(
        FORM_INVALID,
        &form_page(&admin.0, csrf, context, form, errors, None),
    )
}

pub async fn create(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(input): HtmlForm<TopicFormInput>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let part_of = parent_of(&state, round.id, input.part_of.trim().parse().ok()).await?;
    let context = FormContext {
        round,
        id: None,
        part_of,
        released: false,
    };
    if input.intent == "preview" {
        return again(&state, &admin, &csrf, &context, input);
    }
    let actor = Actor::user(&admin.0.user);
    let parent = context.part_of.as_ref().map(|(id, _)| TopicId(*id));
    match topics::create(state.app(), &actor, context.round.id, parent, &input.topic).await {
        Ok(id) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!("/topics/{id}?done=saved")).into_response())
        }
        Err(error) => refused(&admin, &csrf, &context, input.topic, error),
    }
}

async fn edit_context(state: &AppState, id: i64) -> Result<(TopicRecord, FormContext), WebError> {
    let record = state
        .store()
        .topic(TopicId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    let round = load_round(state, record.round).await?;
    let part_of = match record.part_of {
        Some(parent) => state
            .store()
            .topic(parent)
            .await?
            .map(|p| (p.id.0, p.topic.title)),
        None => None,
    };
    let context = FormContext {
        round,
        id: Some(id),
        part_of,
        released: record.released_at.is_some(),
    };
    Ok((record, context))
}

pub async fn edit_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let (record, context) = edit_context(&state, id).await?;
    ok(&form_page(
        &admin.0,
        &csrf,
        &context,
        record.topic.form(),
        FieldErrors::default(),
        None,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<TopicFormInput>,
) -> Result<Response, WebError> {
    let (_, context) = edit_context(&state, id).await?;
    if input.intent == "preview" {
        return again(&state, &admin, &csrf, &context, input);
    }
    let actor = Actor::user(&admin.0.user);
    match topics::edit(state.app(), &actor, TopicId(id), &input.topic).await {
        Ok(_) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!("/topics/{id}?done=saved")).into_response())
        }
        Err(error) => refused(&admin, &csrf, &context, input.topic, error),
    }
}

// ---------------------------------------------------------------------------------------
// Releasing now

#[derive(Template)]
#[template(path = "topic_release.html")]
struct ReleasePage {
    nav: Nav,
    id: i64,
    title: String,
    release: String,
    readers: usize,
}

/// The confirmation before a topic goes out now: emails cannot be called back.
pub async fn release_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let record = state
        .store()
        .topic(TopicId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    if record.released_at.is_some() {
        return Ok(Redirect::to(&format!("/topics/{id}")).into_response());
    }
    let readers: usize = state
        .store()
        .round_partnerships(record.round)
        .await?
        .iter()
        .filter(|p| p.is_running())
        .map(|p| p.members.len())
        .sum();
    ok(&ReleasePage {
        nav: Nav::new(Some(&admin.0), &csrf),
        id,
        title: record.topic.title.clone(),
        release: release_words(&record.topic),
        readers,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReleaseInput {
    confirm: String,
}

pub async fn release(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<ReleaseInput>,
) -> Result<Response, WebError> {
    if input.confirm != "yes" {
        // Only the confirmation page's button says yes.
        return Ok(Redirect::to(&format!("/topics/{id}/release")).into_response());
    }
    let actor = Actor::user(&admin.0.user);
    match topics::release_now(state.app(), &actor, TopicId(id)).await {
        Ok(count) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!("/topics/{id}?done=released&n={count}")).into_response())
        }
        Err(TopicsError::AlreadyReleased) => {
            Ok(Redirect::to(&format!("/topics/{id}")).into_response())
        }
        Err(TopicsError::App(error)) => Err(error.into()),
        Err(error) => Err(WebError::Conflict(error.to_string())),
    }
}

// ---------------------------------------------------------------------------------------
// Discussing: a topic's thread, the resources board, "we discussed this together"

/// The words for a refused post.
fn post_error_words(error: &PostError) -> String {
    match error {
        PostError::Empty => "Write something first.".to_owned(),
        PostError::TooLong => format!(
            "Keep a post under {} characters; share a link to anything longer.",
            iln_domain::post::BODY_MAX_LEN
        ),
        PostError::TooManyLinks => format!(
            "A post may hold at most {} links.",
            iln_domain::post::LINKS_MAX
        ),
        PostError::NoLink => "Give the address of what you share.".to_owned(),
        PostError::BadLink(text) => format!(
            "\u{201c}{text}\u{201d} is not a web address. Links start with https:// or http://."
        ),
    }
}

/// A refusal as the words the form shows, or the error page when it is not the writer's to
/// fix.
fn post_refusal(error: PostsError) -> Result<String, WebError> {
    match error {
        PostsError::Invalid(error) => Ok(post_error_words(&error)),
        PostsError::NotReleased => Err(WebError::NotFound),
        PostsError::NotYours => Err(WebError::Forbidden),
        PostsError::Deleted => Err(WebError::Conflict("this post has been deleted".to_owned())),
        PostsError::App(error) => Err(error.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PostInput {
    body: String,
}

pub async fn post_in_topic(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<PostInput>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match posts::post_in_topic(state.app(), &actor, TopicId(id), &input.body).await {
        Ok(post) => {
            Ok(Redirect::to(&format!("/topics/{id}?done=posted#post-{post}")).into_response())
        }
        Err(error) => {
            let words = post_refusal(error)?;
            render_topic(
                &state,
                &viewer,
                &csrf,
                TopicId(id),
                None,
                Some((words, input.body)),
            )
            .await
        }
    }
}

/// Back to a post, in its place in its thread.
fn back_to(post: &PostRecord) -> Response {
    Redirect::to(&format!("{}#post-{}", thread_path(post), post.id)).into_response()
}

/// Where a post lives: its topic's page, or its round's resources board.
fn thread_path(post: &PostRecord) -> String {
    match post.thread {
        Thread::Topic(topic) => format!("/topics/{topic}"),
        Thread::Board => format!("/rounds/{}/resources", post.round),
    }
}

pub async fn edit_post(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<PostInput>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match posts::edit(state.app(), &actor, PostId(id), &input.body).await {
        Ok(post) => Ok(back_to(&post)),
        Err(error) => {
            let words = post_refusal(error)?;
            let post = state
                .store()
                .post(PostId(id))
                .await?
                .ok_or(WebError::NotFound)?;
            let problem = Some((format!("Your edit was not saved: {words}"), input.body));
            match post.thread {
                Thread::Topic(topic) => {
                    render_topic(&state, &viewer, &csrf, topic, None, problem).await
                }
                Thread::Board => {
                    render_board(
                        &state,
                        &viewer,
                        &csrf,
                        post.round,
                        None,
                        problem,
                        String::new(),
                    )
                    .await
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmInput {
    confirm: String,
}

pub async fn delete_post(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<ConfirmInput>,
) -> Result<Response, WebError> {
    let post = state
        .store()
        .post(PostId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    if input.confirm != "yes" {
        // Only the "Yes, delete it" button says yes.
        return Ok(back_to(&post));
    }
    let actor = Actor::user(&viewer.user);
    match posts::delete(state.app(), &actor, PostId(id)).await {
        Ok(post) => Ok(back_to(&post)),
        Err(error) => Err(post_refusal(error).map_or_else(|e| e, WebError::Conflict)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HideInput {
    /// "hide" or "show".
    action: String,
}

pub async fn hide_post(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<HideInput>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let hidden = match input.action.as_str() {
        "hide" => true,
        "show" => false,
        _ => {
            return Err(WebError::BadRequest(
                "choose to hide or to show the post".to_owned(),
            ));
        }
    };
    match posts::set_hidden(state.app(), &actor, PostId(id), hidden).await {
        Ok(post) => Ok(back_to(&post)),
        Err(error) => Err(post_refusal(error).map_or_else(|e| e, WebError::Conflict)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiscussedInput {
    /// "yes" marks, "no" takes the mark back.
    discussed: String,
}

pub async fn discussed(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    HtmlForm(input): HtmlForm<DiscussedInput>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let mark = input.discussed == "yes";
    match posts::mark_discussed(state.app(), &actor, TopicId(id), mark).await {
        Ok(_) if mark => Ok(Redirect::to(&format!("/topics/{id}?done=discussed")).into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/topics/{id}")).into_response()),
        Err(error) => Err(post_refusal(error).map_or_else(|e| e, WebError::Conflict)),
    }
}

#[derive(Template)]
#[template(path = "resources_board.html")]
struct BoardPage {
    nav: Nav,
    round_id: i64,
    round: String,
    thread: ThreadView,
    /// The address typed with a refused share.
    draft_url: String,
    notice: Option<&'static str>,
}

async fn render_board(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    round: RoundId,
    notice: Option<&'static str>,
    problem: Option<(String, String)>,
    draft_url: String,
) -> Result<Response, WebError> {
    let record = load_round(state, round).await?;
    access(state, viewer, record.id).await?;
    let refused = problem.is_some();
    let view = BoardPage {
        nav: Nav::new(Some(viewer), csrf),
        round_id: record.id.0,
        round: record.round.settings.name.to_string(),
        thread: thread_view(state, viewer, record.id, Thread::Board, problem).await?,
        draft_url,
        notice,
    };
    if refused {
        page(FORM_INVALID, &view)
    } else {
        ok(&view)
    }
}

pub async fn board(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let notice = match query.as_deref() {
        Some("done=shared") => Some("Thank you: your link is on the board for the whole round."),
        _ => None,
    };
    render_board(
        &state,
        &viewer,
        &csrf,
        round.id,
        notice,
        None,
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShareInput {
    url: String,
    body: String,
}

pub async fn share(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(input): HtmlForm<ShareInput>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let actor = Actor::user(&viewer.user);
    match posts::share(state.app(), &actor, round.id, &input.url, &input.body).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/rounds/{}/resources?done=shared", round.id)).into_response(),
        ),
        Err(error) => {
            let words = post_refusal(error)?;
            render_board(
                &state,
                &viewer,
                &csrf,
                round.id,
                None,
                Some((words, input.body)),
                input.url,
            )
            .await
        }
    }
}
