//! `iln admin`: creating accounts and setting passwords from the command line, for the first
//! admin of a new installation and for recovering access.

use iln_domain::audit::AuditAction;
use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use iln_domain::account::{DisplayName, Email, NewPassword, Role, hash_password};
use iln_domain::clock::Clock;
use iln_domain::country::CountryCode;
use iln_store::{NewAuditEntry, NewUser, Store, StoreError, TokenPurpose};

/// The environment variable a script can put the password in, instead of typing it.
const PASSWORD_VAR: &str = "ILN_PASSWORD";

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Create an account with a password, its email already verified. The password is read
    /// from ILN_PASSWORD, or asked for on the terminal (or read as one line from stdin)
    CreateUser {
        /// The account's email address
        #[arg(long)]
        email: String,
        /// admin (program coordinator), country_coordinator or participant
        #[arg(long)]
        role: String,
        /// A country a coordinator manages (code such as GH or English name); repeat for more
        #[arg(long = "country", value_name = "COUNTRY")]
        countries: Vec<String>,
        /// The name shown in the interface [default: the part of the email before the @]
        #[arg(long)]
        name: Option<String>,
    },
    /// Set the password of an account and sign it out everywhere. The password is read as for
    /// create-user
    SetPassword {
        /// The account's email address
        #[arg(long)]
        email: String,
    },
    /// List every account: id, email, role, countries and whether the email is verified
    ListUsers,
}

pub async fn run(store: &Store, command: AdminCommand, clock: &dyn Clock) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            email,
            role,
            countries,
            name,
        } => create_user(store, clock, &email, &role, &countries, name.as_deref()).await,
        AdminCommand::SetPassword { email } => set_password(store, clock, &email).await,
        AdminCommand::ListUsers => list_users(store).await,
    }
}

async fn create_user(
    store: &Store,
    clock: &dyn Clock,
    email: &str,
    role: &str,
    countries: &[String],
    name: Option<&str>,
) -> anyhow::Result<()> {
    let email = Email::parse(email).with_context(|| format!("--email {email:?}"))?;
    let role = Role::parse(role).context("--role")?;
    let countries = countries
        .iter()
        .map(|c| CountryCode::parse(c).with_context(|| format!("--country {c:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    match role {
        Role::CountryCoordinator if countries.is_empty() => {
            bail!("a country coordinator needs at least one --country")
        }
        Role::Admin | Role::Participant if !countries.is_empty() => {
            bail!("only a country coordinator has countries; leave out --country")
        }
        _ => {}
    }
    let display_name =
        DisplayName::parse(name.unwrap_or_else(|| email.local_part())).context("--name")?;
    // Refuse a taken email before asking for a password nobody will use.
    if store.user_by_email(&email).await?.is_some() {
        bail!("an account with the email {email} already exists");
    }
    let password = read_new_password(&email)?;

    let now = clock.now();
    let id = store
        .create_user(
            &NewUser {
                email: email.clone(),
                display_name,
                password_hash: Some(hash_password(&password)),
                role,
                countries: countries.clone(),
                email_verified: true,
                time_zone: None,
            },
            now,
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict(_) => {
                anyhow::anyhow!("an account with the email {email} already exists")
            }
            other => other.into(),
        })?;
    let scope = countries
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    store
        .append_audit(
            &NewAuditEntry {
                actor: None,
                action: AuditAction::CliCreateUser,
                target: Some(format!("user:{id}")),
                detail: Some(if scope.is_empty() {
                    format!("{email} as {}", role.as_str())
                } else {
                    format!("{email} as {} for {scope}", role.as_str())
                }),
            },
            now,
        )
        .await?;
    if scope.is_empty() {
        say!("Created {} account {email} (id {id}).", role.label())?;
    } else {
        say!(
            "Created {} account {email} (id {id}) for {scope}.",
            role.label()
        )?;
    }
    Ok(())
}

async fn set_password(store: &Store, clock: &dyn Clock, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).with_context(|| format!("--email {email:?}"))?;
    let Some(user) = store.user_by_email(&email).await? else {
        bail!("there is no account with the email {email}");
    };
    let password = read_new_password(&email)?;
    store
        .set_password_hash(user.id, &hash_password(&password))
        .await?;
    // A new password ends every session and any reset link still in someone's mailbox.
    store.delete_sessions_of(user.id).await?;
    store
        .revoke_tokens(user.id, TokenPurpose::ResetPassword)
        .await?;
    store
        .append_audit(
            &NewAuditEntry {
                actor: None,
                action: AuditAction::CliSetPassword,
                target: Some(format!("user:{}", user.id)),
                detail: Some(email.to_string()),
            },
            clock.now(),
        )
        .await?;
    say!("Set a new password for {email} and signed it out everywhere.")?;
    Ok(())
}

async fn list_users(store: &Store) -> anyhow::Result<()> {
    let users = store.list_users().await?;
    if users.is_empty() {
        say!("There are no accounts yet.")?;
        return Ok(());
    }
    let email_width = users
        .iter()
        .map(|user| user.email.as_str().chars().count())
        .max()
        .unwrap_or(0);
    for user in &users {
        let countries = user
            .countries
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let line = format!(
            "{:>6}  {:email_width$}  {:19}  {:10}  {countries}",
            user.id,
            user.email.as_str(),
            user.role.as_str(),
            if user.email_verified {
                "verified"
            } else {
                "unverified"
            },
        );
        say!("{}", line.trim_end())?;
    }
    Ok(())
}

/// The new password: from `ILN_PASSWORD`, else typed twice on a terminal without echo, else
/// one line of standard input (for scripts that pipe it in).
fn read_new_password(email: &Email) -> anyhow::Result<NewPassword> {
    let text = if let Ok(from_env) = std::env::var(PASSWORD_VAR) {
        from_env
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("New password for {email}: "))
            .context("could not read the password from the terminal")?;
        // Check before asking for the repetition, so a refused password is said at once.
        NewPassword::parse(&first, email).context("password")?;
        let second = rpassword::prompt_password("Repeat it: ")
            .context("could not read the password from the terminal")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("could not read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if text.is_empty() {
        bail!("no password given: set {PASSWORD_VAR} or type it when asked");
    }
    NewPassword::parse(&text, email).context("password")
}
