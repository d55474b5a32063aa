//! The dashboard's list table, once: "Loading…" while its resource loads (the old rows stay on screen
//! while a refetch runs), the error notice when loading failed, a muted line when there is nothing to
//! list, else a `<table class="table {class}">` with one header row and the rows the page renders.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// A list table over `data` (a resource of what a list server function returns).
///
/// - `class`: the table's CSS class beside `table` (tests and styles address it, e.g. `invitations`).
/// - `headers`: the header cells, in order, in the page's language (`vec![t!(l, "…"), …]`); `""` for a
///   column without a title (expand, actions).
/// - `empty`: the text shown instead of the table when `is_empty(&data)`; `None` = always a table.
/// - `body`: renders the loaded data as the table's body, one `<tbody>` or several (an expandable
///   row is a `<tbody>` of its own).
/// - `sort`: the column whose header sorts the list ([`SortHeader`]), if one does: its header is a
///   button and carries `aria-sort` (WAI-ARIA's sortable table pattern).
#[component]
pub fn ListTable<T, F>(
    data: Resource<Result<T, AppError>>,
    class: &'static str,
    #[prop(into)] headers: Headers,
    #[prop(optional)] empty: Option<String>,
    is_empty: fn(&T) -> bool,
    body: F,
    #[prop(optional)] sort: Option<SortHeader>,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> AnyView + Copy + Send + Sync + 'static,
{
    let empty = StoredValue::new(empty);
    let headers = StoredValue::new(headers.0);
    let l = crate::pages::page_locale();
    view! {
        <Transition fallback=move || view! { <p>{crate::t!(l, "page-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) if is_empty(&d) && empty.with_value(Option::is_some) => {
                        view! { <p class="muted">{empty.get_value()}</p> }.into_any()
                    }
                    Ok(d) => view! {
                        <table class=if class.is_empty() { "table".to_owned() } else { format!("table {class}") }>
                            <thead>
                                <tr>{headers.get_value().into_iter().enumerate().map(|(i, h)| match sort.filter(|s| s.column == i) {
                                    Some(s) => view! {
                                        <th scope="col" aria-sort=move || s.state.get().aria()>
                                            <button type="button" class="sort" on:click=move |_| s.toggle.run(())>
                                                {h} <span aria-hidden="true">{move || s.state.get().arrow()}</span>
                                            </button>
                                        </th>
                                    }.into_any(),
                                    None => view! { <th scope="col">{h}</th> }.into_any(),
                                }).collect_view()}</tr>
                            </thead>
                            {body(d)}
                        </table>
                    }
                    .into_any(),
                    Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// A [`ListTable`]'s header cells: words in the page's language, from a `Vec<String>`.
#[derive(Debug, Clone, Default)]
pub struct Headers(pub Vec<String>);

impl From<Vec<String>> for Headers {
    fn from(v: Vec<String>) -> Self {
        Self(v)
    }
}

impl<const N: usize> From<&[&str; N]> for Headers {
    fn from(v: &[&str; N]) -> Self {
        Self(v.iter().map(|h| (*h).to_owned()).collect())
    }
}

impl From<&[&str]> for Headers {
    fn from(v: &[&str]) -> Self {
        Self(v.iter().map(|h| (*h).to_owned()).collect())
    }
}

/// How a list is sorted by a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortState {
    /// Not by this column.
    None,
    /// By this column, smallest (earliest) first.
    Ascending,
    /// By this column, largest (latest) first.
    Descending,
}

impl SortState {
    /// The header's `aria-sort` value.
    pub fn aria(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Ascending => "ascending",
            Self::Descending => "descending",
        }
    }

    /// The arrow shown beside the header's words (hidden from screen readers, which hear `aria-sort`).
    pub fn arrow(self) -> &'static str {
        match self {
            Self::None => "↕",
            Self::Ascending => "▲",
            Self::Descending => "▼",
        }
    }
}

/// A [`ListTable`] column whose header sorts the list: `column` (0-based), how the list is sorted by
/// it now, and what a click on the header does (sort by it, or the other way round).
#[derive(Clone, Copy)]
pub struct SortHeader {
    /// The column's index among the headers.
    pub column: usize,
    /// How the list is sorted by this column now.
    pub state: Signal<SortState>,
    /// Sorts by this column (ascending first, then the other way round).
    pub toggle: Callback<()>,
}
