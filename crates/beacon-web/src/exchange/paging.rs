//! Paging the exchange's long lists with the GOV.UK pagination component:
//! the first and last pages, the pages either side of this one, and
//! "previous" and "next".
use crate::i18n::Lang;
use beacon_govuk::components::{PageItem, PageLink, Pagination};

/// Rows on a page of a list.
pub const PER_PAGE: u64 = 20;

/// The page an address asks for: anything but a whole number from 1 is the
/// first page, as on Beacon's other lists (a page past the last is the
/// last, decided where the total is known).
pub fn page_number(raw: Option<&str>) -> u64 {
    raw.and_then(|p| p.trim().parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// `path` at page `n`: the first page has no `page` in its address.
fn href(path: &str, n: u64) -> String {
    if n <= 1 {
        path.to_owned()
    } else {
        format!("{path}?page={n}")
    }
}

/// The pagination under a list at `path`, or nothing when it fits on one page.
pub fn pagination(lang: Lang, path: &str, page: u64, pages: u64) -> Option<Pagination> {
    if pages <= 1 {
        return None;
    }
    let mut p = Pagination {
        landmark_label: Some(lang.t("common.pagination").to_owned()),
        ..Pagination::default()
    };
    if page > 1 {
        p = p.previous(PageLink::new(href(path, page - 1)).text(lang.t("common.previous")));
    }
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(page) <= 1 {
            let item = PageItem::number(u32::try_from(n).unwrap_or(u32::MAX), href(path, n));
            p = p.item(if n == page { item.current() } else { item });
        } else if n.abs_diff(page) == 2 {
            p = p.item(PageItem::ellipsis());
        }
    }
    if page < pages {
        p = p.next(PageLink::new(href(path, page + 1)).text(lang.t("common.next")));
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bad_page_numbers_are_the_first_page() {
        for raw in [
            None,
            Some(""),
            Some("0"),
            Some("-2"),
            Some("two"),
            Some("1.5"),
        ] {
            assert_eq!(page_number(raw), 1, "{raw:?}");
        }
        assert_eq!(page_number(Some("3")), 3);
    }

    #[test]
    fn one_page_needs_no_pagination() {
        assert!(pagination(Lang::En, "/exchange/mine", 1, 1).is_none());
        let p = pagination(Lang::En, "/exchange/mine", 1, 2).unwrap();
        assert!(p.previous.is_none());
        assert_eq!(
            p.next.unwrap().href.as_deref(),
            Some("/exchange/mine?page=2")
        );
        let p = pagination(Lang::En, "/exchange/mine", 5, 9).unwrap();
        let items = p.items.unwrap();
        // 1 … 4 5 6 … 9
        assert_eq!(items.len(), 7);
        assert!(items[1].ellipsis && items[5].ellipsis);
        assert!(items[3].current);
        assert_eq!(items[0].href.as_deref(), Some("/exchange/mine"));
    }
}
