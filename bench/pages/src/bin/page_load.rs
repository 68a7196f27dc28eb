//! The page benchmark's load generator (docs/benchmarks.md, "Pages").
//!
//! Signs in to a running Beacon through its own sign-in form as each role a
//! page needs, finds an idea and a vacancy to open, then holds a fixed number
//! of connections busy on each page for a fixed time and reports the latency
//! percentiles and requests per second. Then it starts the bare axum peer
//! (`bare-peer`) on a page Beacon rendered and measures it the same way, and
//! prints a Markdown table with the ratio of throughputs. Every answer must
//! be 200; a page that is not is reported, never timed.
use anyhow::{Context, anyhow, bail};
use clap::Parser;
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode, redirect};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Beacon's address, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    base: String,
    /// The accounts file `beacon demo --accounts-json` wrote.
    #[arg(long)]
    accounts: PathBuf,
    /// The council whose accounts sign in (as in the accounts file).
    #[arg(long, default_value = "Northmere Borough Council")]
    council: String,
    /// The password of the demo accounts.
    #[arg(long, default_value = "beacon-demo-2026")]
    password: String,
    /// The peer's binary; without it the peer is not measured.
    #[arg(long)]
    peer: Option<PathBuf>,
    /// Where the peer's page is written.
    #[arg(long)]
    scratch: PathBuf,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds measured per page (requests started in that time are counted).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Beacon's process id: its resident memory is read before and after the load.
    #[arg(long)]
    pid: Option<u32>,
    /// Only pages whose name contains this.
    #[arg(long)]
    only: Option<String>,
}

#[derive(Deserialize)]
struct Account {
    council: String,
    role: String,
    email: String,
}

/// A signed-in role: the cookie its requests carry.
#[derive(Clone)]
struct Session {
    cookie: String,
}

struct Page {
    name: &'static str,
    path: String,
    role: &'static str,
}

struct Measured {
    requests: usize,
    errors: usize,
    /// What the first failed request answered.
    failure: Option<String>,
    seconds: f64,
    p50: Duration,
    p95: Duration,
    p99: Duration,
    max: Duration,
    bytes: usize,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

fn cookies_of(response: &reqwest::Response) -> BTreeMap<String, String> {
    let mut jar = BTreeMap::new();
    for raw in response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        let pair = raw.split(';').next().unwrap_or("");
        if let Some((name, value)) = pair.split_once('=')
            && !value.is_empty()
            && !raw.contains("Max-Age=0")
        {
            jar.insert(name.to_owned(), value.to_owned());
        }
    }
    jar
}

fn header_of(jar: &BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Sign in as a browser does: fetch the form (which sets the anonymous
/// CSRF cookie), post it back with the token, keep the session cookie.
async fn sign_in(
    client: &Client,
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<Session> {
    let form = client.get(format!("{base}/sign-in")).send().await?;
    let mut jar = cookies_of(&form);
    let html = form.text().await?;
    let token = csrf_in(&html).context("the sign-in page has no CSRF token")?;
    let reply = client
        .post(format!("{base}/sign-in"))
        .header(COOKIE, header_of(&jar))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await?;
    if reply.status() != StatusCode::SEE_OTHER {
        bail!("signing in as {email} answered {}", reply.status());
    }
    jar.remove("__Host-beacon-csrf");
    jar.extend(cookies_of(&reply));
    if !jar.keys().any(|k| k.contains("session")) {
        bail!("signing in as {email} set no session cookie");
    }
    Ok(Session {
        cookie: header_of(&jar),
    })
}

async fn fetch(
    client: &Client,
    url: &str,
    session: Option<&Session>,
) -> anyhow::Result<(StatusCode, String)> {
    let mut request = client.get(url);
    if let Some(s) = session {
        request = request.header(COOKIE, &s.cookie);
    }
    let reply = request.send().await?;
    let status = reply.status();
    Ok((status, reply.text().await?))
}

/// The first link in `html` of the form `{prefix}{uuid}` followed by `"`.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let needle = format!("href=\"{prefix}");
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let tail = &rest[at + needle.len()..];
        let id: String = tail
            .chars()
            .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
            .collect();
        if id.len() == 36 && tail[36..].starts_with('"') && !found.contains(&id) {
            found.push(id);
        }
        rest = tail;
    }
    found
}

/// One request on each connection at once, unmeasured: connections opened,
/// caches warm.
async fn warm_up(
    client: &Client,
    url: &str,
    session: Option<&Session>,
    connections: usize,
) -> anyhow::Result<()> {
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut request = client.get(url);
        if let Some(s) = session {
            request = request.header(COOKIE, &s.cookie);
        }
        tasks.push(tokio::spawn(async move {
            let reply = request.send().await?;
            reply.bytes().await
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// Keep `connections` requests in flight for `seconds`, after one unmeasured
/// request on each. Every request started in the measured window counts,
/// however long it takes to finish, so a slow page cannot hide its slowest
/// answers; the window closes when the last of them has finished.
async fn load(
    client: &Client,
    url: &str,
    session: Option<&Session>,
    connections: usize,
    seconds: u64,
) -> anyhow::Result<Measured> {
    warm_up(client, url, session, connections).await?;
    let run = Duration::from_secs(seconds);
    let measure_from = Instant::now();
    let until = measure_from + run;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let client = client.clone();
        let url = url.to_owned();
        let cookie = session.map(|s| s.cookie.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0usize;
            let mut failure = None;
            let mut bytes = 0usize;
            let mut last = measure_from;
            loop {
                let at = Instant::now();
                if at >= until {
                    break;
                }
                let mut request = client.get(&url);
                if let Some(c) = &cookie {
                    request = request.header(COOKIE, c);
                }
                let answer = match request.send().await {
                    Ok(reply) => {
                        let status = reply.status();
                        match reply.bytes().await {
                            Ok(body) if status == StatusCode::OK => {
                                bytes = body.len();
                                Ok(())
                            }
                            Ok(_) => Err(status.to_string()),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                    Err(e) => Err(e.to_string()),
                };
                let ok = answer.is_ok();
                if let Err(e) = answer {
                    failure.get_or_insert(e);
                }
                let done = Instant::now();
                last = done;
                if ok {
                    times.push(done - at);
                } else {
                    errors += 1;
                }
            }
            (times, errors, bytes, last, failure)
        }));
    }
    let mut times = Vec::new();
    let mut errors = 0;
    let mut failure = None;
    let mut bytes = 0;
    let mut last = until;
    for task in tasks {
        let (t, e, b, l, f) = task.await?;
        times.extend(t);
        errors += e;
        failure = failure.or(f);
        bytes = bytes.max(b);
        last = last.max(l);
    }
    if times.is_empty() {
        bail!("no request to {url} started in the measured window");
    }
    times.sort_unstable();
    let at = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    Ok(Measured {
        requests: times.len(),
        errors,
        failure,
        seconds: (last - measure_from).as_secs_f64(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: times[times.len() - 1],
        bytes,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// VmRSS and VmHWM (peak) of a process, in MB.
fn memory(pid: u32) -> anyhow::Result<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<f64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(name))
            .ok_or_else(|| anyhow!("no {name} for process {pid}"))?;
        let kb: f64 = line
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| anyhow!("bad {name} line"))?
            .parse()?;
        Ok(kb / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let base = args.base.trim_end_matches('/').to_owned();
    let accounts: Vec<Account> = serde_json::from_str(
        &std::fs::read_to_string(&args.accounts).context("cannot read the accounts file")?,
    )?;
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .pool_max_idle_per_host(args.connections)
        .timeout(Duration::from_secs(60))
        .build()?;

    let mut sessions = BTreeMap::new();
    for role in ["innovation_lead", "hr", "staff"] {
        let account = accounts
            .iter()
            .find(|a| a.council == args.council && a.role == role)
            .ok_or_else(|| anyhow!("no {role} account for {}", args.council))?;
        sessions.insert(
            role,
            sign_in(&client, &base, &account.email, &args.password).await?,
        );
    }

    // Serving, signed in, nothing loaded yet: what the server holds at rest.
    if let Some(pid) = args.pid {
        let (rss, _) = memory(pid)?;
        println!("- Beacon's resident memory before the load: {rss:.0} MB");
    }

    // An idea and a vacancy to open, found as their users would find them.
    let (_, ideas_html) = fetch(
        &client,
        &format!("{base}/ideas"),
        Some(&sessions["innovation_lead"]),
    )
    .await?;
    let idea = links(&ideas_html, "/ideas/")
        .into_iter()
        .next()
        .context("the ideas list links to no idea")?;
    let (_, vacancies_html) =
        fetch(&client, &format!("{base}/vacancies"), Some(&sessions["hr"])).await?;
    let mut vacancy = None;
    for id in links(&vacancies_html, "/vacancies/") {
        let (status, _) = fetch(
            &client,
            &format!("{base}/vacancies/{id}/candidates"),
            Some(&sessions["hr"]),
        )
        .await?;
        if status == StatusCode::OK {
            vacancy = Some(id);
            break;
        }
    }
    let vacancy = vacancy.context("no vacancy on /vacancies has a candidates page")?;

    let pages = [
        Page {
            name: "ideas list",
            path: "/ideas".into(),
            role: "innovation_lead",
        },
        Page {
            name: "ideas list, page 50",
            path: "/ideas?page=50".into(),
            role: "innovation_lead",
        },
        Page {
            name: "ideas search",
            path: "/ideas?q=potholes".into(),
            role: "innovation_lead",
        },
        Page {
            name: "ideas at one stage",
            path: "/ideas?stage=pilot".into(),
            role: "innovation_lead",
        },
        Page {
            name: "an idea",
            path: format!("/ideas/{idea}"),
            role: "innovation_lead",
        },
        Page {
            name: "portfolio",
            path: "/portfolio".into(),
            role: "innovation_lead",
        },
        Page {
            name: "talent pool",
            path: "/talent".into(),
            role: "hr",
        },
        Page {
            name: "people search",
            path: "/talent/people?q=smith".into(),
            role: "hr",
        },
        Page {
            name: "matching",
            path: "/talent/matching".into(),
            role: "hr",
        },
        Page {
            name: "a vacancy's candidates",
            path: format!("/vacancies/{vacancy}/candidates"),
            role: "hr",
        },
        Page {
            name: "workforce analytics",
            path: "/talent/analytics".into(),
            role: "hr",
        },
        Page {
            name: "vacancies",
            path: "/vacancies".into(),
            role: "staff",
        },
        Page {
            name: "own profile",
            path: "/talent/profile".into(),
            role: "staff",
        },
        Page {
            name: "exchange",
            path: "/exchange".into(),
            role: "staff",
        },
    ];

    // The peer serves the first page of the ideas list as Beacon rendered
    // it, and is measured first so each page's row can show the ratio.
    let peer = match &args.peer {
        Some(bin) => {
            let (_, html) = fetch(
                &client,
                &format!("{base}/ideas"),
                Some(&sessions["innovation_lead"]),
            )
            .await?;
            std::fs::create_dir_all(&args.scratch)?;
            let file = args.scratch.join("peer-page.html");
            std::fs::write(&file, &html)?;
            let mut child = Command::new(bin)
                .arg("--page")
                .arg(&file)
                .stdout(Stdio::piped())
                .spawn()
                .with_context(|| format!("cannot start {}", bin.display()))?;
            let mut line = String::new();
            let stdout = child.stdout.take().context("the peer has no stdout")?;
            std::io::BufReader::new(stdout).read_line(&mut line)?;
            let url = format!("http://{}/", line.trim());
            let measured = load(&client, &url, None, args.connections, args.seconds).await;
            let _ = child.kill();
            let _ = child.wait();
            Some(measured?)
        }
        None => None,
    };

    println!(
        "{} connections, {} s measured per page after one request on each connection",
        args.connections, args.seconds
    );
    println!();
    println!(
        "| page | path | role | bytes | requests | failed | req/s | p50 ms | p95 ms | p99 ms | max ms | peer req/s ÷ page req/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    if let Some(p) = &peer {
        println!(
            "| **bare axum peer** (the ideas list's HTML) | `/` | – | {} | {} | {} | {:.0} | {} | {} | {} | {} | 1 |",
            p.bytes,
            p.requests,
            p.errors,
            p.rate(),
            ms(p.p50),
            ms(p.p95),
            ms(p.p99),
            ms(p.max)
        );
    }
    let mut skipped = Vec::new();
    for page in &pages {
        if args.only.as_deref().is_some_and(|o| !page.name.contains(o)) {
            continue;
        }
        let url = format!("{base}{}", page.path);
        let session = &sessions[page.role];
        let (status, _) = fetch(&client, &url, Some(session)).await?;
        if status != StatusCode::OK {
            skipped.push(format!(
                "{} (`{}`) answered {status}: not measured",
                page.name, page.path
            ));
            continue;
        }
        let m = match load(&client, &url, Some(session), args.connections, args.seconds).await {
            Ok(m) => m,
            Err(e) => {
                skipped.push(format!("{} (`{}`): {e}", page.name, page.path));
                continue;
            }
        };
        if let Some(f) = &m.failure {
            skipped.push(format!(
                "{}: {} of {} requests failed under load; the first answered: {f}",
                page.name,
                m.errors,
                m.errors + m.requests
            ));
        }
        let ratio = peer
            .as_ref()
            .map_or_else(|| "–".to_owned(), |p| format!("{:.1}", p.rate() / m.rate()));
        println!(
            "| {} | `{}` | {} | {} | {} | {} | {:.1} | {} | {} | {} | {} | {} |",
            page.name,
            page.path
                .replace(&idea, "{idea}")
                .replace(&vacancy, "{vacancy}"),
            page.role,
            m.bytes,
            m.requests,
            m.errors,
            m.rate(),
            ms(m.p50),
            ms(m.p95),
            ms(m.p99),
            ms(m.max),
            ratio
        );
    }
    println!();
    for s in &skipped {
        println!("- {s}");
    }
    if let Some(pid) = args.pid {
        let (rss, peak) = memory(pid)?;
        println!("- Beacon's resident memory after the load: {rss:.0} MB (peak {peak:.0} MB)");
    }
    Ok(())
}
