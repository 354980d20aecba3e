//! What participants write during a round: posts in a topic's discussion thread and links
//! shared on the round's resources board. Plain text (the web layer escapes it and makes its
//! links clickable), checked here so that neither a 100 KB paste nor a wall of links gets in.

use crate::topic::is_web_address;

/// The longest post kept, in characters: a long message, not a document.
pub const BODY_MAX_LEN: usize = 5_000;
/// The most links one post may hold.
pub const LINKS_MAX: usize = 20;
/// The longest shared address, in characters.
pub const URL_MAX_LEN: usize = 2_000;

/// Why a post is refused. Display is developer-facing; the web layer has the words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostError {
    #[error("the post is empty")]
    Empty,
    #[error("the post has more than {BODY_MAX_LEN} characters")]
    TooLong,
    #[error("the post has more than {LINKS_MAX} links")]
    TooManyLinks,
    #[error("no link given")]
    NoLink,
    #[error("{0:?} is not an http or https address")]
    BadLink(String),
}

/// A post's text: trimmed, not empty, not too long, not a wall of links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostBody(String);

impl PostBody {
    pub fn parse(input: &str) -> Result<PostBody, PostError> {
        let text = input.replace("\r\n", "\n").trim().to_owned();
        if text.is_empty() {
            return Err(PostError::Empty);
        }
        if text.chars().count() > BODY_MAX_LEN {
            return Err(PostError::TooLong);
        }
        if links_in(&text).count() > LINKS_MAX {
            return Err(PostError::TooManyLinks);
        }
        Ok(PostBody(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A link shared on the resources board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedLink(String);

impl SharedLink {
    pub fn parse(input: &str) -> Result<SharedLink, PostError> {
        let url = input.trim();
        if url.is_empty() {
            return Err(PostError::NoLink);
        }
        if url.chars().count() > URL_MAX_LEN || !is_web_address(url) {
            return Err(PostError::BadLink(url.chars().take(200).collect()));
        }
        Ok(SharedLink(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The web addresses in a text, as the words that start with http:// or https://.
pub fn links_in(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().filter(|word| {
        let lower = word.get(..8).unwrap_or(word).to_ascii_lowercase();
        lower.starts_with("http://") || lower.starts_with("https://")
    })
}
