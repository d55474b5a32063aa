//! Flows & Stages → Flows: the flows with their stage bindings and settings, Import (an authentik
//! blueprint, uploaded or pasted) and Export (a flow as a blueprint).

use super::table::ListTable;
use crate::api::admin::{export_flow, import_blueprint, list_flow_rows, set_open_enrollment};
use crate::model::FlowEntryView;
use crate::t;
use leptos::prelude::*;

/// The flows table, import form and export.
#[component]
pub fn FlowsPage() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let rows = Resource::new(move || version.get(), |_| list_flow_rows());
    let yaml = RwSignal::new(String::new());
    // (YAML, whether the admin confirmed changes to built-in flows and stages).
    let import = Action::new(move |(text, confirm): &(String, bool)| {
        let (text, confirm) = (text.clone(), *confirm);
        async move {
            let r = import_blueprint(text, Some(confirm)).await;
            if r.is_ok() {
                yaml.set(String::new());
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: Option<web_sys::HtmlInputElement> =
                ev.target().and_then(|t| t.dyn_into().ok());
            if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
                leptos::task::spawn_local(async move {
                    if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        yaml.set(text.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <section class="page">
            <h1>{t!(l, "flows-title")}</h1>
            <details class="import" open=move || !yaml.get().is_empty()>
                <summary id="import-toggle">{t!(l, "flows-import-summary")}</summary>
                <p class="muted">{t!(l, "flows-import-intro-before")} " "
                    <code>"flows-invitation-enrollment.yaml"</code>
                    ". " {t!(l, "flows-import-intro-after")}</p>
                <label for="blueprint-file">{t!(l, "flows-blueprint-file")}</label>
                <input id="blueprint-file" type="file" accept=".yaml,.yml" on:change=on_file />
                <label for="blueprint-yaml">{t!(l, "flows-blueprint-paste")}</label>
                <textarea id="blueprint-yaml" rows="10" prop:value=yaml on:input=move |ev| yaml.set(event_target_value(&ev))></textarea>
                <button id="blueprint-import" on:click=move |_| { import.dispatch((yaml.get_untracked(), false)); }>{t!(l, "flows-import")}</button>
                {move || match import.value().get() {
                    Some(Ok(r)) => Some(view! {
                        <p class="notice" role="status" id="import-result">
                            {t!(
                                l,
                                "flows-imported",
                                name = if r.name.is_empty() { t!(l, "flows-imported-unnamed") } else { r.name.clone() },
                                created = r.created.to_string(),
                                updated = r.updated.to_string(),
                                flows = r.flows.join(", ")
                            )}
                        </p>
                    }.into_any()),
                    Some(Err(e)) => match e.field_message(crate::model::CONFIRM_BUILTIN_FIELD) {
                        // It would change built-in flows or stages: say which, and let the admin go ahead.
                        Some(m) => Some(view! {
                            <div class="warning" role="alert" id="import-confirm">
                                <p>{m}</p>
                                <button id="blueprint-confirm" on:click=move |_| { import.dispatch((yaml.get_untracked(), true)); }>{t!(l, "flows-apply-anyway")}</button>
                            </div>
                        }.into_any()),
                        None => Some(view! { <p class="error" role="alert" id="import-error">{e.notice(crate::pages::page_locale())}</p> }.into_any()),
                    },
                    None => None,
                }}
            </details>
            <ListTable
                data=rows
                class="flows"
                headers=vec![
                    String::new(),
                    t!(l, "flows-col-slug"),
                    t!(l, "flows-col-name"),
                    t!(l, "flows-col-designation"),
                    t!(l, "flows-col-stages"),
                    String::new(),
                ]
                is_empty={|list: &Vec<FlowEntryView>| list.is_empty()}
                body={|list: Vec<FlowEntryView>| list.into_iter().map(|f| view! { <FlowLine f /> }).collect_view().into_any()}
            />
        </section>
    }
    .into_any()
}

#[component]
fn FlowLine(f: FlowEntryView) -> impl IntoView {
    let l = crate::pages::page_locale();
    let expanded = RwSignal::new(false);
    let exported: RwSignal<Option<Result<String, crate::error::AppError>>> = RwSignal::new(None);
    let slug = f.slug.clone();
    let export = move |_| {
        let slug = slug.clone();
        leptos::task::spawn_local(async move { exported.set(Some(export_flow(slug).await)) });
    };
    let file_name = format!("{}.yaml", f.slug);
    let open = RwSignal::new(f.open_enrollment);
    let open_error: RwSignal<Option<String>> = RwSignal::new(None);
    let open_slug = f.slug.clone();
    let toggle_open = move |ev: leptos::ev::Event| {
        let want = event_target_checked(&ev);
        let slug = open_slug.clone();
        leptos::task::spawn_local(async move {
            match set_open_enrollment(slug, want).await {
                Ok(()) => {
                    open_error.set(None);
                    open.set(want);
                }
                Err(e) => {
                    open_error.set(Some(e.notice(crate::pages::page_locale())));
                    open.set(!want);
                }
            }
        });
    };
    let has_invitation_stage = f.has_invitation_stage;
    view! {
        <tbody class="flow" data-slug=f.slug.clone()>
            <tr class="summary" on:click=move |_| expanded.update(|e| *e = !*e)>
                <td><button class="expand small secondary" aria-label=t!(l, "flows-expand", name = f.slug.clone())
                    aria-controls=format!("flow-details-{}", f.pk)
                    aria-expanded=move || expanded.get().to_string()>{move || if expanded.get() { "▾" } else { "▸" }}</button></td>
                <td class="slug">{f.slug.clone()}</td>
                <td>{f.name.clone()}</td>
                <td>{f.designation.clone()}</td>
                <td data-testid="stage-count">{f.stages.len()}</td>
                <td>
                    {move || open.get().then(|| view! { <span class="badge warn" data-testid="open-enrollment">{t!(l, "flows-badge-open-enrollment")}</span> })}
                    {(!has_invitation_stage).then(|| view! { <span class="badge" title=t!(l, "flows-no-invitation-stage-title")>{t!(l, "flows-badge-no-invitation-stage")}</span> })}
                </td>
            </tr>
            <tr class="details" id=format!("flow-details-{}", f.pk) class:hidden=move || !expanded.get()>
                <td></td>
                <td colspan="5">
                    <p>{t!(l, "flows-detail-title")} " " {f.title.clone()}</p>
                    <label class="switch">
                        <input type="checkbox" class="open-enrollment" role="switch"
                            prop:checked=move || open.get() on:change=toggle_open />
                        " " {t!(l, "flows-open-enrollment")}
                    </label>
                    <p class="muted">{move || if open.get() {
                        t!(l, "flows-open-enrollment-on")
                    } else {
                        t!(l, "flows-open-enrollment-off")
                    }}</p>
                    {move || open_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <ol class="bindings">
                        {f.stages.iter().map(|s| view! {
                            <li data-stage=s.name.clone()>
                                <strong>{s.name.clone()}</strong> " (" {s.kind.clone()} ")"
                                <pre>{s.settings.clone()}</pre>
                            </li>
                        }).collect_view()}
                    </ol>
                    <button class="small secondary export" on:click=export>{t!(l, "flows-export")}</button>
                    {move || exported.get().map(|r| match r {
                        Ok(text) => view! {
                            <div class="export">
                                <a class="button small" download=file_name.clone()
                                    href=format!("data:application/yaml;charset=utf-8,{}", encode(&text))>{t!(l, "flows-download", name = file_name.clone())}</a>
                                <pre class="export-yaml">{text}</pre>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <p class="error">{e.notice(crate::pages::page_locale())}</p> }.into_any(),
                    })}
                </td>
            </tr>
        </tbody>
    }
    .into_any()
}

/// Percent-encodes text for a `data:` URL (RFC 3986 unreserved characters kept).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
