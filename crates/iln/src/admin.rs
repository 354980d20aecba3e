//! `iln admin`: creating accounts and setting passwords from the command line, for the first
//! admin of a new installation and for recovering access. The changes are the accounts
//! use-cases of `iln_app`, run as [`Actor::Cli`]; this module reads the arguments and the
//! password and says what happened.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use anyhow::{Context, bail};
use iln_app::accounts::{self, AccountsError, NewAccount};
use iln_app::{Actor, App, AppError, Links};
use iln_domain::account::{DisplayName, Email, NewPassword, Role};
use iln_domain::clock::SystemClock;
use iln_domain::country::CountryCode;
use iln_web::words::Label;

use crate::config::Config;

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

/// The application the commands act through: the real clock, and the site's words and
/// address should a use-case send an email.
pub fn app(config: &Config, store: iln_store::Store) -> App {
    let base_url = match config.bind.parse() {
        Ok(listening) => config.base_url_for(listening),
        Err(_) => config.base_url.clone().unwrap_or_default(),
    };
    App::new(
        store,
        Arc::new(SystemClock),
        Arc::new(iln_web::WebComposer),
        Links::new(base_url),
    )
}

pub async fn run(app: &App, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            email,
            role,
            countries,
            name,
        } => create_user(app, &email, &role, &countries, name.as_deref()).await,
        AdminCommand::SetPassword { email } => set_password(app, &email).await,
        AdminCommand::ListUsers => list_users(app.store()).await,
    }
}

/// The operator's words for a refusal of the accounts use-cases.
fn refused(error: AccountsError) -> anyhow::Error {
    match error {
        AccountsError::NoCountries => {
            anyhow::anyhow!("a country coordinator needs at least one --country")
        }
        AccountsError::CountriesNotAllowed => {
            anyhow::anyhow!("only a country coordinator has countries; leave out --country")
        }
        other => other.into(),
    }
}

async fn create_user(
    app: &App,
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
    // Checked again by the use-case; here so that nobody types a password for nothing.
    accounts::check_scope(role, &countries).map_err(refused)?;
    let display_name =
        DisplayName::parse(name.unwrap_or_else(|| email.local_part())).context("--name")?;
    // Refuse a taken email before asking for a password nobody will use.
    if app.store().user_by_email(&email).await?.is_some() {
        bail!("an account with the email {email} already exists");
    }
    let password = read_new_password(&email)?;
    let id = accounts::create_account(
        app,
        &Actor::Cli,
        NewAccount {
            email: email.clone(),
            name: display_name,
            password,
            role,
            countries: countries.clone(),
        },
    )
    .await
    .map_err(refused)?;
    let mut scope = countries.iter().map(|c| c.as_str()).collect::<Vec<_>>();
    scope.sort_unstable();
    scope.dedup();
    let scope = scope.join(", ");
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

async fn set_password(app: &App, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).with_context(|| format!("--email {email:?}"))?;
    if app.store().user_by_email(&email).await?.is_none() {
        bail!("there is no account with the email {email}");
    }
    let password = read_new_password(&email)?;
    match accounts::set_password(app, &Actor::Cli, &email, password).await {
        Ok(_) => {}
        // Deleted while the password was being typed.
        Err(AccountsError::App(AppError::NotFound)) => {
            bail!("there is no account with the email {email}")
        }
        Err(error) => return Err(refused(error)),
    }
    say!("Set a new password for {email} and signed it out everywhere.")?;
    Ok(())
}

async fn list_users(store: &iln_store::Store) -> anyhow::Result<()> {
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
