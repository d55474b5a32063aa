//! The notice above every admin page while verification codes are being guessed at (issue 35 item 4):
//! the instance's wrong codes of the day are past half its figure, or an invitation's past half its
//! budget. Guessers are slowed down, never the people holding a right code.

use crate::api::admin::get_code_guessing_notice;
use crate::i18n::Locale;
use crate::model::CodeGuessingNotice;
use crate::t;
use leptos::prelude::*;

/// The notice's first sentence in `l`: what is being guessed at, and what Usher does about it.
fn summary_in(l: Locale, n: &CodeGuessingNotice) -> String {
    let mut parts = Vec::new();
    if let Some(until) = &n.until {
        let since = n
            .since
            .as_deref()
            .map(|s| format!(" {}", t!(l, "codes-since", since = s.to_owned())))
            .unwrap_or_default();
        let (failures, figure) = (n.failures.to_string(), n.figure.to_string());
        parts.push(if n.slowed {
            format!(
                "⚠ {}",
                t!(
                    l,
                    "codes-instance-slowed",
                    failures = failures,
                    figure = figure,
                    since = since,
                    until = until.clone()
                )
            )
        } else {
            format!(
                "⚠ {}",
                t!(
                    l,
                    "codes-instance-past-half",
                    failures = failures,
                    figure = figure,
                    since = since,
                    until = until.clone()
                )
            )
        });
    }
    if !n.invitations.is_empty() {
        parts.push(format!(
            "{}{}",
            if parts.is_empty() { "⚠ " } else { "" },
            t!(
                l,
                "codes-invitations-past-half",
                invitations = n.invitations.join(", ")
            )
        ));
    }
    parts.join(" ")
}

/// [`summary_in`] English.
#[cfg(test)]
fn summary(n: &CodeGuessingNotice) -> String {
    summary_in(Locale::En, n)
}

/// The banner shown while [`get_code_guessing_notice`] has a notice.
#[component]
pub fn CodeGuessingBanner() -> impl IntoView {
    let l = crate::pages::page_locale();
    let notice = Resource::new(|| (), |_| get_code_guessing_notice());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let mut n = notice.await.ok()??;
                // The times in the viewer's zone: the sentence is worded with a mark for each.
                let mut times = Vec::new();
                for (text, at) in [(&mut n.since, n.since_at), (&mut n.until, n.until_at)] {
                    if let (Some(t), Some(at)) = (text.as_mut(), at) {
                        times.push((at, std::mem::replace(t, super::local_time::time_mark(times.len()))));
                    }
                }
                Some(view! {
                    <div class="banner warning" role="status" id="code-guessing-banner">
                        <p><super::local_time::Sentence sentence=summary_in(l, &n) times /></p>
                    </div>
                })
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_what_is_guessed_at_and_what_slows_down() {
        let mut n = CodeGuessingNotice {
            failures: 5_001,
            figure: 10_000,
            slowed: false,
            since: Some("2026-12-06 04:12 UTC".into()),
            until: Some("2026-12-07 01:00 UTC".into()),
            invitations: vec![],
            ..Default::default()
        };
        let s = summary(&n);
        assert!(
            s.contains("5001 wrong codes") && s.contains("since 2026-12-06 04:12 UTC"),
            "{s}"
        );
        assert!(s.contains("slowed down"), "{s}");
        n.slowed = true;
        assert!(summary(&n).contains("one code a minute; people with the right code"));
        let only = CodeGuessingNotice {
            invitations: vec!["company".into(), "other".into()],
            ..Default::default()
        };
        let s = summary(&only);
        assert!(
            s.starts_with("⚠ Wrong codes passed half") && s.contains("company, other"),
            "{s}"
        );
    }
}
