//! Page-number pagination as authentik's API gives it (authentik `api/pagination.py` over Django REST
//! framework's `PageNumberPagination`): `?page=` (1-based) and `?page_size=`, an envelope with numbers
//! where DRF has links, 0 where there is no next or previous page, and 404 "Invalid page." past the end.

use serde::Serialize;
use utoipa::ToSchema;

/// Results per page when `page_size` is not given (authentik's `pagination_default_page_size`).
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest `page_size` honoured; larger values are cut to it (authentik's `pagination_max_page_size`).
pub const MAX_PAGE_SIZE: u64 = 100;

/// The `pagination` object of a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Pagination {
    /// Next page number, 0 when this is the last.
    pub next: u64,
    /// Previous page number, 0 on the first page.
    pub previous: u64,
    /// Results in all pages.
    pub count: u64,
    /// This page's number.
    pub current: u64,
    /// Number of pages (1 for an empty list).
    pub total_pages: u64,
    /// 1-based index of this page's first result (0 when empty).
    pub start_index: u64,
    /// 1-based index of this page's last result (0 when empty).
    pub end_index: u64,
}

/// A requested page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Results per page.
    pub page_size: u64,
}

/// The page does not exist (DRF answers 404 `{"detail": "Invalid page."}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidPage;

/// Reads `page` and `page_size` as authentik does: a missing `page_size` is [`DEFAULT_PAGE_SIZE`], a larger
/// one is cut to [`MAX_PAGE_SIZE`], a non-numeric, zero or negative one is DRF's `PAGE_SIZE` (100); `page` missing is 1, `last` is the last page, and
/// anything but a positive integer is an invalid page.
///
/// # Errors
/// [`InvalidPage`] for a malformed `page`.
pub fn parse(
    page: Option<&str>,
    page_size: Option<&str>,
) -> Result<(Option<u64>, u64), InvalidPage> {
    let size = match page_size.map(|s| s.trim().parse::<i64>()) {
        None => DEFAULT_PAGE_SIZE,
        Some(Ok(n)) if n > 0 => (n as u64).min(MAX_PAGE_SIZE),
        Some(_) => MAX_PAGE_SIZE,
    };
    let page = match page.map(str::trim) {
        None | Some("") => Some(1),
        Some("last") => None,
        Some(p) => match p.parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(InvalidPage),
        },
    };
    Ok((page, size))
}

/// The pagination of `count` results for page `page` (`None` = the last) of `page_size`, and the range of
/// result indexes (0-based, end exclusive) on it.
///
/// # Errors
/// [`InvalidPage`] past the last page (an empty list has one empty page).
pub fn paginate(
    count: u64,
    page: Option<u64>,
    page_size: u64,
) -> Result<(Pagination, std::ops::Range<usize>), InvalidPage> {
    let size = page_size.max(1);
    let total_pages = count.div_ceil(size).max(1);
    let current = page.unwrap_or(total_pages);
    if current == 0 || current > total_pages {
        return Err(InvalidPage);
    }
    let start = (current - 1) * size;
    let end = (current * size).min(count);
    let p = Pagination {
        next: if current < total_pages {
            current + 1
        } else {
            0
        },
        previous: current.saturating_sub(1),
        count,
        current,
        total_pages,
        start_index: if count == 0 { 0 } else { start + 1 },
        end_index: end,
    };
    Ok((p, start as usize..end as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_has_one_empty_page() {
        let (p, r) = paginate(0, Some(1), 10).unwrap();
        assert_eq!(
            p,
            Pagination {
                next: 0,
                previous: 0,
                count: 0,
                current: 1,
                total_pages: 1,
                start_index: 0,
                end_index: 0
            }
        );
        assert!(r.is_empty());
        assert_eq!(paginate(0, Some(2), 10), Err(InvalidPage));
    }

    #[test]
    fn middle_last_and_past_the_end() {
        let (p, r) = paginate(25, Some(2), 10).unwrap();
        assert_eq!(
            (
                p.next,
                p.previous,
                p.total_pages,
                p.start_index,
                p.end_index
            ),
            (3, 1, 3, 11, 20)
        );
        assert_eq!(r, 10..20);
        let (p, r) = paginate(25, Some(3), 10).unwrap();
        assert_eq!(
            (p.next, p.previous, p.start_index, p.end_index),
            (0, 2, 21, 25)
        );
        assert_eq!(r, 20..25);
        assert_eq!(paginate(25, None, 10).unwrap().0.current, 3, "page=last");
        assert_eq!(paginate(25, Some(4), 10), Err(InvalidPage));
        let (p, _) = paginate(20, Some(2), 10).unwrap();
        assert_eq!(
            (p.next, p.total_pages, p.end_index),
            (0, 2, 20),
            "exactly full pages"
        );
    }

    #[test]
    fn parameters_are_read_as_drf_reads_them() {
        assert_eq!(parse(None, None), Ok((Some(1), DEFAULT_PAGE_SIZE)));
        assert_eq!(parse(Some("3"), Some("5")), Ok((Some(3), 5)));
        assert_eq!(parse(Some("last"), Some("0")), Ok((None, 100)));
        assert_eq!(parse(Some("1"), Some("abc")), Ok((Some(1), 100)));
        assert_eq!(
            parse(Some("1"), Some("100000")),
            Ok((Some(1), MAX_PAGE_SIZE))
        );
        assert_eq!(parse(Some("0"), None), Err(InvalidPage));
        assert_eq!(parse(Some("x"), None), Err(InvalidPage));
    }
}
