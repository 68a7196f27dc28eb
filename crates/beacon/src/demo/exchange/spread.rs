//! Adoptions of cases into other councils' pipelines, and follows. The
//! adoptions take cases the earlier seeders published (the library and each
//! council's own), as a member of the adopting council would read them; one
//! adopted idea has moved on in its new pipeline. Staff and innovation leads
//! follow service areas, their partner council and a tag.
use super::super::{DemoOrg, Scale};
use beacon_core::Role;
use beacon_core::exchange::follow::{Follow, Frequency};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_db::audit::Actor;
use beacon_db::exchange::spread::{self as db, Adopted};
use beacon_db::{Db, ideas, people};
use time::{Duration, OffsetDateTime};

/// How many cases each council adopts, at most.
const ADOPTIONS_PER_COUNCIL: usize = 2;

pub async fn seed(
    db: &Db,
    now: OffsetDateTime,
    councils: &[DemoOrg],
    _scale: Scale,
) -> anyhow::Result<()> {
    let mut moved_one = false;
    for (i, council) in councils.iter().enumerate() {
        let staff = council.person(Role::Staff)?;
        let lead = council.person(Role::InnovationLead)?;
        let conn = db.conn();
        let email = |id| async move {
            people::by_id(conn, id)
                .await
                .map(|p| p.map(|p| p.email).unwrap_or_default())
        };
        let staff_actor = Actor::person(staff, &email(staff).await?);
        let lead_actor = Actor::person(lead, &email(lead).await?);

        // Adoptions: the newest cases this council may read that are not its own.
        let reader = db::reader_for(conn, council.org).await?;
        let mut candidates = Vec::new();
        for p in db::news(
            conn,
            &reader,
            &ServiceArea::ALL
                .iter()
                .map(|a| Follow::Area(*a))
                .collect::<Vec<_>>(),
            OffsetDateTime::UNIX_EPOCH,
            now,
            50,
        )
        .await?
        {
            if db::source_council(conn, &p).await? != Some(council.org) {
                candidates.push(p);
            }
        }
        // Different councils pick different cases.
        let shift = i.min(candidates.len());
        candidates.rotate_left(shift);
        for p in candidates.into_iter().take(ADOPTIONS_PER_COUNCIL) {
            let area = p
                .service_area
                .parse::<ServiceArea>()
                .unwrap_or(ServiceArea::CorporateServices);
            let at = now - Duration::days(30 + 7 * i as i64);
            let txn = beacon_db::begin_writing(conn).await?;
            let idea = match db::adopt(
                &txn,
                at,
                &staff_actor,
                council.org,
                &p,
                db::new_idea(&p, staff, area),
            )
            .await?
            {
                Adopted::Idea(idea) => idea,
                Adopted::Already => continue,
            };
            if !moved_one {
                // It went on: screened by the council's innovation lead.
                ideas::move_stage(
                    &txn,
                    at + Duration::days(5),
                    &lead_actor,
                    council.org,
                    idea,
                    ideas::FIRST_STAGE,
                    "screened",
                    "Worth trying here: the partner's results are strong.",
                )
                .await?;
                moved_one = true;
            }
            txn.commit().await?;
        }

        // Follows: staff follow a service area weekly; the lead follows the
        // partner (or the next council) and a tag, daily.
        let next = &councils[(i + 1) % councils.len()];
        let area = ServiceArea::ALL[i % ServiceArea::ALL.len()];
        let txn = beacon_db::begin_writing(conn).await?;
        db::follow(
            &txn,
            now,
            &staff_actor,
            staff,
            Some(council.org),
            &Follow::Area(area),
            Frequency::Weekly,
        )
        .await?;
        for what in [
            Follow::Council(next.org),
            Follow::Tag("digital inclusion".to_owned()),
        ] {
            db::follow(
                &txn,
                now,
                &lead_actor,
                lead,
                Some(council.org),
                &what,
                Frequency::Daily,
            )
            .await?;
        }
        txn.commit().await?;
    }
    Ok(())
}
