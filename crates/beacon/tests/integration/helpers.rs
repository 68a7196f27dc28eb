//! The harness: start the app as the binary does, with a fresh database, and
//! a small browser that keeps cookies the way a real one would.
use beacon_db::{Backend, Db};
use beacon_web::{AppState, Clock, Config};
use reqwest::header::{COOKIE, HeaderMap, HeaderValue, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

pub use beacon::demo::DEMO_PASSWORD;

/// Run a scenario on SQLite and on PostgreSQL.
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    crate::helpers::run(beacon_db::Backend::Sqlite, super::$name).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    crate::helpers::run(beacon_db::Backend::Postgres, super::$name).await;
                }
            }
        )*
    };
}
pub(crate) use both_databases;

/// Run a scenario on SQLite and on PostgreSQL, on a server whose
/// configuration `$configure` (a `fn(&mut Config)` beside the scenarios)
/// changes first.
macro_rules! both_databases_with {
    ($configure:ident; $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    crate::helpers::run_with(beacon_db::Backend::Sqlite, super::$configure, super::$name).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    crate::helpers::run_with(beacon_db::Backend::Postgres, super::$configure, super::$name).await;
                }
            }
        )*
    };
}
pub(crate) use both_databases_with;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    cleanup: Option<(String, String)>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile_dir::TempDir,
}

mod tempfile_dir {
    /// A directory removed when dropped.
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!("beacon-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn postgres_server() -> String {
    std::env::var("BEACON_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh, empty database of the backend; the second value is what to drop afterwards.
async fn fresh_database(
    backend: Backend,
    dir: &std::path::Path,
) -> (String, Option<(String, String)>) {
    match backend {
        Backend::Sqlite => (
            format!("sqlite://{}?mode=rwc", dir.join("beacon.db").display()),
            None,
        ),
        Backend::Postgres => {
            let server = postgres_server();
            let name = format!("beacon_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect_without_migrating(&format!("{server}/postgres"))
                .await
                .expect("PostgreSQL must be running for the integration suite");
            use beacon_db::ConnectionTrait;
            admin
                .conn()
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.unwrap();
            (format!("{server}/{name}"), Some((server, name)))
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile_dir::TempDir::new();
        let (url, cleanup) = fresh_database(backend, &dir.0).await;
        let db = Db::connect(&url).await.unwrap();
        beacon::demo::seed_with(
            &db,
            time::OffsetDateTime::now_utc(),
            beacon::demo::Scale::Small,
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config::new(format!("http://{addr}"));
        configure(&mut config);
        let state = AppState::new(db, config, Clock::system());
        let (tx, rx) = oneshot::channel::<()>();
        let served = state.clone();
        let server = tokio::spawn(async move {
            beacon_web::serve(served, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            state,
            cleanup,
            shutdown: Some(tx),
            server: Some(server),
            _dir: dir,
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A browser signed in with a demo account.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let b = self.browser();
        let r = b.sign_in(email, DEMO_PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in as {email} failed: {}",
            r.body
        );
        b
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.state.db.clone().close().await.ok();
        if let Some((server, name)) = self.cleanup.take() {
            use beacon_db::ConnectionTrait;
            if let Ok(admin) = Db::connect_without_migrating(&format!("{server}/postgres")).await {
                let _ = admin
                    .conn()
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                let _ = admin.close().await;
            }
        }
    }
}

pub async fn run<F, Fut>(backend: Backend, scenario: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    let app = TestApp::spawn(backend).await;
    let app = scenario(app).await;
    app.finish().await;
}

pub async fn run_with<F, Fut>(backend: Backend, configure: impl FnOnce(&mut Config), scenario: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    let app = TestApp::spawn_with(backend, configure).await;
    let app = scenario(app).await;
    app.finish().await;
}

/// What a request got back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// Texts of the elements matching a CSS selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn has_error_summary(&self) -> bool {
        !self.texts(".govuk-error-summary").is_empty()
    }
}

/// Cookies kept as a browser keeps them, including `Secure` ones on
/// loopback, as browsers do.
#[derive(Clone)]
pub struct Browser {
    base: String,
    client: reqwest::Client,
    pub cookies: Arc<Mutex<BTreeMap<String, String>>>,
    pub extra_headers: Arc<Mutex<Vec<(String, String)>>>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Browser {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            cookies: Arc::default(),
            extra_headers: Arc::default(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    fn remember(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().unwrap();
        for raw in headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = raw.split(';').next().unwrap_or("");
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let expired = raw.contains("Max-Age=0");
            if expired || value.is_empty() {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        let cookie_header = self
            .cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie_header.is_empty() {
            request = request.header(COOKIE, HeaderValue::from_str(&cookie_header).unwrap());
        }
        for (k, v) in self.extra_headers.lock().unwrap().iter() {
            request = request.header(k.as_str(), v.as_str());
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(form) = form {
            let body = serde_urlencoded_body(form);
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        self.remember(&headers);
        let body = response.text().await.unwrap_or_default();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None, &[]).await
    }

    /// The CSRF token a page of ours would put in its forms.
    pub async fn token(&self) -> String {
        for page in ["/", "/sign-in"] {
            let reply = self.get(page).await;
            if let Some(token) = csrf_in(&reply.body) {
                return token;
            }
        }
        panic!("no page offered a CSRF token");
    }

    /// Submit a form as our pages do: with the visitor's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.request(Method::POST, path, Some(&all), &[]).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    pub async fn is_signed_in(&self) -> bool {
        self.get("/account").await.status == StatusCode::OK
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

fn serde_urlencoded_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The id of a demo person, looked up in the database.
pub async fn person_id(app: &TestApp, email: &str) -> beacon_core::PersonId {
    let email = beacon_core::account::Email::parse(email).unwrap();
    beacon_db::people::by_email(app.db().conn(), &email)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn org_id(app: &TestApp, slug: &str) -> beacon_core::OrgId {
    beacon_db::organisations::by_slug(app.db().conn(), slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// How many audit events there are in all, to prove that something changed nothing.
pub async fn audit_count(app: &TestApp) -> u64 {
    beacon_db::audit::total(app.db().conn()).await.unwrap()
}

/// Empty the practice exchange the demo seeds (cases, publications, the case
/// library, adoptions, questions and visits), for scenarios that count what
/// they publish themselves. Children first, so no foreign key is left dangling.
pub async fn clear_demo_exchange(app: &TestApp) {
    use beacon_db::ConnectionTrait;
    for table in [
        "case_adoptions",
        "visit_requests",
        "visit_slots",
        "visit_closures",
        "exchange_questions",
        "case_audience",
        "case_publications",
        "case_anonymised",
        "case_attachments",
        "case_tags",
        "case_studies",
        "remote_sources",
    ] {
        app.db()
            .conn()
            .execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .unwrap_or_else(|e| panic!("clearing {table}: {e}"));
    }
}
