//! The words of the emails of [`iln_app::applications`].

use iln_app::applications::ApplicationNotice;
use iln_app::notify::Composed;

pub fn compose(notice: &ApplicationNotice) -> Composed {
    match *notice {}
}
