//! The words of the emails of [`iln_app::accounts`].

use iln_app::accounts::AccountNotice;
use iln_app::notify::Composed;

pub fn compose(notice: &AccountNotice) -> Composed {
    match *notice {}
}
