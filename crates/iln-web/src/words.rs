//! The words people see for domain and store values: the names of sectors, statuses, roles
//! and actions, and a round's status told in sentences.
//!
//! The domain and the store name their values by stable ids (`as_str`) and give facts; what
//! those read as on a page or in an email is decided here, in one place, so that a later move
//! to Fluent message files touches this module and the templates only. Import [`Label`] (and
//! [`Describe`]) where a template or a handler calls `.label()`.

use iln_domain::account::Role;
use iln_domain::application::{CommunicationWay, DuplicateReason, MatchPreference};
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::proposal::MatchMode;
use iln_domain::round::{
    AdminAction, LeftoverPolicy, Milestone, MilestoneKind, NextStep, Round, RoundSettings,
    RoundState, RoundStatus, Trigger,
};
use iln_domain::scoring::Criterion;
use iln_domain::status::ApplicationStatus;
use jiff::Timestamp;
use jiff::civil::Date;

/// The name of a value as people read it, capitalised as it starts a line or a list item.
pub trait Label {
    fn label(self) -> &'static str;
}

/// Why something is so, as a phrase that continues a sentence (no capital, no full stop).
pub trait Describe {
    fn describe(self) -> &'static str;
}

impl Label for Sector {
    fn label(self) -> &'static str {
        match self {
            Sector::Academic => "Academic library",
            Sector::Public => "Public library",
            Sector::School => "School library",
            Sector::Special => "Special library",
            Sector::Government => "Government library",
            Sector::National => "National library",
            Sector::Archives => "Archives",
            Sector::Museum => "Museum",
            Sector::LisEducation => "Library and information science education",
            Sector::Vendor => "Vendor or supplier",
            Sector::Other => "Other",
        }
    }
}

impl Label for CareerStage {
    fn label(self) -> &'static str {
        match self {
            CareerStage::Student => "Student",
            CareerStage::Early => "Early career (up to 5 years)",
            CareerStage::Mid => "Mid career (5 to 15 years)",
            CareerStage::Senior => "Senior (more than 15 years)",
        }
    }
}

impl Label for CommunicationWay {
    fn label(self) -> &'static str {
        match self {
            CommunicationWay::Email => "Email",
            CommunicationWay::Video => "Video call",
            CommunicationWay::Chat => "Chat",
            CommunicationWay::SocialMedia => "Social media",
        }
    }
}

impl Label for iln_domain::contact::ContactWay {
    fn label(self) -> &'static str {
        use iln_domain::contact::ContactWay;
        match self {
            ContactWay::Email => "Email",
            ContactWay::Video => "Video call",
            ContactWay::Chat => "Chat or messaging",
            ContactWay::Social => "Social media",
            ContactWay::InPerson => "In person",
            ContactWay::CheckIn => "Said so at a check-in",
        }
    }
}

impl Label for MatchPreference {
    fn label(self) -> &'static str {
        match self {
            MatchPreference::CareerStage => "Someone at a similar career stage",
            MatchPreference::InterestSector => "Someone with similar interests and sector",
            MatchPreference::Any => "Open to anyone",
        }
    }
}

impl Label for Role {
    fn label(self) -> &'static str {
        match self {
            Role::Admin => "Program coordinator",
            Role::CountryCoordinator => "Country coordinator",
            Role::Participant => "Participant",
        }
    }
}

impl Label for ApplicationStatus {
    fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "Submitted, waiting for review",
            ApplicationStatus::Approved => "Approved",
            ApplicationStatus::Declined => "Declined",
            ApplicationStatus::Waitlisted => "On the waiting list",
            ApplicationStatus::Deferred => "Deferred to the next round",
            ApplicationStatus::Withdrawn => "Withdrawn",
        }
    }
}

impl Label for RoundState {
    fn label(self) -> &'static str {
        match self {
            RoundState::Draft => "Draft",
            RoundState::Open => "Open for applications",
            RoundState::Review => "Reviewing applications",
            RoundState::Matching => "Matching",
            RoundState::Active => "Partnerships under way",
            RoundState::Closed => "Closed",
        }
    }
}

/// The words of the action's button.
impl Label for AdminAction {
    fn label(self) -> &'static str {
        match self {
            AdminAction::OpenApplications => "Open applications now",
            AdminAction::CloseApplications => "Close applications now",
            AdminAction::StartMatching => "Start matching now",
            AdminAction::Publish => "Publish the partnerships",
            AdminAction::CloseRound => "Close the round",
        }
    }
}

impl Label for iln_app::export::What {
    fn label(self) -> &'static str {
        match self {
            iln_app::export::What::Applications => "Applications",
            iln_app::export::What::Participants => "Participants",
            iln_app::export::What::Partnerships => "Partnerships",
            iln_app::export::What::Surveys => "Survey answers",
        }
    }
}

impl Label for iln_app::export::Format {
    fn label(self) -> &'static str {
        match self {
            iln_app::export::Format::Csv => "CSV",
            iln_app::export::Format::Xlsx => "Excel",
        }
    }
}

impl Label for LeftoverPolicy {
    fn label(self) -> &'static str {
        match self {
            LeftoverPolicy::Trio => "Join a pair to make a trio",
            LeftoverPolicy::NextRound => "Wait for the next round",
        }
    }
}

impl Label for MatchMode {
    fn label(self) -> &'static str {
        match self {
            MatchMode::BestTotal => "Best total score",
            MatchMode::MaxParticipation => "Pair as many people as possible",
            MatchMode::Fairness => "Pair as many as possible, then raise the lowest score",
        }
    }
}

/// The criterion as the weights form names it.
impl Label for Criterion {
    fn label(self) -> &'static str {
        match self {
            Criterion::SharedInterests => "Each shared area of interest (up to three)",
            Criterion::Preference => "Each person's matching preference met",
            Criterion::Sector => "Same library sector",
            Criterion::WakingHours => "Overlapping waking hours (full overlap)",
            Criterion::Communication => "Each shared way to communicate",
            Criterion::WiderNetwork => "Partner's country and sector new to a person",
        }
    }
}

impl Label for MilestoneKind {
    fn label(self) -> &'static str {
        match self {
            MilestoneKind::ApplicationsOpen => "Applications open",
            MilestoneKind::ApplicationsClose => "Applications close",
            MilestoneKind::Matching => "Matching",
            MilestoneKind::PartnershipsStart => "Partnerships start",
            MilestoneKind::PartnershipsEnd => "Partnerships end",
        }
    }
}

impl Describe for DuplicateReason {
    fn describe(self) -> &'static str {
        match self {
            DuplicateReason::SameEmail => "same email address",
            DuplicateReason::SameNameInstitutionCountry => "same name, institution and country",
        }
    }
}

/// A date as people read it, e.g. "1 Mar 2027".
pub fn day(date: Date) -> String {
    date.strftime("%-d %b %Y").to_string()
}

/// One date of a round's timeline, ready for a template or an email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneView {
    pub label: &'static str,
    /// The milestone's name in links (its `.ics` download).
    pub slug: &'static str,
    pub shown: String,
    /// Whether the moment has passed.
    pub passed: bool,
}

impl MilestoneView {
    pub fn new(milestone: &Milestone) -> MilestoneView {
        MilestoneView {
            label: milestone.kind.label(),
            slug: milestone.kind.as_str(),
            shown: day(milestone.date),
            passed: milestone.passed,
        }
    }
}

/// The next change of a round's state, in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStepView {
    pub description: String,
}

/// Where a round is and what comes next, in words, for a round's page. Dates are the round's
/// own (in its time zone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusView {
    pub label: &'static str,
    /// One sentence about now, without its full stop.
    pub headline: String,
    pub next: Option<NextStepView>,
    pub timeline: Vec<MilestoneView>,
}

impl StatusView {
    pub fn new(round: &Round, now: Timestamp) -> StatusView {
        let status = round.status(now);
        StatusView {
            label: status.state.label(),
            headline: headline(&round.settings, &status),
            next: status.next.as_ref().map(|next| NextStepView {
                description: next_step(next),
            }),
            timeline: timeline(&status),
        }
    }
}

/// The round's headline at `now`: "Applications are open until 31 Jan 2027".
pub fn round_headline(round: &Round, now: Timestamp) -> String {
    headline(&round.settings, &round.status(now))
}

/// The dates of a round's timeline at `now` as people read them.
pub fn round_timeline(round: &Round, now: Timestamp) -> Vec<MilestoneView> {
    timeline(&round.status(now))
}

/// The dates of a timeline as people read them.
pub fn timeline(status: &RoundStatus) -> Vec<MilestoneView> {
    status.timeline.iter().map(MilestoneView::new).collect()
}

fn headline(s: &RoundSettings, status: &RoundStatus) -> String {
    match (status.state, status.started) {
        (RoundState::Draft, _) => format!(
            "{} is being prepared; applications open on {}",
            s.name,
            day(s.opens)
        ),
        (RoundState::Open, _) => format!("Applications are open until {}", day(s.closes)),
        (RoundState::Review, _) => format!(
            "Applications are closed and being reviewed; matching begins on {}",
            day(s.matching)
        ),
        (RoundState::Matching, true) => format!(
            "Matching: the partnerships were due to start on {} and are not yet published",
            day(s.starts)
        ),
        (RoundState::Matching, false) => format!(
            "Matching: partnerships are being prepared to start on {}",
            day(s.starts)
        ),
        (RoundState::Active, false) => {
            format!("Partnerships are published and start on {}", day(s.starts))
        }
        (RoundState::Active, true) => {
            format!("Partnerships are under way until {}", day(s.ends))
        }
        (RoundState::Closed, _) => format!("{} is over", s.name),
    }
}

fn next_step(next: &NextStep) -> String {
    match next.trigger {
        Trigger::Admin => "An admin reviews the proposal and publishes the partnerships".to_owned(),
        Trigger::Date { date, .. } => match next.state {
            RoundState::Open => format!("Applications open on {}", day(date)),
            RoundState::Review => format!("Applications close at the end of {}", day(date)),
            RoundState::Matching => format!("Matching begins on {}", day(date)),
            _ => format!("The round closes at the end of {}", day(date)),
        },
    }
}

impl Label for iln_domain::proposal::UnmatchedKind {
    fn label(self) -> &'static str {
        use iln_domain::proposal::UnmatchedKind;
        match self {
            UnmatchedKind::NoPossiblePartner => "Nobody they could be paired with",
            UnmatchedKind::WaitsForNextRound => "Waiting for the next round",
            UnmatchedKind::NoCompatiblePair => "No pair to join as a third",
            UnmatchedKind::CompatiblePairsTaken => "Every pair they could join was full",
            UnmatchedKind::PartnersLocked => "Everyone they could pair with was locked in",
        }
    }
}

/// The report pages' rates, as column headings.
impl Label for iln_domain::report::Measure {
    fn label(self) -> &'static str {
        use iln_domain::report::Measure;
        match self {
            Measure::Approved => "Approved",
            Measure::Deferred => "Deferred by the cap",
            Measure::Declined => "Declined",
            Measure::Matched => "Matched",
            Measure::EndedEarly => "Ended early",
            Measure::Quiet => "No contact in 14 days",
            Measure::Satisfied => "Satisfied",
        }
    }
}

/// A count as people write it, with a comma between thousands: "5,000", "12,345,678".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use iln_domain::round::RoundForm;
    use iln_store::PartnerProfile;

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn round() -> Round {
        let form = RoundForm {
            name: " 2014/2015 Round 3 ".into(),
            opens: "2027-01-04".into(),
            closes: "2027-01-31".into(),
            matching: "2027-02-07".into(),
            starts: "2027-03-01".into(),
            ..RoundForm::default()
        };
        Round::new(RoundSettings::parse(&form).unwrap_or_else(|e| panic!("{e:?}")))
    }

    #[test]
    fn counts_have_commas_between_thousands() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (5000, "5,000"),
            (12_345_678, "12,345,678"),
        ];
        for (n, words) in cases {
            assert_eq!(count(n), words);
        }
    }

    #[test]
    fn a_rounds_status_reads_as_sentences() {
        let mut r = round();
        let now = at("2027-01-10T12:00:00Z");
        r.tick(now);
        let status = StatusView::new(&r, now);
        assert_eq!(status.label, "Open for applications");
        assert_eq!(status.headline, "Applications are open until 31 Jan 2027");
        assert_eq!(
            status.next.map(|n| n.description).as_deref(),
            Some("Applications close at the end of 31 Jan 2027")
        );
        let shown: Vec<(&str, &str, bool)> = status
            .timeline
            .iter()
            .map(|m| (m.label, m.shown.as_str(), m.passed))
            .collect();
        assert_eq!(
            shown,
            [
                ("Applications open", "4 Jan 2027", true),
                ("Applications close", "31 Jan 2027", false),
                ("Matching", "7 Feb 2027", false),
                ("Partnerships start", "1 Mar 2027", false),
                ("Partnerships end", "30 Jun 2027", false),
            ]
        );

        let late = at("2027-03-02T00:00:00Z");
        r.tick(late);
        let status = StatusView::new(&r, late);
        assert_eq!(
            status.headline,
            "Matching: the partnerships were due to start on 1 Mar 2027 and are not yet published"
        );
        assert_eq!(
            status.next.map(|n| n.description).as_deref(),
            Some("An admin reviews the proposal and publishes the partnerships")
        );
        assert_eq!(
            round_headline(&r, at("2027-02-10T00:00:00Z")),
            "Matching: partnerships are being prepared to start on 1 Mar 2027"
        );
    }

    #[test]
    fn every_headline_and_next_step() {
        let mut r = round();
        let before = at("2027-01-01T00:00:00Z");
        let status = StatusView::new(&r, before);
        assert_eq!(
            status.headline,
            "2014/2015 Round 3 is being prepared; applications open on 4 Jan 2027"
        );
        assert_eq!(
            status.next.map(|n| n.description).as_deref(),
            Some("Applications open on 4 Jan 2027")
        );
        let review = at("2027-02-03T00:00:00Z");
        r.tick(review);
        let status = StatusView::new(&r, review);
        assert_eq!(
            status.headline,
            "Applications are closed and being reviewed; matching begins on 7 Feb 2027"
        );
        assert_eq!(
            status.next.map(|n| n.description).as_deref(),
            Some("Matching begins on 7 Feb 2027")
        );
        let matching = at("2027-02-10T00:00:00Z");
        r.tick(matching);
        if r.apply(AdminAction::Publish, matching).is_err() {
            panic!("a round in matching can be published");
        }
        let status = StatusView::new(&r, matching);
        assert_eq!(status.label, "Partnerships under way");
        assert_eq!(
            status.headline,
            "Partnerships are published and start on 1 Mar 2027"
        );
        assert_eq!(
            status.next.map(|n| n.description).as_deref(),
            Some("The round closes at the end of 30 Jun 2027")
        );
        assert_eq!(
            round_headline(&r, at("2027-03-02T00:00:00Z")),
            "Partnerships are under way until 30 Jun 2027"
        );
        let after = at("2027-07-02T00:00:00Z");
        assert_eq!(
            round_headline(&r.at(after), after),
            "2014/2015 Round 3 is over"
        );
        assert!(StatusView::new(&r.at(after), after).next.is_none());
    }

    #[test]
    fn the_forms_words_are_distinct_and_parse_back() {
        let sectors: HashSet<&str> = Sector::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(sectors.len(), Sector::ALL.len());
        for sector in Sector::ALL {
            assert_eq!(Sector::parse(sector.label()), Ok(sector));
        }
        for stage in CareerStage::ALL {
            assert_eq!(CareerStage::parse(stage.label()), Ok(stage));
        }
        for way in CommunicationWay::ALL {
            assert_eq!(CommunicationWay::parse(way.label()), Ok(way));
        }
        for preference in MatchPreference::ALL {
            assert_eq!(MatchPreference::parse(preference.label()), Ok(preference));
        }
        assert_eq!(Role::Admin.label(), "Program coordinator");
        for role in Role::ALL {
            assert!(!role.label().is_empty());
        }
    }

    /// A stored partner profile records the words the page showed when it was made; today
    /// those are the same words, so a partner reads what the form offered.
    #[test]
    fn partner_profiles_record_the_forms_words() {
        for sector in Sector::ALL {
            assert_eq!(PartnerProfile::sector_text(sector), sector.label());
        }
        for stage in CareerStage::ALL {
            assert_eq!(PartnerProfile::career_stage_text(stage), stage.label());
        }
        for way in CommunicationWay::ALL {
            assert_eq!(PartnerProfile::communication_text(way), way.label());
        }
    }
}
