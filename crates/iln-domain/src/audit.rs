//! What the audit log can record: every kind of action as one enum, so an action is never a
//! free string that a typo can split into two, and the log's readers can list them all.

/// One kind of recorded action. The stored form is [`AuditAction::code`], a stable dotted id:
/// rows written years ago must still read back, so a code is never renamed or reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditAction {
    AccountSignUp,
    AccountEmailVerified,
    AccountPasswordReset,
    AccountPasswordChanged,
    UserCreate,
    UserSetRole,
    CliCreateUser,
    CliSetPassword,
    DemoLoad,
    RoundCreate,
    RoundUpdate,
    RoundTransition,
    RoundCountryCap,
    RoundInterests,
    ApplicationSubmit,
    ApplicationUpdate,
    ApplicationWithdraw,
    ApplicationDecide,
    ApplicationNote,
    ApplicationEndorse,
    ApplicationKeepDuplicate,
    ApplicationMerge,
    RoundMatch,
    RoundMatchLock,
    RoundMatchUnlock,
    RoundMatchForbid,
    RoundMatchAllow,
    RoundMatchSwap,
    RoundPublish,
    PartnershipEnd,
    RoundRematch,
    RoundRematchApply,
    JobRetry,
    JobCancel,
    TopicCreate,
    TopicUpdate,
    TopicRelease,
}

impl AuditAction {
    /// Every action, in the order of the enum.
    pub const ALL: [AuditAction; 37] = [
        AuditAction::AccountSignUp,
        AuditAction::AccountEmailVerified,
        AuditAction::AccountPasswordReset,
        AuditAction::AccountPasswordChanged,
        AuditAction::UserCreate,
        AuditAction::UserSetRole,
        AuditAction::CliCreateUser,
        AuditAction::CliSetPassword,
        AuditAction::DemoLoad,
        AuditAction::RoundCreate,
        AuditAction::RoundUpdate,
        AuditAction::RoundTransition,
        AuditAction::RoundCountryCap,
        AuditAction::RoundInterests,
        AuditAction::ApplicationSubmit,
        AuditAction::ApplicationUpdate,
        AuditAction::ApplicationWithdraw,
        AuditAction::ApplicationDecide,
        AuditAction::ApplicationNote,
        AuditAction::ApplicationEndorse,
        AuditAction::ApplicationKeepDuplicate,
        AuditAction::ApplicationMerge,
        AuditAction::RoundMatch,
        AuditAction::RoundMatchLock,
        AuditAction::RoundMatchUnlock,
        AuditAction::RoundMatchForbid,
        AuditAction::RoundMatchAllow,
        AuditAction::RoundMatchSwap,
        AuditAction::RoundPublish,
        AuditAction::PartnershipEnd,
        AuditAction::RoundRematch,
        AuditAction::RoundRematchApply,
        AuditAction::JobRetry,
        AuditAction::JobCancel,
        AuditAction::TopicCreate,
        AuditAction::TopicUpdate,
        AuditAction::TopicRelease,
    ];

    /// The stable id stored in the log.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::AccountSignUp => "account.sign_up",
            AuditAction::AccountEmailVerified => "account.email_verified",
            AuditAction::AccountPasswordReset => "account.password_reset",
            AuditAction::AccountPasswordChanged => "account.password_changed",
            AuditAction::UserCreate => "user.create",
            AuditAction::UserSetRole => "user.set_role",
            AuditAction::CliCreateUser => "cli.create_user",
            AuditAction::CliSetPassword => "cli.set_password",
            AuditAction::DemoLoad => "demo.load",
            AuditAction::RoundCreate => "round.create",
            AuditAction::RoundUpdate => "round.update",
            AuditAction::RoundTransition => "round.transition",
            AuditAction::RoundCountryCap => "round.country_cap",
            AuditAction::RoundInterests => "round.interests",
            AuditAction::ApplicationSubmit => "application.submit",
            AuditAction::ApplicationUpdate => "application.update",
            AuditAction::ApplicationWithdraw => "application.withdraw",
            AuditAction::ApplicationDecide => "application.decide",
            AuditAction::ApplicationNote => "application.note",
            AuditAction::ApplicationEndorse => "application.endorse",
            AuditAction::ApplicationKeepDuplicate => "application.keep_duplicate",
            AuditAction::ApplicationMerge => "application.merge",
            AuditAction::RoundMatch => "round.match",
            AuditAction::RoundMatchLock => "round.match_lock",
            AuditAction::RoundMatchUnlock => "round.match_unlock",
            AuditAction::RoundMatchForbid => "round.match_forbid",
            AuditAction::RoundMatchAllow => "round.match_allow",
            AuditAction::RoundMatchSwap => "round.match_swap",
            AuditAction::RoundPublish => "round.publish",
            AuditAction::PartnershipEnd => "partnership.end",
            AuditAction::RoundRematch => "round.rematch",
            AuditAction::RoundRematchApply => "round.rematch_apply",
            AuditAction::JobRetry => "job.retry",
            AuditAction::JobCancel => "job.cancel",
            AuditAction::TopicCreate => "topic.create",
            AuditAction::TopicUpdate => "topic.update",
            AuditAction::TopicRelease => "topic.release",
        }
    }

    /// The action a stored id names, or None for one this version does not know.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.code() == code)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
