//! Times on the dashboard in the viewer's own time zone (issue 16 item 2). The server renders UTC
//! ("in 7 days (2026-12-14 01:00 UTC)"); once the page has hydrated, the browser shows the instant in its
//! zone, named, with UTC on hover. The editor's date-time inputs mean the viewer's zone too: what is typed
//! is sent as a UTC instant (RFC 3339), so it round-trips to the same instant.

use leptos::prelude::*;

/// An instant (`at`, UTC Unix seconds; `None` never) as the dashboard shows it: `display` is the server's
/// words, [`crate::domain::time::format_expiry`]'s shape `"{relative} ({UTC})"` (or "never"); in the
/// browser the part in brackets becomes the local time with its zone, and the UTC words its `title`.
#[component]
pub fn LocalWhen(at: Option<i64>, display: String) -> impl IntoView {
    let l = crate::pages::page_locale();
    let (relative, utc) = match display.split_once(" (") {
        Some((r, u)) => (r.to_owned(), u.trim_end_matches(')').to_owned()),
        None => (display.clone(), String::new()),
    };
    let shown = RwSignal::new(utc.clone());
    let zone = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some((text, z)) = at.and_then(|at| local(l, at)) {
            shown.set(text);
            zone.set(Some(z));
        }
    });
    match at {
        None => view! { <span class="when">{display}</span> }.into_any(),
        Some(_) => view! {
            <span class="when">
                {relative} " ("
                <time title=utc data-zone=move || zone.get()>{move || shown.get()}</time>
                ")"
            </span>
        }
        .into_any(),
    }
}

/// An instant (`at`, UTC Unix seconds) as the dashboard shows it: the server's UTC words (`utc`, e.g.
/// "2026-12-14 01:00 UTC"), which become the local time with its zone once the page has hydrated, the
/// UTC words then its `title` (shown on hover), with the relative words beside it ("(3 days ago)", in
/// the page's language, from the browser's clock).
#[component]
pub fn LocalTime(at: i64, utc: String) -> impl IntoView {
    let l = crate::pages::page_locale();
    let shown = RwSignal::new(utc.clone());
    let zone = RwSignal::new(None::<String>);
    let relative = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some((text, z)) = local(l, at) {
            shown.set(text);
            zone.set(Some(z));
            relative.set(now().map(|now| l.relative(at, now)));
        }
    });
    view! {
        <span class="when">
            <time title=utc data-zone=move || zone.get()>{move || shown.get()}</time>
            {move || relative.get().map(|r| view! { <span class="relative">" (" {r} ")"</span> })}
        </span>
    }
}

/// [`LocalTime`] for an instant that may be missing (`None` shows `missing`, e.g. "—" or "never").
#[component]
pub fn MaybeLocalTime(
    at: Option<i64>,
    utc: String,
    #[prop(into)] missing: String,
) -> impl IntoView {
    match at {
        Some(at) => view! { <LocalTime at utc /> }.into_any(),
        None => view! { <span class="when">{missing}</span> }.into_any(),
    }
}

/// The character the `i`th time placeable of a sentence is worded as ([`Sentence`]): from Unicode's
/// private use area (U+E000 on), so no catalogue text or user input carries it.
pub fn time_mark(i: usize) -> String {
    char::from_u32(0xE000 + u32::try_from(i).unwrap_or(0))
        .unwrap_or('\u{E000}')
        .to_string()
}

/// A piece of a sentence worded with [`time_mark`]s ([`split_at_marks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Words, as they are.
    Text(String),
    /// The `i`th instant, where its mark was.
    Time(usize),
}

/// `sentence` cut at the marks of its first `n` instants ([`time_mark`]`(0..n)`), in the order they
/// come (a language may put them in another order than English): the words between them and which
/// instant each mark stands for. Marks of instants `n` and on are left as words.
pub fn split_at_marks(sentence: &str, n: usize) -> Vec<Piece> {
    let marks: Vec<String> = (0..n).map(time_mark).collect();
    let mut rest = sentence;
    let mut pieces = Vec::new();
    while let Some((at, i)) = marks
        .iter()
        .enumerate()
        .filter_map(|(i, m)| rest.find(m.as_str()).map(|at| (at, i)))
        .min()
    {
        if at > 0 {
            pieces.push(Piece::Text(rest[..at].to_owned()));
        }
        pieces.push(Piece::Time(i));
        rest = &rest[at + marks[i].len()..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    pieces
}

/// A catalogue sentence with instants inside: `sentence` was worded with [`time_mark`]`(i)` for the
/// `i`th of `times` (`(at, UTC words)`); each mark becomes that instant as a [`LocalTime`], the words
/// around them stay ([`split_at_marks`]).
#[component]
pub fn Sentence(sentence: String, times: Vec<(i64, String)>) -> impl IntoView {
    split_at_marks(&sentence, times.len())
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(words) => words.into_any(),
            Piece::Time(i) => {
                let (at, utc) = times[i].clone();
                view! { <LocalTime at utc /> }.into_any()
            }
        })
        .collect_view()
}

/// The browser's clock, UTC Unix seconds; `None` outside the browser.
fn now() -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        Some((js_sys::Date::now() / 1000.0) as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// `ts` (UTC Unix seconds) in the browser's zone, in the words of language `l` ("Dec 14, 2026, 02:00 GMT+1",
/// "14. Dez. 2026, 02:00 MEZ"), and the zone's name ("Europe/Berlin"); `None` outside the browser.
pub fn local(l: crate::i18n::Locale, ts: i64) -> Option<(String, String)> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let date = js_sys::Date::new(&JsValue::from_f64(ts as f64 * 1000.0));
        let opts = js_sys::Object::new();
        for (k, v) in [
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
            ("timeZoneName", "short"),
        ] {
            js_sys::Reflect::set(&opts, &JsValue::from_str(k), &JsValue::from_str(v)).ok()?;
        }
        let tag = match l {
            crate::i18n::Locale::En => "en-US",
            crate::i18n::Locale::De => "de-DE",
        };
        let text: String = date.to_locale_string(tag, &opts).into();
        Some((text, zone()?))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (l, ts);
        None
    }
}

/// The browser's time zone ("America/New_York"); `None` outside the browser.
pub fn zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let f = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        js_sys::Reflect::get(
            &f.resolved_options(),
            &wasm_bindgen::JsValue::from_str("timeZone"),
        )
        .ok()?
        .as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// A UTC `YYYY-MM-DDTHH:MM` (the server's form value) as the browser's local `YYYY-MM-DDTHH:MM`, for a
/// `datetime-local` input; anything else (empty, or outside the browser) as it is.
pub fn utc_input_to_local(utc: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        if utc.len() == 16 {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&format!("{utc}:00Z")));
            if !d.get_time().is_nan() {
                return format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}",
                    d.get_full_year(),
                    d.get_month() + 1,
                    d.get_date(),
                    d.get_hours(),
                    d.get_minutes()
                );
            }
        }
    }
    utc.to_owned()
}

/// A local `YYYY-MM-DDTHH:MM` typed into a `datetime-local` input as the UTC instant it means, in
/// RFC 3339 (`2026-12-14T01:00:00.000Z`, which the server reads); anything else as it is (the server
/// then says what is wrong with it).
pub fn local_input_to_utc(local: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let t = local.trim();
        if t.len() == 16 {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(t));
            if !d.get_time().is_nan() {
                return String::from(d.to_iso_string());
            }
        }
    }
    local.to_owned()
}

#[cfg(test)]
mod tests {
    use super::{split_at_marks, time_mark, Piece};

    #[test]
    fn a_sentence_is_cut_at_its_times_in_the_order_they_come() {
        let t = |s: &str| Piece::Text(s.to_owned());
        let once = format!("queued {} · sent", time_mark(0));
        assert_eq!(
            split_at_marks(&once, 1),
            vec![t("queued "), Piece::Time(0), t(" · sent")]
        );
        // A language may name the second time first; marks side by side leave no empty words.
        let twice = format!("until {}{} since", time_mark(1), time_mark(0));
        assert_eq!(
            split_at_marks(&twice, 2),
            vec![t("until "), Piece::Time(1), Piece::Time(0), t(" since")]
        );
        // Without times, the sentence is words only, marks and all.
        assert_eq!(split_at_marks(&once, 0), vec![t(&once)]);
        assert_eq!(split_at_marks("", 1), vec![]);
        assert_ne!(time_mark(0), time_mark(1));
    }
}
