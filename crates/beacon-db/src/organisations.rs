//! Organisations and the partnerships between them.
use crate::audit::{self, Actor, Change};
use crate::entity::{organisation, partnership, partnership_member};
use crate::{DbError, Timestamp};
use beacon_core::OrgId;
use beacon_core::ids::PartnershipId;
use beacon_core::organisation::{OrgKind, OrgName, PartnershipName, Slug};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Query,
};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub created_at: Timestamp,
}

impl TryFrom<organisation::Model> for Organisation {
    type Error = DbError;
    fn try_from(m: organisation::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: OrgId::from_uuid(m.id),
            kind: m
                .kind
                .parse()
                .map_err(|()| DbError::Corrupt(format!("organisation kind {}", m.kind)))?,
            slug: m.slug,
            name: m.name,
            created_at: m.created_at,
        })
    }
}

/// Create an organisation inside the caller's transaction, so that whatever
/// must come with it (its first administrator's invitation) lands with it or not at all.
pub async fn create<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    now: Timestamp,
    name: &OrgName,
    slug: &Slug,
    kind: OrgKind,
) -> Result<Organisation, DbError> {
    let org = Organisation {
        id: OrgId::new(),
        slug: slug.as_str().to_owned(),
        name: name.as_str().to_owned(),
        kind,
        created_at: now,
    };
    organisation::Entity::insert(organisation::ActiveModel {
        id: Set(org.id.uuid()),
        slug: Set(org.slug.clone()),
        name: Set(org.name.clone()),
        kind: Set(kind.key().to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(txn)
    .await
    .map_err(DbError::unique("organisation"))?;
    // The creation is sector business: it is logged outside any tenant, and
    // again inside the new organisation so its own admins can see where it began.
    audit::record(
        txn,
        now,
        actor,
        Change::new("organisation.create", "organisation", org.id).after(&org),
    )
    .await?;
    audit::record(
        txn,
        now,
        actor,
        Change::new("organisation.create", "organisation", org.id)
            .in_org(org.id)
            .after(&org),
    )
    .await?;
    Ok(org)
}

pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<Organisation>, DbError> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(Organisation::try_from)
        .collect()
}

pub async fn by_id<C: ConnectionTrait>(db: &C, id: OrgId) -> Result<Option<Organisation>, DbError> {
    organisation::Entity::find_by_id(id.uuid())
        .one(db)
        .await?
        .map(Organisation::try_from)
        .transpose()
}

pub async fn by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<Option<Organisation>, DbError> {
    organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(Organisation::try_from)
        .transpose()
}

#[derive(Clone, Debug, Serialize)]
pub struct Partnership {
    pub id: PartnershipId,
    pub name: String,
    pub members: Vec<Organisation>,
}

pub async fn create_partnership(
    db: &DatabaseConnection,
    actor: &Actor,
    now: Timestamp,
    name: &PartnershipName,
    members: &[OrgId],
) -> Result<PartnershipId, DbError> {
    let id = PartnershipId::new();
    let txn = crate::begin_writing(db).await?;
    partnership::Entity::insert(partnership::ActiveModel {
        id: Set(id.uuid()),
        name: Set(name.as_str().to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(DbError::unique("partnership"))?;
    for org in members {
        if organisation::Entity::find_by_id(org.uuid())
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(DbError::NotFound);
        }
        partnership_member::Entity::insert(partnership_member::ActiveModel {
            partnership_id: Set(id.uuid()),
            organisation_id: Set(org.uuid()),
        })
        .exec_without_returning(&txn)
        .await
        .map_err(DbError::unique("partnership member"))?;
    }
    let after = serde_json::json!({ "name": name.as_str(), "members": members });
    audit::record(
        &txn,
        now,
        actor,
        Change::new("partnership.create", "partnership", id).after(&after),
    )
    .await?;
    for org in members {
        audit::record(
            &txn,
            now,
            actor,
            Change::new("partnership.join", "partnership", id)
                .in_org(*org)
                .after(&after),
        )
        .await?;
    }
    // Partners-level case studies are read by the partners of the day.
    for org in members {
        crate::exchange::cases::refresh_audiences(&txn, now, *org).await?;
    }
    txn.commit().await?;
    Ok(id)
}

pub async fn partnerships<C: ConnectionTrait>(db: &C) -> Result<Vec<Partnership>, DbError> {
    let orgs: BTreeMap<_, _> = all(db)
        .await?
        .into_iter()
        .map(|o| (o.id.uuid(), o))
        .collect();
    let links = partnership_member::Entity::find().all(db).await?;
    let mut out = Vec::new();
    for p in partnership::Entity::find()
        .order_by_asc(partnership::Column::Name)
        .all(db)
        .await?
    {
        let members = links
            .iter()
            .filter(|l| l.partnership_id == p.id)
            .filter_map(|l| orgs.get(&l.organisation_id).cloned())
            .collect();
        out.push(Partnership {
            id: PartnershipId::from_uuid(p.id),
            name: p.name,
            members,
        });
    }
    Ok(out)
}

/// The organisations that share a partnership with `org` (not `org` itself).
pub async fn partners_of<C: ConnectionTrait>(db: &C, org: OrgId) -> Result<Vec<OrgId>, DbError> {
    // One query: the exchange, the jobs market and matching all ask it on
    // every page.
    let mine = Query::select()
        .column(partnership_member::Column::PartnershipId)
        .from(partnership_member::Entity)
        .and_where(partnership_member::Column::OrganisationId.eq(org.uuid()))
        .to_owned();
    let mut partners: Vec<OrgId> = partnership_member::Entity::find()
        .filter(partnership_member::Column::PartnershipId.in_subquery(mine))
        .filter(partnership_member::Column::OrganisationId.ne(org.uuid()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| OrgId::from_uuid(l.organisation_id))
        .collect();
    partners.sort();
    partners.dedup();
    Ok(partners)
}
