//! Loading the demo network (the `iln-demo` crate) into a store, for `iln demo` and `serve --demo`.
//!
//! The demo only loads into a database without accounts: loading it again is refused rather
//! than made idempotent, because "idempotent" would have to decide what to do with accounts and
//! people someone created or changed since, and the only safe answer is to leave them alone.

use iln_domain::audit::AuditAction;
use std::fmt;

use anyhow::{Context, bail};
use iln_demo::{self as demo, DemoNetwork};
use iln_domain::account::{DisplayName, Email, NewPassword, hash_password};
use iln_domain::clock::Clock;
use iln_store::{NewAuditEntry, NewPerson, NewUser, Store, UserId};
use iln_web::words::Label;

/// The demo accounts a person can sign in with, to print after loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccounts {
    pub accounts: Vec<DemoAccount>,
}

/// One account that has a documented demo password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    /// The role's label for people, e.g. "Country coordinator".
    pub role: String,
    pub email: String,
    pub password: String,
}

impl DemoAccounts {
    /// The three demo accounts of every demo network; they do not depend on the seed, so they
    /// can be printed again for a database the demo was loaded into earlier.
    pub fn standard() -> DemoAccounts {
        accounts_of(&demo::generate(demo::DEFAULT_SEED))
    }
}

impl fmt::Display for DemoAccounts {
    /// A small table for the terminal: role, email and password, one account a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Demo accounts (for trying ILN on your own machine only):"
        )?;
        let role_width = self
            .accounts
            .iter()
            .map(|a| a.role.len())
            .max()
            .unwrap_or(0);
        let email_width = self
            .accounts
            .iter()
            .map(|a| a.email.len())
            .max()
            .unwrap_or(0);
        for account in &self.accounts {
            writeln!(
                f,
                "  {:role_width$}  {:email_width$}  password: {}",
                account.role, account.email, account.password
            )?;
        }
        Ok(())
    }
}

/// Writes the demo network generated from `seed` into `store`: the accounts (the three demo
/// accounts with hashed passwords, the other country coordinators without one), all marked
/// verified, then the 700 people, each linked to their account when they have one, and one
/// audit entry saying the demo was loaded.
///
/// Fails without writing anything when the database already has an account. A failure part
/// way (a lost connection) leaves what was written; start again from an empty database.
pub async fn load(store: &Store, clock: &dyn Clock, seed: u64) -> anyhow::Result<DemoAccounts> {
    if !store
        .is_empty()
        .await
        .context("could not check whether the database is empty")?
    {
        bail!(
            "the database at {} already has accounts; the demo loads only into an empty database",
            store.location()
        );
    }
    let network = demo::generate(seed);
    let now = clock.now();

    // Person index -> the account created for them.
    let mut user_of_person: Vec<Option<UserId>> = vec![None; network.people.len()];
    for account in &network.accounts {
        let email = Email::parse(&account.email)
            .with_context(|| format!("demo email {:?} is not valid", account.email))?;
        let display_name = DisplayName::parse(&account.display_name)
            .with_context(|| format!("demo name {:?} is not valid", account.display_name))?;
        let password_hash = match account.password {
            Some(password) => {
                let password = NewPassword::parse(password, &email).with_context(|| {
                    format!(
                        "the demo password of {} breaks the password rules",
                        account.email
                    )
                })?;
                Some(hash_password(&password))
            }
            None => None,
        };
        let new_user = NewUser {
            email,
            display_name,
            password_hash,
            role: account.role,
            countries: account.countries.clone(),
            email_verified: true,
            time_zone: account.time_zone.clone(),
        };
        let id = store
            .create_user(&new_user, now)
            .await
            .with_context(|| format!("could not create the demo account {}", account.email))?;
        if let Some(slot) = account
            .person
            .and_then(|index| user_of_person.get_mut(index))
        {
            *slot = Some(id);
        }
    }

    for (person, user) in network.people.iter().zip(&user_of_person) {
        let email = Email::parse(&person.email)
            .with_context(|| format!("demo email {:?} is not valid", person.email))?;
        let new_person = NewPerson {
            user: *user,
            full_name: person.full_name.clone(),
            email,
            country: person.country,
            city: person.city.clone(),
            institution: person.institution.clone(),
            sector: person.sector,
            career_stage: person.career_stage,
            time_zone: person.time_zone.clone(),
            languages: person.languages.clone(),
            interests: person.interests.clone(),
        };
        store
            .create_person(&new_person, now)
            .await
            .with_context(|| format!("could not add the demo person {}", person.email))?;
    }

    current_round(store, &network, &mut user_of_person, now).await?;
    past_round(store, &network, &mut user_of_person, now).await?;
    active_round(store, &network, &mut user_of_person, now).await?;

    store
        .append_audit(
            &NewAuditEntry {
                actor: None,
                action: AuditAction::DemoLoad,
                target: None,
                detail: Some(format!(
                    "{} people in {} countries and {} accounts from seed {seed}",
                    network.people.len(),
                    network.countries.len(),
                    network.accounts.len()
                )),
            },
            now,
        )
        .await
        .context("could not record the demo load in the audit log")?;

    Ok(accounts_of(&network))
}

/// The accounts of the network that have a demo password, in the network's order (admin,
/// country coordinator, participant).
fn accounts_of(network: &DemoNetwork) -> DemoAccounts {
    DemoAccounts {
        accounts: network
            .accounts
            .iter()
            .filter_map(|account| {
                account.password.map(|password| DemoAccount {
                    role: account.role.label().to_owned(),
                    email: account.email.clone(),
                    password: password.to_owned(),
                })
            })
            .collect(),
    }
}

/// How many demo people apply to the current round: about every third person, so every
/// country of the network is there in proportion.
pub const CURRENT_ROUND_APPLICANTS: usize = 200;

/// The name of the demo's current round.
pub const CURRENT_ROUND_NAME: &str = "Demo round (in review)";

/// Adds the current round, in review: applications closed three days ago, matching begins in
/// four days. About 200 demo people applied (each gets an account without a password when
/// they have none, since an application belongs to an account); the country cap (10% here,
/// so the largest countries pass it) deferred the latest of them; two people applied twice
/// under a second address, so the queue has likely duplicates to merge; and coordinators
/// approved most of the rest, wait-listed and declined a few, and left some to decide.
/// The name of the import mapping the demo keeps, made for `docs/examples/google-form-responses.csv`.
pub const DEMO_MAPPING_NAME: &str = "Google Form of the 2017 rounds";

/// A mapping saved from an earlier import, as a coordinator would have it: the answers of the
/// network's old Google Form that the recogniser does not know, translated. The columns are
/// left for the headers to suggest.
async fn saved_mapping(store: &Store, now: jiff::Timestamp) -> anyhow::Result<()> {
    use iln_domain::import::{Field, Mapping, OTHER};

    let mut mapping = Mapping {
        keep_others_as_notes: true,
        ..Mapping::default()
    };
    for (field, text, value) in [
        (Field::Country, "Brasil", "BR"),
        (Field::Country, "Deutschland", "DE"),
        (Field::CareerStage, "Over 15 yrs", "senior"),
        (Field::CareerStage, "Less than 5 yrs", "early"),
        (Field::Languages, "Tongan", OTHER),
    ] {
        mapping
            .values
            .entry(field)
            .or_default()
            .insert(Mapping::value_key(text), value.to_owned());
    }
    let mut tx = store
        .begin()
        .await
        .context("could not start saving the demo's import mapping")?;
    tx.save_mapping(DEMO_MAPPING_NAME, &mapping, now)
        .await
        .context("could not save the demo's import mapping")?;
    tx.commit()
        .await
        .context("could not save the demo's import mapping")?;
    Ok(())
}

async fn current_round(
    store: &Store,
    network: &DemoNetwork,
    user_of_person: &mut [Option<UserId>],
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    use iln_domain::application::{Application, InterestCatalogue};
    use iln_domain::round::{RoundForm, RoundSettings, RoundState};
    use iln_store::{ApplicationFilter, ApplicationStatus};
    use jiff::ToSpan;

    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let day = |offset: i64| -> anyhow::Result<String> {
        Ok(today
            .checked_add(offset.days())
            .context("the demo round's dates are out of range")?
            .to_string())
    };
    let settings = RoundSettings::parse(&RoundForm {
        name: CURRENT_ROUND_NAME.to_owned(),
        time_zone: "UTC".to_owned(),
        opens: day(-30)?,
        closes: day(-3)?,
        matching: day(4)?,
        starts: day(14)?,
        languages: "en".to_owned(),
        country_cap: "10".to_owned(),
        ..RoundForm::default()
    })
    .map_err(|errors| anyhow::anyhow!("the demo round's settings: {errors:?}"))?;
    let round = store
        .create_round(&settings, now)
        .await
        .context("could not create the demo round")?;
    round_surveys(store, round, now).await?;
    saved_mapping(store, now).await?;
    store
        .set_round_state(round, RoundState::Open, now)
        .await
        .context("could not open the demo round")?;
    let catalogue = InterestCatalogue::default_topics();

    let step = (network.people.len() / CURRENT_ROUND_APPLICANTS).max(1);
    let mut chosen: Vec<usize> = (0..network.people.len())
        .step_by(step)
        .take(CURRENT_ROUND_APPLICANTS)
        .collect();
    // The demo participant applied too, so their pages have an application to show.
    if let Some(own) = network
        .account(demo::PARTICIPANT_EMAIL)
        .and_then(|account| account.person)
        && !chosen.contains(&own)
        && let Some(last) = chosen.last_mut()
    {
        *last = own;
    }
    // Applications arrive over the window, a few minutes apart, in this order.
    let arrival = |n: usize| {
        now.checked_sub(jiff::SignedDuration::from_mins(
            i64::try_from(20 * (CURRENT_ROUND_APPLICANTS + 10 - n)).unwrap_or(0),
        ))
        .unwrap_or(now)
    };
    for (n, &index) in chosen.iter().enumerate() {
        let person = &network.people[index];
        let user = match user_of_person[index] {
            Some(user) => user,
            None => {
                let user = applicant_account(store, &person.email, &person.full_name, now).await?;
                user_of_person[index] = Some(user);
                user
            }
        };
        let application =
            Application::parse(&demo_answers(person, n), &catalogue).map_err(|errors| {
                anyhow::anyhow!("demo application of {}: {errors:?}", person.email)
            })?;
        store
            .submit_application(round, user, &application, arrival(n))
            .await
            .with_context(|| format!("could not add the application of {}", person.email))?;
    }
    // Two people of small countries (which the cap never reaches) applied a second time
    // from another address: likely duplicates.
    for (n, &index) in chosen.iter().rev().skip(3).step_by(20).take(2).enumerate() {
        let person = &network.people[index];
        let (local, domain) = person
            .email
            .split_once('@')
            .unwrap_or((&person.email, "example.org"));
        let email = format!("{local}.work@{domain}");
        let user = applicant_account(store, &email, &person.full_name, now).await?;
        let mut answers = demo_answers(person, n);
        answers.email = email.clone();
        let application = Application::parse(&answers, &catalogue)
            .map_err(|errors| anyhow::anyhow!("demo application of {email}: {errors:?}"))?;
        store
            .submit_application(
                round,
                user,
                &application,
                arrival(CURRENT_ROUND_APPLICANTS + n),
            )
            .await
            .with_context(|| format!("could not add the application of {email}"))?;
    }

    store
        .apply_country_cap(round, settings.country_cap, now)
        .await
        .context("could not apply the demo round's country cap")?;
    store
        .set_round_state(round, RoundState::Review, now)
        .await
        .context("could not close the demo round's applications")?;
    let waiting = store
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Submitted),
        )
        .await
        .context("could not read the demo applications")?;
    for (n, application) in waiting.iter().enumerate() {
        // Leave the flagged duplicates and every ninth application for the coordinators.
        let (status, message) = match n % 9 {
            _ if application.is_flagged_duplicate() => continue,
            0 => continue,
            4 => (ApplicationStatus::Waitlisted, None),
            7 if n % 2 == 1 => (
                ApplicationStatus::Declined,
                Some(
                    "This round is for library staff; please apply again once you work in a library.",
                ),
            ),
            _ => (ApplicationStatus::Approved, Some("Welcome to the round!")),
        };
        store
            .set_application_status(application.id, status, message, now)
            .await
            .context("could not record a demo decision")?;
    }
    Ok(())
}

/// An account for a demo applicant who has none: verified, without a password (it cannot
/// sign in until its owner resets one).
async fn applicant_account(
    store: &Store,
    email: &str,
    name: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<UserId> {
    let new_user = NewUser {
        email: Email::parse(email).with_context(|| format!("demo email {email:?} is not valid"))?,
        display_name: DisplayName::parse(name)
            .with_context(|| format!("demo name {name:?} is not valid"))?,
        password_hash: None,
        role: iln_domain::account::Role::Participant,
        countries: Vec::new(),
        email_verified: true,
        time_zone: None,
    };
    store
        .create_user(&new_user, now)
        .await
        .with_context(|| format!("could not create the demo account {email}"))
}

/// What a demo person answers on the form; the `n`th applicant varies the free choices.
fn demo_answers(person: &demo::DemoPerson, n: usize) -> iln_domain::application::ApplicationForm {
    const WAYS: [&str; 4] = ["email", "video", "chat", "social_media"];
    const PREFERENCES: [&str; 3] = ["any", "career_stage", "interest_sector"];
    const ROLES: [&str; 5] = [
        "Reference librarian",
        "Cataloguer",
        "Library director",
        "Outreach librarian",
        "Systems librarian",
    ];
    iln_domain::application::ApplicationForm {
        name: person.full_name.clone(),
        email: person.email.clone(),
        country: person.country.as_str().to_owned(),
        city: person.city.clone(),
        time_zone: person.time_zone.as_str().to_owned(),
        institution: person.institution.clone(),
        sector: person.sector.as_str().to_owned(),
        role: ROLES[n % ROLES.len()].to_owned(),
        career_stage: person.career_stage.as_str().to_owned(),
        interests: person.interests.clone(),
        other_interests: String::new(),
        languages: person.languages.clone(),
        communication: vec!["email".to_owned(), WAYS[n % WAYS.len()].to_owned()],
        match_preference: PREFERENCES[n % PREFERENCES.len()].to_owned(),
        goals: "Learn how libraries elsewhere work, and find a colleague to think aloud with."
            .to_owned(),
        offer: "Experience from my own library and region.".to_owned(),
        consent: "on".to_owned(),
    }
}

/// How many demo people took part in the past round.
pub const PAST_ROUND_PARTICIPANTS: usize = 120;

/// The name of the demo's past round.
pub const PAST_ROUND_NAME: &str = "Demo past round (closed)";

/// Adds a closed round from half a year ago, matched by the same engine and published, so
/// that "never a previous partner" and the wider-network bonus have history: most of its
/// participants applied to the current round too, the demo participant among them. Two
/// partnerships ended early, with reasons. Its run is stored, so its matching page shows the
/// proposal it published.
async fn past_round(
    store: &Store,
    network: &DemoNetwork,
    user_of_person: &mut [Option<UserId>],
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    let (round, settings) = published_round(store, network, user_of_person, now, &PAST).await?;
    past_contacts(store, round).await?;
    past_surveys(store, round, &settings, now).await?;
    let participant = network
        .account(demo::PARTICIPANT_EMAIL)
        .and_then(|account| account.person)
        .and_then(|person| user_of_person.get(person).copied().flatten());
    past_alumni(store, round, participant, now).await
}

/// The contacts the past round's partners logged over its four months, so its reports
/// (contacts per week, no contact in the first two weeks) have something to count: most
/// pairs wrote within days of their introduction and now and then after; every sixth pair
/// took three weeks to start, and every ninth never logged one.
async fn past_contacts(store: &Store, round: iln_store::RoundId) -> anyhow::Result<()> {
    use iln_domain::contact::ContactWay;

    let partnerships = store
        .round_partnerships(round)
        .await
        .context("could not read the demo past round's partnerships")?;
    let mut tx = store
        .begin()
        .await
        .context("could not start writing the demo past contacts")?;
    for (n, partnership) in partnerships.iter().enumerate() {
        if n % 9 == 8 {
            continue;
        }
        let Some(by) = partnership.members.get(n % 2).map(|m| m.user) else {
            continue;
        };
        let first = if n % 6 == 5 { 21 } else { 2 + n % 5 };
        let days = [first, first + 12 + n % 7, first + 40, first + 75 - n % 11];
        for (k, day) in days.iter().take(2 + n % 3).enumerate() {
            let day = i64::try_from(*day).unwrap_or(0);
            let at = partnership.created_at + jiff::SignedDuration::from_hours(24 * day + 10);
            if partnership.ended.as_ref().is_some_and(|e| e.at < at) {
                break;
            }
            tx.log_contact(
                partnership.id,
                by,
                at.to_zoned(jiff::tz::TimeZone::UTC).date(),
                ContactWay::ALL[(n + k) % ContactWay::ALL.len()],
                None,
                at,
            )
            .await
            .context("could not log a demo past contact")?;
        }
    }
    tx.commit()
        .await
        .context("could not save the demo past contacts")
}

/// How many demo people take part in the active round.
pub const ACTIVE_ROUND_PARTICIPANTS: usize = 60;

/// The name of the demo's active round.
pub const ACTIVE_ROUND_NAME: &str = "Demo round (active)";

/// A round the demo matches and publishes: its dates as days from today, who is in it and
/// how it stands now.
struct PublishedRound {
    name: &'static str,
    /// Opens, closes, matching, starts: days from today.
    days: [i64; 4],
    /// Whom it takes from the people with an account who are not staff: skip this many,
    /// then take this many (the demo participant always takes the last place).
    skip: usize,
    take: usize,
    /// The state it is left in.
    state: iln_domain::round::RoundState,
}

const PAST: PublishedRound = PublishedRound {
    name: PAST_ROUND_NAME,
    days: [-230, -200, -193, -186],
    skip: 0,
    take: PAST_ROUND_PARTICIPANTS,
    state: iln_domain::round::RoundState::Closed,
};

/// Started five weeks ago, with about eleven weeks to go: the months of a round, with its
/// discussion topics (some out, some to come) and one partnership that ended early.
const ACTIVE: PublishedRound = PublishedRound {
    name: ACTIVE_ROUND_NAME,
    days: [-80, -50, -43, -36],
    skip: PAST_ROUND_PARTICIPANTS,
    take: ACTIVE_ROUND_PARTICIPANTS,
    state: iln_domain::round::RoundState::Active,
};

/// Adds the active round: matched and published five weeks ago, with the real program's
/// discussion topics.
async fn active_round(
    store: &Store,
    network: &DemoNetwork,
    user_of_person: &mut [Option<UserId>],
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    let (round, settings) = published_round(store, network, user_of_person, now, &ACTIVE).await?;
    round_surveys(store, round, now).await?;
    active_topics(store, round, &settings, now).await?;
    active_discussions(store, round, now).await
}

/// What the active round's participants wrote: a few posts in the released topics' threads,
/// the real program's shared resources on the board, and topics marked discussed.
async fn active_discussions(
    store: &Store,
    round: iln_store::RoundId,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    use iln_domain::post::{PostBody, SharedLink};
    use iln_store::Thread;

    let partnerships = store
        .round_partnerships(round)
        .await
        .context("could not read the demo round's partnerships")?;
    let members: Vec<UserId> = partnerships
        .iter()
        .filter(|p| p.is_running())
        .flat_map(|p| p.members.iter().map(|m| m.user))
        .collect();
    let released: Vec<_> = store
        .round_topics(round)
        .await
        .context("could not read the demo topics")?
        .into_iter()
        .filter(|t| t.released_at.is_some())
        .collect();
    let hours_ago = |h: i64| {
        now.checked_sub(jiff::SignedDuration::from_hours(h))
            .unwrap_or(now)
    };
    let thread_posts = [
        "Our reading room is a former bank hall: the old vault now holds local history.",
        "I work in a mobile library, so my work space changes every day! Today: a school yard.",
        "We tried a weekly 'guess the book' post and it doubled our replies. Happy to share how.",
        "Our council limits what we may post, so everything goes through a colleague. Does \
         anyone else have that?",
        "Pinterest was new to me. This board of library displays is lovely: \
         https://example.org/iln/displays",
    ];
    let board = [
        (
            "https://example.org/iln/networking-tips",
            "10 networking tips for people who hate networking: short and honest.",
        ),
        (
            "https://example.org/iln/altmetrics",
            "Use Altmetrics to build your scholarly community, useful for research librarians.",
        ),
        (
            "https://example.org/iln/free-arab-journals",
            "Directory of Free Arab Journals: open access titles by subject.",
        ),
    ];
    let mut tx = store
        .begin()
        .await
        .context("could not start writing the demo discussions")?;
    for (n, topic) in released.iter().enumerate() {
        // After the topic went out, most of a day apart, never later than now.
        let out = topic.released_at.unwrap_or(now);
        let after = |hours: i64| (out + jiff::SignedDuration::from_hours(hours)).min(now);
        let mut hour = 6;
        for (k, text) in thread_posts.iter().enumerate().skip(n % 2).step_by(2) {
            let Some(&author) = members.get((n * 7 + k * 3) % members.len().max(1)) else {
                continue;
            };
            let body = PostBody::parse(text).context("a demo post")?;
            tx.create_post(
                round,
                Thread::Topic(topic.id),
                author,
                &body,
                None,
                after(hour),
            )
            .await
            .context("could not add a demo post")?;
            hour += 20;
        }
        // About half the partnerships talked each released topic over.
        for partnership in partnerships.iter().filter(|p| p.is_running()).step_by(2) {
            tx.mark_discussed(
                topic.id,
                partnership.id,
                partnership.members.first().map(|m| m.user),
                after(30),
            )
            .await
            .context("could not mark a demo topic discussed")?;
        }
    }
    // Most partnerships logged a few contacts; every fourth never did, so the quiet ones show.
    use iln_domain::contact::ContactWay;
    for (n, partnership) in partnerships.iter().filter(|p| p.is_running()).enumerate() {
        if n % 4 == 3 {
            continue;
        }
        let Some(by) = partnership.members.first().map(|m| m.user) else {
            continue;
        };
        for k in 0..(1 + n % 3) {
            let days_ago =
                30 - 9 * i64::try_from(k).unwrap_or(0) - i64::try_from(n % 5).unwrap_or(0);
            let at = hours_ago(24 * days_ago.max(1));
            let on = at.to_zoned(jiff::tz::TimeZone::UTC).date();
            tx.log_contact(
                partnership.id,
                by,
                on,
                ContactWay::ALL[(n + k) % ContactWay::ALL.len()],
                None,
                at,
            )
            .await
            .context("could not log a demo contact")?;
        }
    }
    // The check-ins of day 7 and 14: the partnerships that log contacts said "yes" at the
    // first; of the quiet ones, one said "not yet" and is flagged on the desks, one never
    // answered and has been offered a new partner.
    use iln_domain::checkin::{CheckInAnswer, LINK_LIFETIME, LadderReason, LadderStep};
    let mut quiet_seen = 0;
    for (n, partnership) in partnerships.iter().filter(|p| p.is_running()).enumerate() {
        let quiet = n % 4 == 3;
        for day in [7_i64, 14] {
            let sent = partnership.created_at + jiff::SignedDuration::from_hours(24 * day);
            if sent > now {
                continue;
            }
            for (k, member) in partnership.members.iter().enumerate() {
                let hash = iln_app::accounts::secret_hash(&iln_app::accounts::new_secret());
                tx.create_checkin(
                    partnership.id,
                    member.user,
                    day,
                    &hash,
                    sent,
                    sent + LINK_LIFETIME,
                )
                .await
                .context("could not add a demo check-in")?;
                let answer = match (quiet, quiet_seen, k, day) {
                    (false, _, 0, 7) => Some(CheckInAnswer::InTouch),
                    (true, 0 | 2, 0, 7) => Some(CheckInAnswer::NotYet),
                    _ => None,
                };
                if let Some(answer) = answer {
                    let at = sent + jiff::SignedDuration::from_hours(5);
                    let stored = tx
                        .checkins_of(partnership.id)
                        .await
                        .context("could not read a demo check-in")?;
                    if let Some(checkin) = stored
                        .iter()
                        .find(|c| c.user == member.user && c.day == day)
                    {
                        tx.answer_checkin(checkin.id, answer, at)
                            .await
                            .context("could not answer a demo check-in")?;
                    }
                }
            }
        }
        if quiet {
            let started = partnership.created_at + jiff::SignedDuration::from_hours(24 * 10);
            let ladder = match quiet_seen {
                0 => Some((
                    LadderReason::NotYet,
                    partnership.members.first().map(|m| m.user),
                    LadderStep::Flagged,
                )),
                1 => Some((LadderReason::NoAnswer, None, LadderStep::Offered)),
                2 => Some((
                    LadderReason::NotYet,
                    partnership.members.first().map(|m| m.user),
                    LadderStep::Offered,
                )),
                _ => None,
            };
            if let Some((reason, waiting, step)) = ladder {
                tx.start_ladder(partnership.id, reason, waiting, started.min(now))
                    .await
                    .context("could not start a demo ladder")?;
                tx.set_ladder_step(partnership.id, step, now)
                    .await
                    .context("could not move a demo ladder")?;
                // The third took the offer of a new partner, so the partnerships page has
                // someone waiting who goes first in the re-match.
                if quiet_seen == 2 {
                    let took = (started + jiff::SignedDuration::from_hours(24 * 11)).min(now);
                    tx.end_partnership(
                        partnership.id,
                        waiting,
                        "My partner never replied; I would like a new partner.",
                        took,
                    )
                    .await
                    .context("could not end a demo partnership")?;
                }
            }
            quiet_seen += 1;
        }
    }
    for (k, (url, note)) in board.iter().enumerate() {
        let Some(&author) = members.get(k * 5 % members.len().max(1)) else {
            continue;
        };
        tx.create_post(
            round,
            Thread::Board,
            author,
            &PostBody::parse(note).context("a demo resource note")?,
            Some(&SharedLink::parse(url).context("a demo resource link")?),
            hours_ago(24 * (20 - 5 * i64::try_from(k).unwrap_or(0))),
        )
        .await
        .context("could not add a demo resource")?;
    }
    tx.commit()
        .await
        .context("could not save the demo discussions")?;
    Ok(())
}

/// Matches and publishes a round of demo people as `spec` says, leaving it in its state.
/// People are disjoint between rounds (but for the demo participant), so nobody is paired
/// with a previous partner.
async fn published_round(
    store: &Store,
    network: &DemoNetwork,
    user_of_person: &mut [Option<UserId>],
    now: jiff::Timestamp,
    spec: &PublishedRound,
) -> anyhow::Result<(iln_store::RoundId, iln_domain::round::RoundSettings)> {
    use std::collections::BTreeMap;

    use iln_domain::application::{Application, InterestCatalogue};
    use iln_domain::proposal::{self, Applicant, MatchMode, MatchRequest};
    use iln_domain::round::{RoundForm, RoundSettings, RoundState};
    use iln_domain::scoring::History;
    use iln_store::{
        ApplicationId, ApplicationStatus, MatchOptions, MatchRunKind, NewMatchRun, NewPartnership,
        NewPartnershipMember, PartnerProfile,
    };
    use jiff::ToSpan;

    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let day = |offset: i64| -> anyhow::Result<String> {
        Ok(today
            .checked_add(offset.days())
            .context("a demo round's dates are out of range")?
            .to_string())
    };
    let [opens, closes, matching, starts] = spec.days;
    let settings = RoundSettings::parse(&RoundForm {
        name: spec.name.to_owned(),
        time_zone: "UTC".to_owned(),
        opens: day(opens)?,
        closes: day(closes)?,
        matching: day(matching)?,
        starts: day(starts)?,
        languages: "en".to_owned(),
        ..RoundForm::default()
    })
    .map_err(|errors| anyhow::anyhow!("a demo round's settings: {errors:?}"))?;
    let round = store
        .create_round(&settings, now)
        .await
        .context("could not create a demo round")?;
    let catalogue = InterestCatalogue::default_topics();

    // People with an account who are not staff (the current round's applicants and the demo
    // participant), in the network's order.
    let staff: Vec<usize> = network
        .accounts
        .iter()
        .filter(|a| a.role != iln_domain::account::Role::Participant)
        .filter_map(|a| a.person)
        .collect();
    let own = network
        .account(demo::PARTICIPANT_EMAIL)
        .and_then(|account| account.person);
    let mut chosen: Vec<usize> = (0..network.people.len())
        // The round's program language is English, so everyone in it can be matched.
        .filter(|&i| {
            user_of_person[i].is_some()
                && !staff.contains(&i)
                && network.people[i].languages.iter().any(|l| l == "en")
        })
        .skip(spec.skip)
        .take(spec.take)
        .collect();
    if let Some(own) = own
        && !chosen.contains(&own)
        && let Some(last) = chosen.last_mut()
    {
        *last = own;
    }

    // Applied a week before applications closed; published on the matching day.
    let submitted = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * (7 - closes)))
        .unwrap_or(now);
    let published = now
        .checked_sub(jiff::SignedDuration::from_hours(-24 * matching))
        .unwrap_or(now);
    let mut records: BTreeMap<ApplicationId, (UserId, Application)> = BTreeMap::new();
    for (n, &index) in chosen.iter().enumerate() {
        let person = &network.people[index];
        let Some(user) = user_of_person[index] else {
            continue;
        };
        let application =
            Application::parse(&demo_answers(person, n + 1), &catalogue).map_err(|errors| {
                anyhow::anyhow!("demo application of {}: {errors:?}", person.email)
            })?;
        let id = store
            .submit_application(round, user, &application, submitted)
            .await
            .with_context(|| format!("could not add the application of {}", person.email))?;
        store
            .set_application_status(id, ApplicationStatus::Approved, None, submitted)
            .await
            .context("could not approve a demo application")?;
        records.insert(id, (user, application));
    }

    let applicants: Vec<Applicant> = records
        .iter()
        .map(|(id, (_, application))| Applicant {
            id: id.to_string(),
            name: application.name.to_string(),
            profile: application.match_profile(History::default()),
            previous_partners: Default::default(),
        })
        .collect();
    let mut request = MatchRequest::for_round(&settings, applicants);
    request.mode = MatchMode::MaxParticipation;
    let proposal = proposal::run(&request).context("could not match a demo round")?;
    let run = store
        .save_match_run(
            &NewMatchRun {
                round,
                kind: MatchRunKind::Round,
                run_by: None,
                options: &MatchOptions::of(&request),
                proposal: &proposal,
            },
            submitted,
        )
        .await
        .context("could not store a demo round's run")?;
    let partnerships: Vec<NewPartnership> = proposal
        .partnerships
        .iter()
        .map(|p| NewPartnership {
            round,
            run: Some(run),
            score: p.score,
            explanation: p.explanation.clone(),
            members: p
                .members
                .iter()
                .filter_map(|m| {
                    let (user, application) = records.get(&m.id.parse().ok()?)?;
                    Some(NewPartnershipMember {
                        user: *user,
                        application: m.id.parse().ok(),
                        country: application.country,
                        sector: application.sector,
                        profile: PartnerProfile::of(application),
                    })
                })
                .collect(),
        })
        .collect();
    let ids = store
        .create_partnerships(&partnerships, true, published)
        .await
        .context("could not publish a demo round")?;
    let reasons = [
        "My partner changed jobs and no longer has time for the program.",
        "We never managed to find a time that worked for both of us.",
    ];
    // A few weeks into the partnerships.
    let ended = now
        .checked_sub(jiff::SignedDuration::from_hours(-24 * (starts + 30)))
        .unwrap_or(now)
        .min(now);
    let endings = if spec.state == RoundState::Active {
        1
    } else {
        2
    };
    for (id, reason) in ids.iter().skip(5).step_by(17).zip(reasons).take(endings) {
        store
            .end_partnership(*id, None, reason, ended)
            .await
            .context("could not end a demo past partnership")?;
    }
    store
        .set_round_state(round, spec.state, now)
        .await
        .context("could not move the demo round to its state")?;
    Ok((round, settings))
}

/// The real program's discussion topics (its third round's, by their titles), on its
/// rhythm of one every two to four weeks, some in parts: those whose day has come are out,
/// the rest wait for their day with their release jobs armed. Released topics were emailed
/// back then; the demo queues no mail for them.
async fn active_topics(
    store: &Store,
    round: iln_store::RoundId,
    settings: &iln_domain::round::RoundSettings,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    use iln_domain::topic::{Topic, TopicForm};
    use jiff::ToSpan;

    struct Demo {
        title: &'static str,
        /// Days after the partnerships start.
        day: i64,
        /// Index of the topic this is a part of, in this list.
        part_of: Option<usize>,
        body: &'static str,
        resources: &'static str,
    }
    let topics = [
        Demo {
            title: "Getting to know you and participant work spaces",
            day: 0,
            part_of: None,
            body: "Welcome to the round! Before the first real topic, get to know each other.\n\n\
                   ## Your work space\n\n\
                   Describe, or better photograph, where you work: the desk, the reading room, \
                   the stacks, the van of a mobile library. What would a visitor notice first?\n\n\
                   ## Questions to start with\n\n\
                   - How did you come to work in libraries?\n\
                   - What does a normal week look like for you?\n\
                   - What would you like to learn from each other by the end of the round?",
            resources: "",
        },
        Demo {
            title: "Libraries & Social Media",
            day: 14,
            part_of: None,
            body: "Most libraries now talk to their communities on social media, some with a \
                   team, many with one enthusiastic person in spare minutes.\n\n\
                   - Which platforms does your library use, and who looks after them?\n\
                   - What has worked well, and what fell flat?\n\
                   - How do you decide what *not* to post?\n\n\
                   Share an example post with your partner and talk about why it worked.",
            resources: "10 networking tips for people who hate networking | https://example.org/iln/networking-tips",
        },
        Demo {
            title: "A Pinterest Roundup",
            day: 17,
            part_of: Some(1),
            body: "Libraries use Pinterest for reading lists, displays, craft sessions and local \
                   history. Find two boards from libraries in your partner's country and one \
                   from your own, and compare notes: what makes a board worth following?",
            resources: "",
        },
        Demo {
            title: "Follow a Library day",
            day: 21,
            part_of: Some(1),
            body: "For one day, follow libraries from your partner's country on the platform \
                   you both use, and ask your partner which ones to start with. Afterwards, \
                   tell each other one thing you would like to borrow for your own library.",
            resources: "",
        },
        Demo {
            title: "Technology & Libraries",
            day: 35,
            part_of: None,
            body: "## Part 1: the tools of the job\n\n\
                   Which systems do you use every day (catalogue, discovery, loans, e-resources)? \
                   What would you change about them if you could?\n\n\
                   Part 2 follows next week, about the technology your users bring with them.",
            resources: "Use Altmetrics to build your scholarly community | https://example.org/iln/altmetrics",
        },
        Demo {
            title: "Technology & Libraries (Part 2)",
            day: 42,
            part_of: Some(4),
            body: "Phones, tablets, e-readers, slow connections and no connection at all: how \
                   does your library meet people with the technology they have? Talk about one \
                   service that works for people who are offline most of the time.",
            resources: "",
        },
        Demo {
            title: "The role of Libraries in Disasters",
            day: 56,
            part_of: None,
            body: "Floods, fires, storms and earthquakes: libraries often stay open when other \
                   services close, and become places for news, power and a quiet corner.\n\n\
                   - Has your library, or one near you, served its community in a disaster?\n\
                   - Does your library have a plan for its own collections?",
            resources: "Directory of Free Arab Journals | https://example.org/iln/free-arab-journals",
        },
        Demo {
            title: "Conferences & Events",
            day: 70,
            part_of: None,
            body: "Conferences cost money and time, and many of us cannot travel. Tell your \
                   partner about the best event you have been to, in person or online, and what \
                   you brought back from it.",
            resources: "",
        },
        Demo {
            title: "ILN at Library 2.0",
            day: 74,
            part_of: Some(7),
            body: "Online conferences make it possible to attend from anywhere. Pick a session \
                   you could watch together across your two time zones, and plan when.",
            resources: "",
        },
    ];
    let mut ids: Vec<iln_store::TopicId> = Vec::with_capacity(topics.len());
    let mut tx = store
        .begin()
        .await
        .context("could not start writing the demo topics")?;
    for demo in &topics {
        let on = settings
            .starts
            .checked_add(demo.day.days())
            .context("a demo topic's day is out of range")?;
        let topic = Topic::parse(
            &TopicForm {
                title: demo.title.to_owned(),
                body: demo.body.to_owned(),
                release_on: on.to_string(),
                release_time: "09:00".to_owned(),
                resources: demo.resources.to_owned(),
            },
            settings,
        )
        .map_err(|errors| anyhow::anyhow!("the demo topic {:?}: {errors:?}", demo.title))?;
        let part_of = demo.part_of.and_then(|i| ids.get(i).copied());
        let written = now
            .checked_sub(jiff::SignedDuration::from_hours(24 * 40))
            .unwrap_or(now);
        let id = tx
            .create_topic(round, part_of, &topic, None, written)
            .await
            .with_context(|| format!("could not add the demo topic {:?}", demo.title))?;
        if topic.release.earliest() <= now {
            tx.mark_topic_released(id, topic.release.earliest())
                .await
                .context("could not mark a demo topic released")?;
        } else {
            iln_app::topics::schedule_release(&mut tx, id, &topic, now)
                .await
                .context("could not schedule a demo topic")?;
        }
        ids.push(id);
    }
    tx.commit()
        .await
        .context("could not save the demo topics")?;
    Ok(())
}

/// Gives a demo round the surveys a new round gets (the previous round's or the defaults),
/// with their jobs: they open by themselves on their days.
async fn round_surveys(
    store: &Store,
    round: iln_store::RoundId,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    let mut tx = store
        .begin()
        .await
        .context("could not start adding a demo round's surveys")?;
    let record = tx
        .round(round)
        .await
        .context("could not read a demo round")?
        .context("a demo round vanished")?;
    iln_app::surveys::set_up_round(&mut tx, &record, now)
        .await
        .context("could not add a demo round's surveys")?;
    tx.commit()
        .await
        .context("could not save a demo round's surveys")?;
    Ok(())
}

/// A number from `seed` that looks random (splitmix64): the demo's answers are the same on
/// every load.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The past round's two surveys, answered as the real program's were: about 60% of the
/// participants answered; most kept in touch by email; most joined to build their network;
/// and satisfaction rises with how often partners were in touch. The mid-round survey was
/// named, the end-of-round one anonymous. They were sent back then, so nothing is queued.
async fn past_surveys(
    store: &Store,
    round: iln_store::RoundId,
    settings: &iln_domain::round::RoundSettings,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    use iln_domain::survey::{self, AnswerValue, QuestionKey, Response};

    let partnerships = store
        .round_partnerships(round)
        .await
        .context("could not read the past round's partnerships")?;
    let [mid, end] = survey::defaults(settings);
    let key = |k: &str| QuestionKey::parse(k).context("a default question key");
    let improvements_mid = [
        "More topics on digital skills, please.",
        "It took us a while to find a time zone that works; a tip sheet would help.",
        "I would like to know who else is in my city.",
        "The topics are great conversation starters.",
    ];
    let improvements_end = [
        "Longer rounds: we were just getting going.",
        "A video call at the start with everyone would help.",
        "Let us choose a topic of our own.",
        "More reminders in the first weeks.",
        "Nothing: it was wonderful.",
    ];
    let mut tx = store
        .begin()
        .await
        .context("could not start writing the past surveys")?;
    for (k, s) in [&mid, &end].into_iter().enumerate() {
        let opened = s.opens_at(settings).min(now);
        let id = tx
            .create_survey(round, s, None, opened)
            .await
            .context("could not add a past survey")?;
        tx.mark_survey_opened(id, opened)
            .await
            .context("could not open a past survey")?;
        let k = u64::try_from(k).unwrap_or(0);
        for (pi, p) in partnerships.iter().enumerate() {
            // Partnerships that ended early were not asked after they ended.
            if p.ended.as_ref().is_some_and(|e| e.at < opened) {
                continue;
            }
            // How often this pair was in touch: weekly, fortnightly, monthly, less, never.
            let pair = mix(u64::try_from(pi).unwrap_or(0) * 31 + 7);
            let frequency = match pair % 20 {
                0..=3 => 0,
                4..=8 => 1,
                9..=13 => 2,
                14..=17 => 3,
                _ => 4,
            };
            for (mi, m) in p.members.iter().enumerate() {
                let seed = mix(pair ^ ((u64::try_from(mi).unwrap_or(0) + 1) * 1_000 + k * 77));
                let secret = iln_app::accounts::new_secret();
                let hash = iln_app::accounts::secret_hash(&secret);
                tx.invite_to_survey(id, m.user, m.country, &hash, opened)
                    .await
                    .context("could not invite to a past survey")?;
                // About six in ten answered; those in touch more often answered more.
                if seed % 100 >= 75 - 8 * frequency {
                    continue;
                }
                let Some(invitation) = tx
                    .invitation_by_hash(&hash)
                    .await
                    .context("could not read a past invitation")?
                else {
                    continue;
                };
                let noise = i64::try_from((seed >> 8) % 3).unwrap_or(1) - 1;
                let satisfaction = (5 - i64::try_from(frequency).unwrap_or(0) + noise).clamp(1, 5);
                let rating = |v: i64| AnswerValue::Rating(u8::try_from(v.clamp(1, 5)).unwrap_or(3));
                let mut answers = Response::default();
                answers
                    .answers
                    .insert(key("satisfaction")?, rating(satisfaction));
                answers.answers.insert(
                    key("contact_frequency")?,
                    AnswerValue::Choice(survey::CONTACT_OPTIONS[frequency as usize].to_owned()),
                );
                let pick = |options: &[&str], shares: &[u64], salt: u64| -> Vec<String> {
                    options
                        .iter()
                        .zip(shares)
                        .enumerate()
                        .filter(|(i, (_, share))| {
                            mix(seed ^ (salt + u64::try_from(*i).unwrap_or(0))) % 100 < **share
                        })
                        .map(|(_, (o, _))| (*o).to_owned())
                        .collect()
                };
                let text_at = (seed >> 16).is_multiple_of(4);
                if k == 0 {
                    let ways = pick(&survey::WAY_OPTIONS, &[88, 30, 25, 18, 6, 2], 11);
                    if !ways.is_empty() && frequency < 4 {
                        answers
                            .answers
                            .insert(key("contact_ways")?, AnswerValue::Choices(ways));
                    }
                    let reasons = pick(&survey::REASON_OPTIONS, &[86, 64, 45, 38, 12], 23);
                    if !reasons.is_empty() {
                        answers
                            .answers
                            .insert(key("reasons")?, AnswerValue::Choices(reasons));
                    }
                    answers.answers.insert(
                        key("topics_useful")?,
                        rating(3 + noise + i64::from(frequency < 2)),
                    );
                    if text_at {
                        answers.answers.insert(
                            key("improve_mid")?,
                            AnswerValue::Text(
                                improvements_mid[(seed as usize >> 3) % improvements_mid.len()]
                                    .to_owned(),
                            ),
                        );
                    }
                } else {
                    let mut outcomes = pick(&survey::OUTCOME_OPTIONS[..4], &[30, 45, 35, 25], 37);
                    if outcomes.is_empty() {
                        outcomes.push(survey::OUTCOME_OPTIONS[4].to_owned());
                    }
                    answers
                        .answers
                        .insert(key("outcomes")?, AnswerValue::Choices(outcomes));
                    let stay = match frequency {
                        0 | 1 => "Yes",
                        2 => "Maybe",
                        _ if seed.is_multiple_of(2) => "Maybe",
                        _ => "No",
                    };
                    answers
                        .answers
                        .insert(key("stay_in_touch")?, AnswerValue::Choice(stay.to_owned()));
                    answers.answers.insert(
                        key("recommend")?,
                        rating(satisfaction + i64::from(seed.is_multiple_of(3))),
                    );
                    if text_at {
                        answers.answers.insert(
                            key("improve_end")?,
                            AnswerValue::Text(
                                improvements_end[(seed as usize >> 3) % improvements_end.len()]
                                    .to_owned(),
                            ),
                        );
                    }
                }
                let at = (opened
                    + jiff::SignedDuration::from_hours(2 + i64::try_from(seed % 200).unwrap_or(0)))
                .min(now);
                tx.save_response(
                    id,
                    invitation.id,
                    &iln_app::surveys::respondent(&secret),
                    (!s.anonymous).then_some(m.user),
                    m.country,
                    &answers,
                    at,
                )
                .await
                .context("could not add a past answer")?;
            }
        }
    }
    tx.commit()
        .await
        .context("could not save the past surveys")?;
    Ok(())
}

/// About two in five of the past round's participants, the demo participant among them,
/// joined the alumni directory, each showing what they chose.
async fn past_alumni(
    store: &Store,
    round: iln_store::RoundId,
    participant: Option<UserId>,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    use iln_domain::alumni::{Listing, Shown};

    let bios = [
        "Research data librarian; happy to talk about data management plans.",
        "I run a small public library and love community programmes.",
        "School librarian interested in reading for pleasure and digital literacy.",
        "Special collections and digitisation; always keen to compare workflows.",
        "Health sciences librarian working on systematic reviews.",
        "",
    ];
    let partnerships = store
        .round_partnerships(round)
        .await
        .context("could not read the past round's partnerships")?;
    let mut tx = store
        .begin()
        .await
        .context("could not start adding the demo alumni")?;
    let mut n = 0_u64;
    for m in partnerships.iter().flat_map(|p| &p.members) {
        n += 1;
        let seed = mix(n * 131 + 5);
        if seed % 5 >= 2 && Some(m.user) != participant {
            continue;
        }
        let listing = Listing {
            bio: bios[usize::try_from(seed >> 8).unwrap_or(0) % bios.len()].to_owned(),
            shown: Shown {
                country: !seed.is_multiple_of(7),
                sector: true,
                role: seed.is_multiple_of(3),
                interests: true,
                languages: seed.is_multiple_of(2),
                rounds: true,
            },
        };
        tx.save_alumni(m.user, &listing, now)
            .await
            .context("could not add a demo alumnus")?;
    }
    tx.commit()
        .await
        .context("could not save the demo alumni")?;
    Ok(())
}
