//! The dashboard's list table, once: "Loading…" while its resource loads (the old rows stay on screen
//! while a refetch runs), the error notice when loading failed, a muted line when there is nothing to
//! list, else a `<table class="table {class}">` with one header row and the rows the page renders.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// A list table over `data` (a resource of what a list server function returns).
///
/// - `class`: the table's CSS class beside `table` (tests and styles address it, e.g. `invitations`).
/// - `headers`: the header cells, in order; `""` for a column without a title (expand, actions).
/// - `empty`: the text shown instead of the table when `is_empty(&data)`; `None` = always a table.
/// - `body`: renders the loaded data as the table's body, one `<tbody>` or several (an expandable
///   row is a `<tbody>` of its own).
#[component]
pub fn ListTable<T, F>(
    data: Resource<Result<T, AppError>>,
    class: &'static str,
    headers: &'static [&'static str],
    #[prop(optional)] empty: Option<String>,
    is_empty: fn(&T) -> bool,
    body: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> AnyView + Copy + Send + Sync + 'static,
{
    let empty = StoredValue::new(empty);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) if is_empty(&d) && empty.with_value(Option::is_some) => {
                        view! { <p class="muted">{empty.get_value()}</p> }.into_any()
                    }
                    Ok(d) => view! {
                        <table class=if class.is_empty() { "table".to_owned() } else { format!("table {class}") }>
                            <thead>
                                <tr>{headers.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr>
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
