//! System → Events: the audit log, filtered and paged (issue 14 item 3). Every function requires a
//! signed-in superuser first (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::{EventPage, EventQuery};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The events the filters select, newest first: page `query.page` of
/// [`crate::model::EVENTS_PAGE_SIZE`], and their count.
#[server(input = Json, endpoint = "admin/events/list")]
pub async fn list_events(query: EventQuery) -> Result<EventPage, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let filter = view::filter(&query)?;
            let count = crate::service::audit::count(&st.db, &filter).await?;
            let size = crate::model::EVENTS_PAGE_SIZE;
            let rows = crate::service::audit::list(
                &st.db,
                &filter,
                crate::service::audit::EventOrder::default(),
                query.page.saturating_mul(size),
                size,
            )
            .await?;
            Ok(EventPage {
                rows: rows.into_iter().map(view::event_view).collect(),
                count,
            })
        }
        .await,
    )
}

/// The projections of events for System → Events and its exports.
#[cfg(feature = "ssr")]
pub mod view {
    use crate::domain::audit::Event;
    use crate::error::AppError;
    use crate::model::{EventQuery, EventView};
    use crate::service::audit::EventFilter;

    /// The filter of the form's values: empty fields are any; a time that does not read is an error on
    /// its field.
    ///
    /// # Errors
    /// [`AppError::Validation`] on `action` (unknown), `since` or `until` (not a time).
    pub fn filter(q: &EventQuery) -> Result<EventFilter, AppError> {
        let l = crate::i18n::wording();
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let time = |field: &str, s: &str| match text(s) {
            None => Ok(None),
            Some(t) => crate::domain::time::parse_input(&t)
                .map(Some)
                .map_err(|_| AppError::field(field, crate::t!(l, "events-filter-bad-time"))),
        };
        let action = match text(&q.action) {
            None => None,
            Some(a) => Some(
                crate::domain::audit::Action::parse(&a)
                    .ok_or_else(|| {
                        AppError::field("action", crate::t!(l, "events-filter-bad-action"))
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        Ok(EventFilter {
            action,
            action_in: None,
            username: text(&q.username),
            model: text(&q.model),
            object_pk: text(&q.object_pk),
            actor_kind: None,
            since: time("since", &q.since)?,
            until: time("until", &q.until)?,
        })
    }

    /// Who did it, for people.
    pub fn actor(e: &Event) -> String {
        match e.actor_kind.as_str() {
            "system" => "system".into(),
            "invitee" => "invitee".into(),
            "token" => format!("{} (API token)", e.actor_name),
            _ if e.actor_name.is_empty() => "—".into(),
            _ => e.actor_name.clone(),
        }
    }

    /// The name of the object an event concerns, when its context gives it (`model.name`, else
    /// `invitation_name`); empty otherwise.
    pub fn object_name(e: &Event) -> String {
        e.context
            .get("model")
            .and_then(|m| m.get("name"))
            .or_else(|| e.context.get("invitation_name"))
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_owned()
    }

    /// An event as the page shows it: its object's name taken out of the context, the rest kept.
    pub fn event_view(e: Event) -> EventView {
        let object_name = object_name(&e);
        let mut context = e.context.clone();
        if let Some(m) = context.as_object_mut() {
            m.remove("model");
        }
        EventView {
            created: crate::domain::time::format_absolute(e.created),
            created_at: e.created,
            action: e.action.as_str().to_owned(),
            actor: actor(&e),
            details: if context.as_object().is_some_and(|m| m.is_empty()) {
                String::new()
            } else {
                context.to_string()
            },
            pk: e.pk,
            client_ip: e.client_ip,
            model: e.model,
            object_pk: e.object_pk,
            object_name,
        }
    }
}
