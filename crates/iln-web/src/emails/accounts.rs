//! The words of the emails of [`iln_app::accounts`]: confirming an address, the note to an
//! address that already has an account, the reset link, and "your password was changed".

use iln_app::accounts::AccountNotice;
use iln_app::notify::Composed;

pub fn compose(notice: &AccountNotice) -> Composed {
    // Plain text, so no escaping is involved.
    let (subject, text_body) = match notice {
        AccountNotice::Verify { name, link } => (
            "Confirm your email address for the International Librarians Network",
            format!(
                "Hello {name},\n\
                 \n\
                 Welcome to the International Librarians Network. Please confirm your\n\
                 email address by opening this link:\n\
                 \n\
                 {link}\n\
                 \n\
                 The link works once and expires in 24 hours. If you did not sign up,\n\
                 ignore this email: no account is active without the confirmation.\n\
                 \n\
                 The International Librarians Network"
            ),
        ),
        AccountNotice::AlreadyRegistered {
            name,
            sign_in,
            forgot,
        } => (
            "You already have an account with the International Librarians Network",
            format!(
                "Hello {name},\n\
                 \n\
                 Someone, probably you, tried to create an account on the International\n\
                 Librarians Network with this email address. You already have an account.\n\
                 \n\
                 Sign in: {sign_in}\n\
                 Forgot your password? {forgot}\n\
                 \n\
                 If it was not you, you can ignore this email: nothing has changed.\n\
                 \n\
                 The International Librarians Network"
            ),
        ),
        AccountNotice::Reset { name, link } => (
            "Reset your International Librarians Network password",
            format!(
                "Hello {name},\n\
                 \n\
                 Someone asked to reset the password of your International Librarians\n\
                 Network account. To choose a new password, open this link:\n\
                 \n\
                 {link}\n\
                 \n\
                 The link works once and expires in one hour. If you did not ask for\n\
                 this, ignore this email: your password stays the same.\n\
                 \n\
                 The International Librarians Network"
            ),
        ),
        AccountNotice::PasswordChanged { name, forgot } => (
            "Your International Librarians Network password was changed",
            format!(
                "Hello {name},\n\
                 \n\
                 The password of your International Librarians Network account was just\n\
                 changed, and every other device was signed out.\n\
                 \n\
                 If this was not you, reset your password now: {forgot}\n\
                 \n\
                 The International Librarians Network"
            ),
        ),
    };
    Composed {
        subject: subject.to_owned(),
        text_body,
        html_body: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmation_greets_by_name_and_puts_the_link_on_its_own_line() {
        let composed = compose(&AccountNotice::Verify {
            name: "Ada Okafor".to_owned(),
            link: "https://iln.test/verify?token=abc".to_owned(),
        });
        assert_eq!(
            composed.subject,
            "Confirm your email address for the International Librarians Network"
        );
        assert!(
            composed
                .text_body
                .starts_with("Hello Ada Okafor,\n\nWelcome")
        );
        assert!(
            composed
                .text_body
                .contains("\n\nhttps://iln.test/verify?token=abc\n\n")
        );
        assert!(
            composed
                .text_body
                .ends_with("\n\nThe International Librarians Network")
        );
    }

    #[test]
    fn the_other_account_emails_carry_their_links() {
        let known = compose(&AccountNotice::AlreadyRegistered {
            name: "Ana".to_owned(),
            sign_in: "https://iln.test/signin".to_owned(),
            forgot: "https://iln.test/forgot".to_owned(),
        });
        assert!(known.text_body.contains("You already have an account."));
        assert!(
            known
                .text_body
                .contains("Sign in: https://iln.test/signin\n")
        );
        assert!(
            known
                .text_body
                .contains("Forgot your password? https://iln.test/forgot\n")
        );
        let reset = compose(&AccountNotice::Reset {
            name: "Ana".to_owned(),
            link: "https://iln.test/reset?token=xyz".to_owned(),
        });
        assert_eq!(
            reset.subject,
            "Reset your International Librarians Network password"
        );
        assert!(
            reset
                .text_body
                .contains("\n\nhttps://iln.test/reset?token=xyz\n\n")
        );
        let changed = compose(&AccountNotice::PasswordChanged {
            name: "Ana".to_owned(),
            forgot: "https://iln.test/forgot".to_owned(),
        });
        assert!(
            changed
                .text_body
                .contains("reset your password now: https://iln.test/forgot\n")
        );
    }
}
