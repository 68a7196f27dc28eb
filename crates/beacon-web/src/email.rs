//! Sending the outbox by SMTP. Messages are written to the outbox in the same
//! transaction as the change that causes them; this sender delivers them and
//! retries with back-off, so a mail server being down loses nothing.
use crate::clock::Clock;
use crate::config::SmtpConfig;
use beacon_db::{Db, outbox};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub failed: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("SMTP configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Db(#[from] beacon_db::DbError),
}

fn build(smtp: &SmtpConfig, message: &outbox::Message) -> Result<Message, String> {
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| format!("from address: {e}"))?;
    let to: Mailbox = message
        .to_address
        .parse()
        .map_err(|e| format!("to address: {e}"))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(message.subject.clone());
    match &message.calendar {
        None => builder
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(message.body.clone()),
        // An invitation: the text, and the calendar object as a part mail
        // clients offer to add to the calendar (RFC 6047).
        Some(calendar) => {
            use lettre::message::{MultiPart, SinglePart, header::ContentType};
            let method = calendar
                .lines()
                .find_map(|l| l.strip_prefix("METHOD:"))
                .map_or("REQUEST", str::trim);
            let kind =
                ContentType::parse(&format!("text/calendar; method={method}; charset=utf-8"))
                    .map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(message.body.clone()))
                    .singlepart(
                        lettre::message::Attachment::new("invitation.ics".to_owned())
                            .body(calendar.clone(), kind),
                    ),
            )
        }
    }
    .map_err(|e| e.to_string())
}

/// Send every message that is due. Tests call this directly instead of
/// waiting for the background loop.
pub async fn drain_outbox(
    db: &Db,
    smtp: &SmtpConfig,
    clock: &Clock,
) -> Result<DrainReport, EmailError> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .map_err(|e| EmailError::Config(e.to_string()))?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    let mut report = DrainReport::default();
    loop {
        let batch = outbox::claim_due(db.conn(), clock.now(), 50).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for message in batch {
            let outcome = match build(smtp, &message) {
                Ok(email) => transport
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(()) => {
                    outbox::mark_sent(db.conn(), message.id, clock.now()).await?;
                    report.sent += 1;
                }
                Err(error) => {
                    // The address is personal data; the id is enough to find it.
                    tracing::warn!(message = %message.id, %error, "email not sent; will retry");
                    outbox::mark_failed(db.conn(), &message, &error, clock.now()).await?;
                    report.failed += 1;
                }
            }
        }
    }
}
