//! Email through the outbox and a real SMTP server on loopback (Python's
//! aiosmtpd, writing what it receives to a Maildir).
use crate::helpers::*;
use beacon_web::SmtpConfig;
use beacon_web::email::{DrainReport, drain_outbox};
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    fn start(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = dir.join("maildir");
        let python = std::env::var("BEACON_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        #[allow(clippy::zombie_processes)] // Drop kills and reaps it, on every path.
        let child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                maildir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd is needed (scripts/test.sh installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return SmtpServer {
                    child,
                    port,
                    maildir,
                };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start; is it installed?");
    }

    fn received(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) {
                for e in entries.flatten() {
                    out.push(std::fs::read_to_string(e.path()).unwrap());
                }
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

both_databases!(
    invitation_email_is_delivered_once,
    email_waits_in_the_outbox_while_the_server_is_down
);

fn smtp(port: u16) -> SmtpConfig {
    SmtpConfig {
        url: format!("smtp://127.0.0.1:{port}"),
        from: "Beacon <beacon@northmere.example>".into(),
    }
}

async fn invitation_email_is_delivered_once(app: TestApp) -> TestApp {
    let dir = std::env::temp_dir().join(format!("beacon-smtp-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let server = SmtpServer::start(&dir);
    let admin = app.signed_in("admin@northmere.example").await;
    let reply = admin
        .post(
            "/admin/invitations",
            &[("email", "new.person@northmere.example"), ("role", "staff")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let report = drain_outbox(app.db(), &smtp(server.port), &app.state.clock)
        .await
        .unwrap();
    assert_eq!(report, DrainReport { sent: 1, failed: 0 });
    let mail = server.received();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("To: new.person@northmere.example"));
    assert!(
        mail[0].contains("Subject: You are invited to join Northmere Borough Council on Beacon")
    );
    assert!(mail[0].contains(&format!("{}/invitations/", app.base)));
    // Sent is sent: a second drain delivers nothing more.
    let again = drain_outbox(app.db(), &smtp(server.port), &app.state.clock)
        .await
        .unwrap();
    assert_eq!(again, DrainReport::default());
    assert_eq!(server.received().len(), 1);
    assert_eq!(
        beacon_db::outbox::pending_count(app.db().conn())
            .await
            .unwrap(),
        0
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    app
}

async fn email_waits_in_the_outbox_while_the_server_is_down(app: TestApp) -> TestApp {
    let b = app.browser();
    b.post("/password-reset", &[("email", "staff@northmere.example")])
        .await;
    // Nothing listens on this port.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let report = drain_outbox(app.db(), &smtp(dead), &app.state.clock)
        .await
        .unwrap();
    assert_eq!(report, DrainReport { sent: 0, failed: 1 });
    let (messages, _) = beacon_db::outbox::list(app.db().conn(), None, 1, 10)
        .await
        .unwrap();
    assert_eq!(messages[0].attempts, 1);
    assert!(messages[0].last_error.is_some());
    assert!(messages[0].sent_at.is_none());

    let dir = std::env::temp_dir().join(format!("beacon-smtp-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let server = SmtpServer::start(&dir);
    // Not due yet: the retry waits for its back-off.
    assert_eq!(
        drain_outbox(app.db(), &smtp(server.port), &app.state.clock)
            .await
            .unwrap(),
        DrainReport::default()
    );
    app.state.clock.advance(time::Duration::minutes(2));
    assert_eq!(
        drain_outbox(app.db(), &smtp(server.port), &app.state.clock)
            .await
            .unwrap(),
        DrainReport { sent: 1, failed: 0 }
    );
    assert!(server.received()[0].contains("Subject: Reset your Beacon password"));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    app
}
