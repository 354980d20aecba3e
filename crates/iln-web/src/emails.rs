//! The words of every email: the application layer decides who is told what
//! ([`iln_app::notify::Notice`]), and this composer writes it in the web layer's language.

mod accounts;
mod applications;
pub mod checkins;
mod matching;
mod rounds;
mod topics;

use iln_app::notify::{Composed, Composer, Notice};

/// The composer the running site uses.
pub struct WebComposer;

impl Composer for WebComposer {
    fn compose(&self, notice: &Notice) -> Composed {
        match notice {
            Notice::Accounts(notice) => accounts::compose(notice),
            Notice::Applications(notice) => applications::compose(notice),
            Notice::Rounds(notice) => rounds::compose(notice),
            Notice::Matching(notice) => matching::compose(notice),
            Notice::Topics(notice) => topics::compose(notice),
            Notice::CheckIns(notice) => checkins::compose(notice),
            Notice::Desk(notice) => checkins::compose_desk(notice),
        }
    }
}
