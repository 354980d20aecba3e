//! The configuration: one typed struct built from defaults, then `iln.toml` (or `--config`),
//! then `ILN_*` environment variables, then command-line flags, and passed explicitly.

use std::path::{Path, PathBuf};

use anyhow::bail;
use serde::Deserialize;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "iln.toml";
pub const DEFAULT_DATABASE_URL: &str = "sqlite:iln.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_MAIL_FROM: &str = "ILN Mentoring <no-reply@iln.localhost>";
pub const DEFAULT_MAIL_DIR: &str = "mail";

/// Environment variables and the configuration keys they set. Only these are read, so other
/// `ILN_*` variables (`ILN_PASSWORD`, test settings) never reach the configuration.
const ENV_KEYS: [(&str, &str); 11] = [
    ("ILN_DATABASE_URL", "database_url"),
    ("ILN_BIND", "bind"),
    ("ILN_BASE_URL", "base_url"),
    ("ILN_SECURE_COOKIES", "secure_cookies"),
    ("ILN_TRUST_PROXY_HEADERS", "trust_proxy_headers"),
    ("ILN_MAIL_FROM", "mail.from"),
    ("ILN_MAIL_REPLY_TO", "mail.reply_to"),
    ("ILN_MAIL_PER_SECOND", "mail.per_second"),
    ("ILN_MAIL_SMTP_URL", "mail.smtp_url"),
    ("ILN_MAIL_DIR", "mail.dir"),
    ("ILN_CONTACT_EMAIL", "contact_email"),
];

/// Everything the binary can be configured with. Field docs are in `iln.example.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite:PATH` or `postgres://…`; the scheme picks the backend at run time.
    pub database_url: String,
    /// The address `serve` listens on.
    pub bind: String,
    /// The address people use to reach the site; None means `http://` plus the address
    /// `serve` actually listens on.
    #[serde(default)]
    pub base_url: Option<String>,
    /// None means: secure cookies exactly when `base_url` is https.
    #[serde(default)]
    pub secure_cookies: Option<bool>,
    /// Believe `X-Forwarded-For`; only behind a reverse proxy that sets it.
    pub trust_proxy_headers: bool,
    /// Where people write to the program coordinators (named on the code of conduct and the
    /// privacy notice); None means the address emails are sent from.
    #[serde(default)]
    pub contact_email: Option<String>,
    pub mail: MailConfig,
}

/// Where email goes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The sender of every email.
    pub from: String,
    /// An SMTP server URL; when absent, emails are written as `.eml` files into `dir`.
    #[serde(default)]
    pub smtp_url: Option<String>,
    pub dir: PathBuf,
    /// Where replies go (a Reply-To header); absent: to the sender.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// The most emails handed to the mail server per second, for servers that limit senders;
    /// 0 (the default) is no limit.
    #[serde(default)]
    pub per_second: u32,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<String>,
}

impl Config {
    /// Builds the configuration. `file` is `--config`: it must exist when given; without it
    /// `iln.toml` in the working directory is read if present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, overrides, &vars)
    }

    /// [`Config::load`] with the environment passed in, so tests need not change the process
    /// environment.
    pub fn load_from(
        file: Option<&Path>,
        overrides: &Overrides,
        env: &[(String, String)],
    ) -> anyhow::Result<Config> {
        let mut builder = config::Config::builder()
            .set_default("database_url", DEFAULT_DATABASE_URL)?
            .set_default("bind", DEFAULT_BIND)?
            .set_default("trust_proxy_headers", false)?
            .set_default("mail.from", DEFAULT_MAIL_FROM)?
            .set_default("mail.dir", DEFAULT_MAIL_DIR)?;

        match file {
            Some(path) => {
                if !path.is_file() {
                    bail!("the configuration file {} does not exist", path.display());
                }
                builder = builder.add_source(config_file(path));
            }
            None => {
                let path = Path::new(DEFAULT_CONFIG_FILE);
                if path.is_file() {
                    builder = builder.add_source(config_file(path));
                }
            }
        }

        for (var, key) in ENV_KEYS {
            let value = env
                .iter()
                .find(|(name, _)| name == var)
                .map(|(_, value)| value.trim())
                // An empty variable is treated as unset, as shells make that easy to do.
                .filter(|value| !value.is_empty());
            if let Some(value) = value {
                builder = builder.set_override(key, value)?;
            }
        }
        builder = builder
            .set_override_option("database_url", overrides.database_url.clone())?
            .set_override_option("bind", overrides.bind.clone())?;

        let config: Config = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.database_url.trim().is_empty() {
            bail!("invalid configuration: database_url is empty");
        }
        if let Some(base_url) = &self.base_url
            && !(base_url.starts_with("http://") || base_url.starts_with("https://"))
        {
            bail!(
                "invalid configuration: base_url must start with http:// or https://, not {base_url:?}"
            );
        }
        if let Some(contact) = &self.contact_email
            && let Err(error) = iln_domain::account::Email::parse(contact)
        {
            bail!("invalid configuration: contact_email {contact:?}: {error}");
        }
        if let Some(reply_to) = &self.mail.reply_to
            && !iln_web::mail::is_mailbox(reply_to)
        {
            bail!(
                "invalid configuration: mail.reply_to {reply_to:?} is not an address, such as \"ILN coordinators <team@example.org>\""
            );
        }
        if self.mail.smtp_url.as_deref().is_some_and(str::is_empty) {
            bail!(
                "invalid configuration: mail.smtp_url is empty; remove it to write emails to files"
            );
        }
        Ok(())
    }

    /// The public address of the site: `base_url` when set, otherwise derived from the
    /// address the server actually listens on (which matters with port 0).
    pub fn base_url_for(&self, listening: std::net::SocketAddr) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = if listening.ip().is_unspecified() {
                    // Listening on every interface: the loopback address works from this machine.
                    "127.0.0.1".to_owned()
                } else if listening.is_ipv6() {
                    format!("[{}]", listening.ip())
                } else {
                    listening.ip().to_string()
                };
                format!("http://{host}:{}", listening.port())
            }
        }
    }

    /// Whether cookies get the `Secure` flag for this public address.
    pub fn secure_cookies_for(&self, base_url: &str) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| base_url.starts_with("https://"))
    }

    /// The web layer's configuration once the listening address is known.
    pub fn web(&self, listening: std::net::SocketAddr) -> iln_web::WebConfig {
        let base_url = self.base_url_for(listening);
        iln_web::WebConfig {
            secure_cookies: self.secure_cookies_for(&base_url),
            base_url,
            mail_from: self.mail.from.clone(),
            mail_transport: match &self.mail.smtp_url {
                Some(url) => iln_web::MailTransportConfig::Smtp { url: url.clone() },
                None => iln_web::MailTransportConfig::Files {
                    dir: self.mail.dir.clone(),
                },
            },
            trust_proxy_headers: self.trust_proxy_headers,
            contact_email: self.contact_email.clone(),
            mail_reply_to: self.mail.reply_to.clone(),
            mail_per_second: self.mail.per_second,
        }
    }
}

fn config_file(path: &Path) -> config::File<config::FileSourceFile, config::FileFormat> {
    config::File::from(path)
        .format(config::FileFormat::Toml)
        .required(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("iln.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn defaults_apply_without_file_or_environment() {
        let dir = tempfile::tempdir().unwrap();
        let empty = write(dir.path(), "");
        let config = Config::load_from(Some(&empty), &Overrides::default(), &[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.bind, DEFAULT_BIND);
        assert_eq!(config.base_url, None);
        assert!(!config.trust_proxy_headers);
        assert_eq!(config.mail.from, DEFAULT_MAIL_FROM);
        assert_eq!(config.mail.dir, PathBuf::from("mail"));
        let web = config.web("0.0.0.0:8080".parse().unwrap());
        assert_eq!(web.base_url, "http://127.0.0.1:8080");
        assert!(!web.secure_cookies);
        assert_eq!(
            web.mail_transport,
            iln_web::MailTransportConfig::Files {
                dir: PathBuf::from("mail")
            }
        );
    }

    #[test]
    fn file_then_environment_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "database_url = \"sqlite:from-file.db\"\nbind = \"127.0.0.1:9000\"\n\
             base_url = \"https://mentoring.example.org/\"\n\
             [mail]\nfrom = \"ILN <iln@example.org>\"\nsmtp_url = \"smtp://localhost:25\"\n",
        );
        let config = Config::load_from(Some(&file), &Overrides::default(), &[]).unwrap();
        assert_eq!(config.database_url, "sqlite:from-file.db");
        let web = config.web("127.0.0.1:9000".parse().unwrap());
        assert_eq!(web.base_url, "https://mentoring.example.org");
        // https turns secure cookies on unless said otherwise.
        assert!(web.secure_cookies);
        assert_eq!(
            web.mail_transport,
            iln_web::MailTransportConfig::Smtp {
                url: "smtp://localhost:25".to_owned()
            }
        );

        let vars = env(&[
            ("ILN_DATABASE_URL", "postgres://iln@db/iln"),
            ("ILN_SECURE_COOKIES", "false"),
            ("ILN_MAIL_FROM", "Other <other@example.org>"),
            ("ILN_BIND", ""),
            ("ILN_PASSWORD", "not configuration"),
        ]);
        let config = Config::load_from(Some(&file), &Overrides::default(), &vars).unwrap();
        assert_eq!(config.database_url, "postgres://iln@db/iln");
        assert_eq!(config.bind, "127.0.0.1:9000");
        assert_eq!(config.secure_cookies, Some(false));
        assert_eq!(config.mail.from, "Other <other@example.org>");

        let flags = Overrides {
            database_url: Some("sqlite:flag.db".to_owned()),
            bind: Some("127.0.0.1:0".to_owned()),
        };
        let config = Config::load_from(Some(&file), &flags, &vars).unwrap();
        assert_eq!(config.database_url, "sqlite:flag.db");
        assert_eq!(config.bind, "127.0.0.1:0");
    }

    #[test]
    fn mistakes_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let error = Config::load_from(Some(&missing), &Overrides::default(), &[]).unwrap_err();
        assert!(error.to_string().contains("does not exist"), "{error}");

        let typo = write(dir.path(), "databse_url = \"sqlite:x.db\"\n");
        let error = Config::load_from(Some(&typo), &Overrides::default(), &[]).unwrap_err();
        assert!(error.to_string().contains("databse_url"), "{error}");

        let broken = write(dir.path(), "bind = [\n");
        let error = Config::load_from(Some(&broken), &Overrides::default(), &[]).unwrap_err();
        assert!(
            error.to_string().starts_with("invalid configuration"),
            "{error}"
        );

        let base = write(dir.path(), "base_url = \"mentoring.example.org\"\n");
        let error = Config::load_from(Some(&base), &Overrides::default(), &[]).unwrap_err();
        assert!(error.to_string().contains("base_url"), "{error}");

        let vars = env(&[("ILN_TRUST_PROXY_HEADERS", "maybe")]);
        let empty = write(dir.path(), "");
        let error = Config::load_from(Some(&empty), &Overrides::default(), &vars).unwrap_err();
        assert!(error.to_string().contains("trust_proxy_headers"), "{error}");

        let vars = env(&[("ILN_CONTACT_EMAIL", "the coordinators")]);
        let error = Config::load_from(Some(&empty), &Overrides::default(), &vars).unwrap_err();
        assert!(error.to_string().contains("contact_email"), "{error}");
        let vars = env(&[("ILN_CONTACT_EMAIL", "team@example.org")]);
        let config = Config::load_from(Some(&empty), &Overrides::default(), &vars).unwrap();
        assert_eq!(config.contact_email.as_deref(), Some("team@example.org"));
    }

    #[test]
    fn the_example_file_sets_exactly_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../iln.example.toml");
        let config = Config::load_from(Some(&example), &Overrides::default(), &[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.bind, DEFAULT_BIND);
        assert_eq!(config.mail.from, DEFAULT_MAIL_FROM);
        assert_eq!(config.mail.dir, PathBuf::from(DEFAULT_MAIL_DIR));
        assert_eq!(config.mail.smtp_url, None);
        assert_eq!(config.base_url, None);
        assert_eq!(config.secure_cookies, None);
    }
}
