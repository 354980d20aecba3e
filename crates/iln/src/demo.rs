//! Loading the demo network (`iln_domain::demo`) into a store, for `iln demo` and `serve --demo`.
//!
//! The demo only loads into a database without accounts: loading it again is refused rather
//! than made idempotent, because "idempotent" would have to decide what to do with accounts and
//! people someone created or changed since, and the only safe answer is to leave them alone.

use std::fmt;

use anyhow::{Context, bail};
use iln_domain::account::{DisplayName, Email, NewPassword, hash_password};
use iln_domain::clock::Clock;
use iln_domain::demo::{self, DemoNetwork};
use iln_store::{NewAuditEntry, NewPerson, NewUser, Store, UserId};

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

    store
        .append_audit(
            &NewAuditEntry {
                actor: None,
                action: "demo.load",
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
