//! The words of the emails of [`iln_app::rounds`].

use iln_app::notify::Composed;
use iln_app::rounds::RoundNotice;

pub fn compose(notice: &RoundNotice) -> Composed {
    match *notice {}
}
