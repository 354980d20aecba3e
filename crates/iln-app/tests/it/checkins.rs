//! Check-ins and intervention, on both backends, with the clock moved by hand: a week after
//! the introductions every member is asked; "yes" logs a contact and nothing follows; "not
//! yet" climbs the ladder step by step (both reminded, flagged, the waiting member offered a
//! new partner); no answer starts it too, and a logged contact stops it; forged, used and
//! expired links change nothing.

use iln_app::Actor;
use iln_app::checkins::{self, AnswerError, CHECKIN_JOB, CheckInJobs, FOLLOWUP_JOB, LADDER_JOB};
use iln_app::contacts::{self, ContactInput};
use iln_app::matching;
use iln_domain::account::Role;
use iln_domain::checkin::{CheckInAnswer, LadderReason, LadderStep};
use iln_domain::contact::ContactWay;
use iln_store::{EMAIL_JOB, EmailPayload, Job, PartnershipId};
use jiff::SignedDuration;

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(
    a_coordinator_asks_a_partnership_now_once_a_day_within_their_countries,
    a_quiet_partnership_climbs_the_ladder_and_contact_stops_it,
    a_round_runs_from_publication_through_two_topics_and_both_check_ins,
);

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

async fn job(t: &TestApp, key: &str) -> Job {
    t.store
        .job_by_key(key)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no job {key}"))
}

async fn run(t: &TestApp, key: &str) -> usize {
    let job = job(t, key).await;
    CheckInJobs::new(t.app.clone())
        .run_job(&job.kind, job.payload_version, &job.payload)
        .await
        .unwrap()
}

/// The emails queued to `to` so far, by subject and text.
async fn mail_to(t: &TestApp, to: &str) -> Vec<EmailPayload> {
    t.store
        .list_jobs_of_kind(EMAIL_JOB, 10_000, 0)
        .await
        .unwrap()
        .iter()
        .map(|j| EmailPayload::from_job(j).unwrap())
        .filter(|e| e.to == to)
        .collect()
}

/// The secret of the check-in link in an email's facts.
fn secret_in(text: &str) -> String {
    let start = text.find("/checkin?t=").unwrap() + "/checkin?t=".len();
    text[start..]
        .split(['&', '"', ' '])
        .next()
        .unwrap()
        .to_owned()
}

async fn a_quiet_partnership_climbs_the_ladder_and_contact_stops_it(t: &TestApp) {
    let (round, _) = active_round(t).await;
    let published = t.app.now();
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    assert_eq!(partnerships.len(), 3);
    let (a, b, c) = (&partnerships[0], &partnerships[1], &partnerships[2]);
    // Publishing scheduled a check-in a week and two weeks on.
    let week = format!("checkin:{round}:7");
    assert_eq!(job(t, &week).await.run_at, published + days(7));
    assert_eq!(
        job(t, &format!("checkin:{round}:14")).await.run_at,
        published + days(14)
    );

    t.clock.set(published + days(7));
    assert_eq!(run(t, &week).await, 6, "every member is asked");
    // Running it again asks nobody twice.
    assert_eq!(run(t, &week).await, 0);
    let secret = |email: &str| {
        let email = email.to_owned();
        async move {
            let mail = mail_to(t, &email).await;
            let ask = mail
                .iter()
                .rev()
                .find(|m| m.text_body.contains("/checkin?t="))
                .unwrap();
            secret_in(&ask.text_body)
        }
    };

    // A: "yes, we are in touch" logs a contact; nothing else happens.
    let a_secret = secret(&a.members[0].profile.email).await;
    checkins::answer(&t.app, &a_secret, CheckInAnswer::InTouch)
        .await
        .unwrap();
    let contacts = t.store.contacts_of(a.id).await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].way, ContactWay::CheckIn);
    assert!(t.store.ladder(a.id).await.unwrap().is_none());
    // The link works once; a forged one changes nothing.
    let again = checkins::answer(&t.app, &a_secret, CheckInAnswer::NotYet).await;
    assert!(
        matches!(
            again,
            Err(AnswerError::AlreadyAnswered {
                answer: CheckInAnswer::InTouch,
                ..
            })
        ),
        "{again:?}"
    );
    let forged = checkins::answer(&t.app, "not-a-real-secret", CheckInAnswer::NotYet).await;
    assert!(matches!(forged, Err(AnswerError::Unknown)), "{forged:?}");
    assert!(t.store.ladder(a.id).await.unwrap().is_none());

    // B: "not yet" starts the ladder, which climbs a step at a time.
    let waiting = &b.members[0];
    let other = &b.members[1];
    let b_secret = secret(&waiting.profile.email).await;
    checkins::answer(&t.app, &b_secret, CheckInAnswer::NotYet)
        .await
        .unwrap();
    let ladder = t.store.ladder(b.id).await.unwrap().unwrap();
    assert_eq!(ladder.reason, LadderReason::NotYet);
    assert_eq!(ladder.waiting, Some(waiting.user));
    let step = |n: i64, p: PartnershipId| format!("ladder:{p}:{n}");
    assert_eq!(job(t, &step(1, b.id)).await.kind, LADDER_JOB);
    let before = mail_to(t, &other.profile.email).await.len();
    assert_eq!(run(t, &step(1, b.id)).await, 1);
    // Both reminded.
    assert_eq!(mail_to(t, &other.profile.email).await.len(), before + 1);
    assert!(
        mail_to(t, &waiting.profile.email)
            .await
            .iter()
            .any(|m| m.text_body.contains("Reminder"))
    );
    assert_eq!(
        t.store.ladder(b.id).await.unwrap().unwrap().step,
        LadderStep::Reminded
    );
    // Three days later: flagged on the desks.
    assert_eq!(job(t, &step(2, b.id)).await.run_at, t.app.now() + days(3));
    t.clock.advance(days(3));
    assert_eq!(run(t, &step(2, b.id)).await, 1);
    assert_eq!(
        t.store.ladder(b.id).await.unwrap().unwrap().step,
        LadderStep::Flagged
    );
    // After the round's wait (seven days): the waiting member is offered a new partner.
    assert_eq!(job(t, &step(3, b.id)).await.run_at, t.app.now() + days(7));
    t.clock.advance(days(7));
    let other_before = mail_to(t, &other.profile.email).await.len();
    assert_eq!(run(t, &step(3, b.id)).await, 1);
    assert_eq!(
        t.store.ladder(b.id).await.unwrap().unwrap().step,
        LadderStep::Offered
    );
    assert!(
        mail_to(t, &waiting.profile.email)
            .await
            .iter()
            .any(|m| m.text_body.contains("Offer"))
    );
    assert_eq!(
        mail_to(t, &other.profile.email).await.len(),
        other_before,
        "only the waiting member is offered"
    );

    // C: nobody answered; the follow-up starts the ladder, and a logged contact stops it
    // before its first step runs.
    let followup = format!("checkin-followup:{round}:7");
    assert_eq!(job(t, &followup).await.kind, FOLLOWUP_JOB);
    assert_eq!(
        run(t, &followup).await,
        1,
        "only C had no answer and no contact"
    );
    let ladder = t.store.ladder(c.id).await.unwrap().unwrap();
    assert_eq!(ladder.reason, LadderReason::NoAnswer);
    assert_eq!(ladder.waiting, None);
    let member = Actor::User {
        id: c.members[0].user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let zone = iln_domain::timezone::TimeZoneName::utc();
    contacts::log(
        &t.app,
        &member,
        c.id,
        &ContactInput {
            day: String::new(),
            way: "email".to_owned(),
            topic: None,
        },
        &zone,
    )
    .await
    .unwrap();
    assert!(
        t.store
            .ladder(c.id)
            .await
            .unwrap()
            .unwrap()
            .stopped_at
            .is_some()
    );
    let before = mail_to(t, &c.members[1].profile.email).await.len();
    assert_eq!(
        run(t, &step(1, c.id)).await,
        0,
        "a stopped ladder does nothing"
    );
    assert_eq!(mail_to(t, &c.members[1].profile.email).await.len(), before);

    // A link older than two weeks has expired and changes nothing.
    let late = secret(&c.members[1].profile.email).await;
    t.clock.set(published + days(7) + days(15));
    let expired = checkins::answer(&t.app, &late, CheckInAnswer::NotYet).await;
    assert!(matches!(expired, Err(AnswerError::Expired)), "{expired:?}");
    let c_checkins = t.store.round_checkins(round).await.unwrap();
    assert!(
        c_checkins
            .iter()
            .filter(|x| x.partnership == c.id)
            .all(|x| x.answer.is_none())
    );
    // The second check-in asks everyone still partnered again.
    assert_eq!(
        job(t, &format!("checkin:{round}:14")).await.kind,
        CHECKIN_JOB
    );
    assert_eq!(run(t, &format!("checkin:{round}:14")).await, 6);

    // B's waiting member takes the offer and ends the partnership; the re-match lists them
    // first, as waiting since the ladder started, and gives them the first place. Their
    // silent partner is alone too, but was not the one left waiting.
    let started = t.store.ladder(b.id).await.unwrap().unwrap().started_at;
    let taker = Actor::User {
        id: waiting.user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    matching::end_partnership(&t.app, &taker, b.id, "My partner never replied")
        .await
        .unwrap();
    let now = t.store.round_partnerships(round).await.unwrap();
    let mut alone = matching::left_alone(&now);
    let ladders = t
        .store
        .round_ladders(round)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.partnership, l))
        .collect();
    matching::mark_waiting(&mut alone, &now, &ladders);
    let order: Vec<_> = alone.iter().map(|a| (a.user, a.waiting_since)).collect();
    assert_eq!(
        order,
        vec![(waiting.user, Some(started)), (other.user, None)]
    );
    let run_id = matching::rematch(&t.app, &Actor::Cli, round).await.unwrap();
    let proposal = t.store.match_run(run_id).await.unwrap().unwrap().proposal;
    let placed = |user: iln_store::UserId| {
        let id = alone
            .iter()
            .find(|a| a.user == user)
            .and_then(|a| a.application)
            .unwrap()
            .to_string();
        proposal
            .partnerships
            .iter()
            .any(|p| p.members.iter().any(|m| m.id == id))
    };
    assert!(placed(waiting.user), "{proposal:?}");
}

/// Issue 8's walk, in one test on an injected clock: from publication through two topics and
/// both check-ins. Topics reach each reader at 09:00 in their zone (Kolkata's half hour, New
/// York's and London's change to summer time between the two); "not yet" climbs to the
/// re-pair offer step by step; "yes" stops nothing because nothing started; the flags are on
/// exactly the partnership that went quiet.
async fn a_round_runs_from_publication_through_two_topics_and_both_check_ins(t: &TestApp) {
    use iln_app::topics::{self, ReleaseJobs, email_key, release_job_key};
    use iln_domain::topic::TopicForm;
    use jiff::{Timestamp, Zoned};

    let (round, readers) = active_round(t).await;
    let published = t.app.now();
    let nine = |day: &str, zone: &str| -> Timestamp {
        format!("{day}T09:00[{zone}]")
            .parse::<Zoned>()
            .unwrap()
            .timestamp()
    };
    let topic = |title: &str, day: &str| TopicForm {
        title: title.to_owned(),
        body: "Talk it over.".to_owned(),
        release_on: day.to_owned(),
        release_time: "09:00".to_owned(),
        resources: String::new(),
    };
    let first = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &topic("Getting to know you", "2027-03-01"),
    )
    .await
    .unwrap();
    let second = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &topic("Technology & Libraries", "2027-04-05"),
    )
    .await
    .unwrap();
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let (healthy, quiet) = (&partnerships[0], &partnerships[1]);

    // Both check-ins, a week and two weeks after the introductions.
    t.clock.set(published + days(7));
    assert_eq!(run(t, &format!("checkin:{round}:7")).await, 6);
    let secret = |email: String| async move {
        let mail = mail_to(t, &email).await;
        secret_in(
            &mail
                .iter()
                .rev()
                .find(|m| m.text_body.contains("/checkin?t="))
                .unwrap()
                .text_body,
        )
    };
    checkins::answer(
        &t.app,
        &secret(healthy.members[0].profile.email.clone()).await,
        CheckInAnswer::InTouch,
    )
    .await
    .unwrap();
    checkins::answer(
        &t.app,
        &secret(quiet.members[0].profile.email.clone()).await,
        CheckInAnswer::NotYet,
    )
    .await
    .unwrap();
    let step = |n: i64, p: PartnershipId| format!("ladder:{p}:{n}");
    assert_eq!(run(t, &step(1, quiet.id)).await, 1);
    t.clock.advance(days(3));
    assert_eq!(run(t, &step(2, quiet.id)).await, 1);
    let ladders = t.store.round_ladders(round).await.unwrap();
    let flagged: Vec<PartnershipId> = ladders
        .iter()
        .filter(|l| l.stopped_at.is_none() && l.step >= LadderStep::Flagged)
        .map(|l| l.partnership)
        .collect();
    assert_eq!(
        flagged,
        vec![quiet.id],
        "only the quiet partnership is flagged"
    );
    t.clock.set(published + days(14));
    assert_eq!(run(t, &format!("checkin:{round}:14")).await, 6);
    t.clock.advance(days(3));
    assert_eq!(run(t, &step(3, quiet.id)).await, 1);
    assert_eq!(
        t.store.ladder(quiet.id).await.unwrap().unwrap().step,
        LadderStep::Offered
    );
    assert!(t.store.ladder(healthy.id).await.unwrap().is_none());

    // The two topics, each at 09:00 in every reader's zone.
    let releases = ReleaseJobs::new(t.app.clone());
    for (id, day) in [(first, "2027-03-01"), (second, "2027-04-05")] {
        let at = job(t, &release_job_key(id)).await.run_at;
        t.clock.set(at);
        assert_eq!(releases.run_for(id).await.unwrap(), Some(readers.len()));
        for (reader, zone) in &readers {
            assert_eq!(
                job(t, &email_key(id, *reader)).await.run_at,
                nine(day, zone),
                "{zone}"
            );
        }
    }
    let kolkata = job(t, &email_key(first, readers[0].0)).await.run_at;
    assert_eq!(
        kolkata,
        "2027-03-01T03:30:00Z".parse::<Timestamp>().unwrap()
    );
    let new_york = (
        job(t, &email_key(first, readers[1].0)).await.run_at,
        job(t, &email_key(second, readers[1].0)).await.run_at,
    );
    assert_eq!(
        new_york,
        (
            "2027-03-01T14:00:00Z".parse().unwrap(),
            "2027-04-05T13:00:00Z".parse().unwrap()
        ),
        "09:00 before and after New York's clocks change"
    );
}

async fn a_coordinator_asks_a_partnership_now_once_a_day_within_their_countries(t: &TestApp) {
    use iln_app::checkins::ask_now;
    use iln_domain::country::CountryCode;

    let (round, _) = active_round(t).await;
    let published = t.app.now();
    let partnership = t.store.round_partnerships(round).await.unwrap()[0].clone();
    let theirs = partnership.members[0].country;
    let coordinator = |countries: Vec<CountryCode>| Actor::User {
        id: partnership.members[0].user,
        role: Role::CountryCoordinator,
        countries,
    };
    // Introduced just now: nothing to ask yet.
    let early = ask_now(&t.app, &Actor::Cli, partnership.id).await;
    assert!(
        matches!(early, Err(checkins::AskError::TooSoon)),
        "{early:?}"
    );

    t.clock.set(published + days(3));
    // Someone of neither member's country, and a participant, get not found.
    let elsewhere = CountryCode::parse("JP").unwrap();
    for outsider in [
        coordinator(vec![elsewhere]),
        Actor::User {
            id: partnership.members[0].user,
            role: Role::Participant,
            countries: Vec::new(),
        },
    ] {
        let refused = ask_now(&t.app, &outsider, partnership.id).await;
        assert!(
            matches!(
                refused,
                Err(checkins::AskError::App(iln_app::AppError::NotFound))
            ),
            "{refused:?}"
        );
    }
    // The coordinator of one member's country asks; the job runs at once, asks both.
    let day = ask_now(&t.app, &coordinator(vec![theirs]), partnership.id)
        .await
        .unwrap();
    assert_eq!(day, 3);
    let key = format!("checkin:{round}:3:p{}", partnership.id);
    assert_eq!(job(t, &key).await.run_at, t.app.now());
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "checkin.ask");
    assert_eq!(run(t, &key).await, 2, "both members are asked");
    for member in &partnership.members {
        let mail = mail_to(t, &member.profile.email).await;
        let asks = mail
            .iter()
            .filter(|m| m.text_body.contains("/checkin?t="))
            .count();
        assert_eq!(asks, 1, "{mail:?}");
    }
    // Asked today already: refused, and nothing more is queued or sent.
    let again = ask_now(&t.app, &Actor::Cli, partnership.id).await;
    assert!(
        matches!(again, Err(checkins::AskError::AskedToday)),
        "{again:?}"
    );
    assert_eq!(run(t, &key).await, 0);
    // An ended partnership is not asked.
    iln_app::matching::end_partnership(&t.app, &Actor::Cli, partnership.id, "Moved")
        .await
        .unwrap();
    t.clock.set(published + days(4));
    let ended = ask_now(&t.app, &Actor::Cli, partnership.id).await;
    assert!(
        matches!(ended, Err(checkins::AskError::NotRunning)),
        "{ended:?}"
    );
}
