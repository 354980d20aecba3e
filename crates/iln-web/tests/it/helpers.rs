//! A test app on a fresh SQLite database in a temp dir, with a manual clock and a recording
//! mailer, and a small cookie-keeping browser to drive it in-process.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic here is a failed test"
)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use iln_domain::account::{DisplayName, Email, NewPassword, Role, hash_password};
use iln_domain::clock::ManualClock;
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::timezone::TimeZoneName;
use iln_store::{NewPerson, NewUser, PersonId, Store, StoreOptions, UserId};
use iln_web::mail::MemoryMailer;
use iln_web::{AppState, MailTransportConfig, WebConfig, router};
use jiff::Timestamp;
use tower::ServiceExt as _;

pub const BASE: &str = "http://iln.test";
pub const PASSWORD: &str = "tidal-lantern-orchard-42";

pub struct TestApp {
    pub state: AppState,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub mailer: Arc<MemoryMailer>,
    /// The SQLite URL, for tests that open a second connection (another process's lock).
    pub database_url: String,
    router: Router,
    _dir: tempfile::TempDir,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent, for downloads that are not text.
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        between(&self.body, "name=\"csrf\" value=\"", "\"").expect("a form with a CSRF token")
    }
}

/// The text between `start` and the next `end`.
pub fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_owned())
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_proxy_headers(false).await
    }

    /// An app that takes the client address from `X-Forwarded-For`, as behind a proxy.
    pub async fn with_proxy_headers(trust_proxy_headers: bool) -> Self {
        Self::build(trust_proxy_headers, StoreOptions::default()).await
    }

    /// An app whose store connects with these options (a short busy timeout, say).
    pub async fn with_store_options(options: StoreOptions) -> Self {
        Self::build(false, options).await
    }

    async fn build(trust_proxy_headers: bool, options: StoreOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("iln.db").display());
        let store = Store::connect_with(&url, options).await.unwrap();
        store.migrate().await.unwrap();
        let clock = Arc::new(ManualClock::new(
            Timestamp::from_second(1_800_000_000).unwrap(),
        ));
        let mailer = Arc::new(MemoryMailer::new());
        let config = WebConfig {
            base_url: BASE.to_owned(),
            secure_cookies: false,
            mail_from: "ILN <noreply@iln.test>".to_owned(),
            mail_transport: MailTransportConfig::Files {
                dir: dir.path().join("mail"),
            },
            trust_proxy_headers,
            contact_email: None,
            mail_reply_to: None,
            mail_per_second: 0,
        };
        let state = AppState::new(config, store.clone(), clock.clone(), mailer.clone());
        Self {
            router: router(state.clone()),
            state,
            store,
            clock,
            mailer,
            database_url: url,
            _dir: dir,
        }
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Page {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn user(&self, email: &str, role: Role, countries: &[&str]) -> UserId {
        let email = Email::parse(email).unwrap();
        let password = NewPassword::parse(PASSWORD, &email).unwrap();
        self.store
            .create_user(
                &NewUser {
                    display_name: DisplayName::parse(email.local_part()).unwrap(),
                    email,
                    password_hash: Some(hash_password(&password)),
                    role,
                    countries: countries
                        .iter()
                        .map(|c| CountryCode::parse(c).unwrap())
                        .collect(),
                    email_verified: true,
                    time_zone: None,
                },
                self.clock_now(),
            )
            .await
            .unwrap()
    }

    pub async fn person(&self, name: &str, country: &str, user: Option<UserId>) -> PersonId {
        let country = CountryCode::parse(country).unwrap();
        self.store
            .create_person(
                &NewPerson {
                    user,
                    full_name: name.to_owned(),
                    email: Email::parse(&format!(
                        "{}@people.test",
                        name.to_lowercase().replace(' ', ".")
                    ))
                    .unwrap(),
                    country,
                    city: "Capital".to_owned(),
                    institution: "National Library".to_owned(),
                    sector: Sector::National,
                    career_stage: CareerStage::Mid,
                    time_zone: TimeZoneName::parse(country.default_time_zone()).unwrap(),
                    languages: vec!["en".to_owned()],
                    interests: vec!["Cataloguing".to_owned()],
                },
                self.clock_now(),
            )
            .await
            .unwrap()
    }

    pub fn clock_now(&self) -> Timestamp {
        use iln_domain::clock::Clock as _;
        self.clock.now()
    }

    /// Runs every due job, returning how many finished (emails: how many were sent).
    pub async fn deliver(&self) -> usize {
        self.state.job_worker().drain().await.unwrap()
    }

    /// The first link in the newest delivered email to `to` that contains `path`.
    pub fn link_in_mail(&self, to: &str, path: &str) -> String {
        let mail = self
            .mailer
            .sent()
            .into_iter()
            .rev()
            .find(|m| m.to == to && m.text_body.contains(path))
            .unwrap_or_else(|| panic!("no mail to {to} with {path}"));
        let start = mail.text_body.find(&format!("{BASE}{path}")).unwrap();
        let link = mail.text_body[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        link.trim_start_matches(BASE).to_owned()
    }
}

/// Keeps cookies between requests like a browser, and sends same-origin headers with forms.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, page: &Page) {
        for value in page.headers.get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap();
            let (name, cookie) = pair.split_once('=').unwrap();
            if value.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), cookie.to_owned());
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let page = self.app.send(request).await;
        self.remember(&page);
        page
    }

    /// The CSRF token this browser's forms carry now.
    pub async fn csrf(&mut self) -> String {
        self.get("/signin").await.csrf()
    }

    /// Posts a form with the right CSRF token and same-origin headers.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf().await;
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(
            path,
            &all,
            &[("origin", BASE), ("sec-fetch-site", "same-origin")],
        )
        .await
    }

    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let page = self.app.send(request.body(Body::from(body)).unwrap()).await;
        self.remember(&page);
        page
    }

    /// Posts a form with a file (`multipart/form-data`), the CSRF token first as our upload
    /// form sends it; `csrf: false` leaves the token out.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
        csrf: bool,
    ) -> Page {
        let token = self.csrf().await;
        let boundary = "----iln-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let text = |name: &str, value: &str, body: &mut Vec<u8>| {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        };
        if csrf {
            text("csrf", &token, &mut body);
        }
        for (name, value) in fields {
            text(name, value, &mut body);
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("origin", BASE)
            .header("sec-fetch-site", "same-origin");
        let page = self.app.send(request.body(Body::from(body)).unwrap()).await;
        self.remember(&page);
        page
    }

    pub async fn sign_in(&mut self, email: &str) -> Page {
        let page = self
            .post("/signin", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page
    }
}
