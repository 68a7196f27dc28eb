//! What a server computed from an organisation's talent data, kept until
//! that data changes.
//!
//! Each entry is labelled with the organisation's change stamp
//! (`beacon_db::talent_generation`, raised by triggers in the same
//! transaction as any change to the tables it watches) and the day it was
//! read for. A request reads the stamp first (one row by key) and uses the
//! kept value only when both labels match; otherwise it reads afresh. What
//! is read after the stamp is at least as new as the stamp, so a value is
//! never older than its label. Concurrent requests for the same label share
//! one read.
use beacon_core::OrgId;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use time::Date;
use tokio::sync::OnceCell;

/// How many organisations' values a cache keeps; the least recently used is
/// dropped beyond it.
const KEPT: usize = 16;

/// A value's label: the organisation's change stamp and the day.
pub(crate) type Label = (i64, Date);

struct Slot<T> {
    label: Label,
    used: u64,
    value: Arc<OnceCell<Arc<T>>>,
}

struct Slots<T> {
    by_org: HashMap<OrgId, Slot<T>>,
    clock: u64,
}

/// Each organisation's latest value of one kind.
pub struct StampedCache<T> {
    slots: Arc<Mutex<Slots<T>>>,
}

impl<T> Clone for StampedCache<T> {
    fn clone(&self) -> Self {
        Self {
            slots: Arc::clone(&self.slots),
        }
    }
}

impl<T> Default for StampedCache<T> {
    fn default() -> Self {
        Self {
            slots: Arc::new(Mutex::new(Slots {
                by_org: HashMap::new(),
                clock: 0,
            })),
        }
    }
}

impl<T> StampedCache<T> {
    /// The value for `org` at `label`, read by `read` unless one as new is
    /// kept.
    pub(crate) async fn get_or_read<E, F, Fut>(
        &self,
        org: OrgId,
        label: Label,
        read: F,
    ) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let cell = self.cell(org, label);
        let value = cell
            .get_or_try_init(|| async { read().await.map(Arc::new) })
            .await?;
        Ok(Arc::clone(value))
    }

    /// The cell for `org` at `label`: the kept one when it is as new, else a
    /// fresh one kept in its place.
    fn cell(&self, org: OrgId, label: Label) -> Arc<OnceCell<Arc<T>>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.clock += 1;
        let now = slots.clock;
        if let Some(slot) = slots.by_org.get_mut(&org)
            && slot.label.0 >= label.0
            && slot.label.1 == label.1
        {
            // A request that read the stamp just before a change may use
            // the newer value: it is as new as anything it could read.
            slot.used = now;
            return Arc::clone(&slot.value);
        }
        if !slots.by_org.contains_key(&org)
            && slots.by_org.len() >= KEPT
            && let Some(oldest) = slots
                .by_org
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(o, _)| *o)
        {
            slots.by_org.remove(&oldest);
        }
        let cell = Arc::new(OnceCell::new());
        slots.by_org.insert(
            org,
            Slot {
                label,
                used: now,
                value: Arc::clone(&cell),
            },
        );
        cell
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use time::macros::date;
    use uuid::Uuid;

    async fn read_counted(
        cache: &StampedCache<usize>,
        reads: &AtomicUsize,
        org: OrgId,
        label: Label,
    ) -> usize {
        let value = cache
            .get_or_read(org, label, || async {
                Ok::<_, ()>(reads.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await
            .unwrap();
        *value
    }

    #[tokio::test]
    async fn a_value_is_read_again_only_when_the_stamp_or_day_moves() {
        let cache = StampedCache::default();
        let reads = AtomicUsize::new(0);
        let org = OrgId::from_uuid(Uuid::from_u128(1));
        let today = date!(2026 - 11 - 23);
        assert_eq!(read_counted(&cache, &reads, org, (1, today)).await, 1);
        assert_eq!(read_counted(&cache, &reads, org, (1, today)).await, 1);
        // An older stamp (read just before a change) uses the newer value.
        assert_eq!(read_counted(&cache, &reads, org, (0, today)).await, 1);
        assert_eq!(read_counted(&cache, &reads, org, (2, today)).await, 2);
        let tomorrow = date!(2026 - 11 - 24);
        assert_eq!(read_counted(&cache, &reads, org, (2, tomorrow)).await, 3);
        // Another organisation has its own value.
        let other = OrgId::from_uuid(Uuid::from_u128(2));
        assert_eq!(read_counted(&cache, &reads, other, (2, tomorrow)).await, 4);
        assert_eq!(read_counted(&cache, &reads, org, (2, tomorrow)).await, 3);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let cache: StampedCache<usize> = StampedCache::default();
        let org = OrgId::from_uuid(Uuid::from_u128(1));
        let label = (1, date!(2026 - 11 - 23));
        let failed = cache
            .get_or_read(org, label, || async { Err::<usize, _>("down") })
            .await;
        assert!(failed.is_err());
        let value = cache
            .get_or_read(org, label, || async { Ok::<_, &str>(7) })
            .await
            .unwrap();
        assert_eq!(*value, 7);
    }

    #[test]
    fn no_more_than_the_kept_number_of_organisations_are_held() {
        let cache: StampedCache<usize> = StampedCache::default();
        let today = date!(2026 - 11 - 23);
        for n in 0..(KEPT as u128 + 5) {
            let _ = cache.cell(OrgId::from_uuid(Uuid::from_u128(n)), (1, today));
        }
        let held = cache.slots.lock().unwrap().by_org.len();
        assert_eq!(held, KEPT);
    }
}
