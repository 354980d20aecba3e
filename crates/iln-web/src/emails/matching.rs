//! The words of the emails of [`iln_app::matching`].

use iln_app::matching::MatchingNotice;
use iln_app::notify::Composed;

pub fn compose(notice: &MatchingNotice) -> Composed {
    match *notice {}
}
