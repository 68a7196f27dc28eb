//! Finding staff by part of a name or the start of an employee number.
//!
//! HR searches a workforce of tens of thousands a page at a time. A
//! substring of a name cannot use an index, so the search runs over a
//! [`Directory`] held in memory: each record's name folded to lower case
//! and its employee number, in the order pages are shown. The caller fetches
//! the page's records by id.
use uuid::Uuid;

/// One staff record as the search sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub id: Uuid,
    pub name: String,
    pub employee_number: String,
}

struct Entry {
    id: Uuid,
    folded_name: String,
    folded_number: String,
}

/// The organisation's staff, ordered by name and then employee number.
pub struct Directory {
    entries: Vec<Entry>,
}

/// One page of a search: the records' ids in order, and how many matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub ids: Vec<Uuid>,
    pub total: u64,
}

impl Directory {
    pub fn new(mut listings: Vec<Listing>) -> Self {
        listings.sort_by(|a, b| {
            (a.name.as_str(), a.employee_number.as_str(), a.id).cmp(&(
                b.name.as_str(),
                b.employee_number.as_str(),
                b.id,
            ))
        });
        Self {
            entries: listings
                .into_iter()
                .map(|l| Entry {
                    id: l.id,
                    folded_name: l.name.to_lowercase(),
                    folded_number: l.employee_number.to_uppercase(),
                })
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Page `page` (from 1) of `per_page` records whose name contains
    /// `term` in any case, or whose employee number starts with it. An
    /// empty term matches everyone.
    pub fn search(&self, term: &str, page: u64, per_page: u64) -> Found {
        let term = term.trim();
        let name_part = term.to_lowercase();
        let number_start = term.to_uppercase();
        let per_page = usize::try_from(per_page.max(1)).unwrap_or(usize::MAX);
        let skip = usize::try_from(page.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .saturating_mul(per_page);
        let mut ids = Vec::new();
        let mut total: u64 = 0;
        for e in &self.entries {
            if e.folded_name.contains(&name_part) || e.folded_number.starts_with(&number_start) {
                let at = usize::try_from(total).unwrap_or(usize::MAX);
                if at >= skip && ids.len() < per_page {
                    ids.push(e.id);
                }
                total += 1;
            }
        }
        Found { ids, total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(n: u128, name: &str, number: &str) -> Listing {
        Listing {
            id: Uuid::from_u128(n),
            name: name.to_owned(),
            employee_number: number.to_owned(),
        }
    }

    fn directory() -> Directory {
        Directory::new(vec![
            listing(1, "Zara Smith", "N0003"),
            listing(2, "Ann Smithson", "N0001"),
            listing(3, "Bob Jones", "N0002"),
            listing(4, "Ann Smithson", "A0009"),
            listing(5, "Siân Ó Súilleabháin", "N1200"),
        ])
    }

    #[test]
    fn a_name_is_found_by_any_part_in_any_case_in_name_order() {
        let found = directory().search("SMITH", 1, 10);
        assert_eq!(found.total, 3);
        // Same name: by employee number.
        assert_eq!(
            found.ids,
            vec![Uuid::from_u128(4), Uuid::from_u128(2), Uuid::from_u128(1)]
        );
    }

    #[test]
    fn letters_beyond_ascii_fold_too() {
        let found = directory().search("ó súil", 1, 10);
        assert_eq!(found.ids, vec![Uuid::from_u128(5)]);
    }

    #[test]
    fn an_employee_number_is_found_from_its_start_only() {
        let d = directory();
        assert_eq!(d.search("n00", 1, 10).total, 3);
        assert_eq!(d.search("0001", 1, 10).total, 0);
    }

    #[test]
    fn pages_split_the_matches_and_the_total_counts_them_all() {
        let d = directory();
        let first = d.search("", 1, 2);
        let second = d.search("", 2, 2);
        let third = d.search("", 3, 2);
        assert_eq!(first.total, 5);
        assert_eq!(
            first.ids,
            vec![Uuid::from_u128(4), Uuid::from_u128(2)],
            "Ann Smithson twice, A0009 first"
        );
        assert_eq!(second.ids, vec![Uuid::from_u128(3), Uuid::from_u128(5)]);
        assert_eq!(third.ids, vec![Uuid::from_u128(1)]);
        assert!(d.search("", 4, 2).ids.is_empty());
        assert_eq!(d.search("", 0, 2).ids, first.ids, "page 0 is the first");
    }

    #[test]
    fn nothing_matches_a_stranger() {
        let found = directory().search("Nobody", 1, 10);
        assert_eq!(
            found,
            Found {
                ids: vec![],
                total: 0
            }
        );
    }
}
