//! Email digests for followers: each due digest is claimed with one
//! conditional update in the transaction that writes its email to the
//! outbox, so when several servers run this loop a digest goes out once, and
//! a crash between the two loses nothing.
use super::council_label;
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::{Lang, tf};
use beacon_core::OrgId;
use beacon_db::entity::{case_publication, exchange_digest};
use beacon_db::exchange::spread as db;
use beacon_db::{outbox, people};

/// How many digests one pass handles; the loop comes back for the rest.
const BATCH: u64 = 100;
/// How many cases one digest lists.
const MOST: usize = 30;

/// Send every digest due now. Returns how many emails were written. The
/// server's background loop calls it; tests call it after moving the clock.
pub async fn send_due_digests(state: &AppState) -> Result<usize, AppError> {
    let mut written = 0;
    loop {
        let now = state.clock.now();
        let due = db::due(state.db.conn(), now, BATCH).await?;
        if due.is_empty() {
            return Ok(written);
        }
        let mut claimed_any = false;
        for d in due {
            let (claimed, wrote) = send_one(state, &d).await?;
            claimed_any |= claimed;
            written += usize::from(wrote);
        }
        // Another server took them all: leave the rest to it.
        if !claimed_any {
            return Ok(written);
        }
    }
}

async fn send_one(state: &AppState, d: &exchange_digest::Model) -> Result<(bool, bool), AppError> {
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    if !db::claim(&txn, now, d).await? {
        return Ok((false, false));
    }
    let person = beacon_core::PersonId::from_uuid(d.person_id);
    let Some(who) = people::by_id(&txn, person).await? else {
        txn.commit().await?;
        return Ok((true, false));
    };
    if who.disabled {
        txn.commit().await?;
        return Ok((true, false));
    }
    let reader = db::digest_reader(&txn, d).await?;
    let follows = db::follows(&txn, person).await?;
    let news = db::news(&txn, &reader, &follows, d.covered_until, now, MOST).await?;
    let wrote = !news.is_empty();
    if wrote {
        let (subject, body) = message(state, &news);
        let org = reader.org().or(d.organisation_id.map(OrgId::from_uuid));
        outbox::enqueue(&txn, now, org, &who.email, &subject, &body).await?;
    }
    txn.commit().await?;
    Ok((true, wrote))
}

/// The digest in English then Welsh: the people told have no language
/// stored, and the service is bilingual.
fn message(state: &AppState, news: &[case_publication::Model]) -> (String, String) {
    let count = news.len().to_string();
    let subject = format!(
        "{} / {}",
        tf(
            Lang::En,
            "exchange.spread.email.digest_subject",
            &[("count", &count)]
        ),
        tf(
            Lang::Cy,
            "exchange.spread.email.digest_subject",
            &[("count", &count)]
        ),
    );
    let base = &state.config.public_url;
    let part = |lang: Lang| {
        let mut text = tf(
            lang,
            "exchange.spread.email.digest_intro",
            &[("count", &count)],
        );
        for p in news {
            text.push_str(&format!(
                "\n\n{}\n{}\n{base}/exchange/cases/{}",
                p.title,
                council_label(lang, p),
                p.id
            ));
        }
        text.push_str("\n\n");
        text.push_str(&tf(
            lang,
            "exchange.spread.email.digest_manage",
            &[("link", &format!("{base}/exchange/following"))],
        ));
        text
    };
    (
        subject,
        format!("{}\n\n---\n\n{}", part(Lang::En), part(Lang::Cy)),
    )
}
