//! The words of every email: the application layer decides who is told what
//! ([`iln_app::notify::Notice`]), and this composer writes it in the web layer's language.

use iln_app::notify::{Composed, Composer, Notice};

/// The composer the running site uses.
pub struct WebComposer;

impl Composer for WebComposer {
    fn compose(&self, notice: &Notice) -> Composed {
        match *notice {}
    }
}
