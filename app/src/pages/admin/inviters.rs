//! Directory → Roles: inviter policies (issue 17 item 1). A role with a policy lets its members invite
//! within its limits; the table lists each role's policy and the form below edits one.

use crate::api::admin::directory::{list_inviter_policies, set_inviter_policy, RoleInviterPolicy};
use crate::domain::inviter_policy::InviterPolicy;
use crate::t;
use leptos::prelude::*;

/// A list typed as text: comma- or line-separated, blanks dropped.
fn words(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The form's values, as typed.
#[derive(Debug, Clone, Copy, Default)]
struct Typed {
    flows: RwSignal<String>,
    roles: RwSignal<String>,
    groups: RwSignal<String>,
    domains: RwSignal<String>,
    public: RwSignal<bool>,
    expiry: RwSignal<String>,
    quota: RwSignal<String>,
    per_window: RwSignal<String>,
    approval: RwSignal<bool>,
    approvers: RwSignal<String>,
}

impl Typed {
    fn show(&self, p: &InviterPolicy) {
        self.flows.set(p.flows.join(", "));
        self.roles.set(p.roles.join(", "));
        self.groups.set(p.groups.join(", "));
        self.domains.set(p.email_domains.join(", "));
        self.public.set(p.allow_public);
        self.expiry.set(p.max_expiry_days.to_string());
        self.quota.set(p.max_quota.to_string());
        self.per_window.set(p.per_30_days.to_string());
        self.approval.set(p.requires_approval);
        self.approvers.set(p.approvers.clone().unwrap_or_default());
    }

    /// The policy typed; a number that does not read is 0, which the server refuses under its field.
    fn policy(&self) -> InviterPolicy {
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
        InviterPolicy {
            flows: words(&self.flows.get_untracked()),
            roles: words(&self.roles.get_untracked()),
            groups: words(&self.groups.get_untracked()),
            email_domains: words(&self.domains.get_untracked()),
            allow_public: self.public.get_untracked(),
            max_expiry_days: n(self.expiry),
            max_quota: n(self.quota),
            per_30_days: n(self.per_window),
            requires_approval: self.approval.get_untracked(),
            approvers: Some(self.approvers.get_untracked().trim().to_owned())
                .filter(|g| !g.is_empty()),
        }
    }
}

/// The roles' inviter policies and the editor of one.
#[component]
pub fn InviterPolicies() -> impl IntoView {
    let l = crate::pages::page_locale();
    let version = RwSignal::new(0u32);
    let rows = Resource::new(move || version.get(), |_| list_inviter_policies());
    let role = RwSignal::new(String::new());
    let typed = Typed::default();
    let save = Action::new(move |input: &(String, Option<InviterPolicy>)| {
        let (pk, policy) = input.clone();
        async move {
            let r = set_inviter_policy(pk, policy).await;
            if r.is_ok() {
                version.update(|v| *v += 1);
            }
            r
        }
    });
    let error =
        move |field: &'static str| move || crate::pages::field_error(save.value().get(), field);
    let pick = move |pk: String, list: &[RoleInviterPolicy]| {
        let p = list
            .iter()
            .find(|r| r.pk == pk)
            .and_then(|r| r.policy.clone())
            .unwrap_or_default();
        typed.show(&p);
        role.set(pk);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch((role.get_untracked(), Some(typed.policy())));
    };
    let field = move |id: &'static str, label: String, value: RwSignal<String>, help: String| {
        view! {
            <label for=id>{label}</label>
            <input id=id prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            <p class="muted">{help}</p>
        }
    };
    view! {
        <section class="page" aria-labelledby="inviter-policies-title">
            <h2 id="inviter-policies-title">{t!(l, "inviters-title")}</h2>
            <p class="muted">{t!(l, "inviters-intro")}</p>
            <Transition fallback=move || view! { <p>{t!(l, "page-loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) => {
                            let stored = StoredValue::new(list.clone());
                            view! {
                                <table class="table inviter-policies">
                                    <thead><tr>
                                        <th scope="col">{t!(l, "inviters-col-role")}</th>
                                        <th scope="col">{t!(l, "inviters-col-policy")}</th>
                                        <th scope="col">{t!(l, "inviters-col-actions")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|r| {
                                            let pk = r.pk.clone();
                                            let remove_pk = r.pk.clone();
                                            let has = r.policy.is_some();
                                            view! {
                                                <tr data-role=r.name.clone()>
                                                    <td>{r.name.clone()}</td>
                                                    <td class="policy-summary">{summary(l, r.policy.as_ref())}</td>
                                                    <td>
                                                        <button type="button" class="small secondary"
                                                            aria-label=t!(l, "inviters-edit-label", role = r.name.clone())
                                                            on:click=move |_| stored.with_value(|list| pick(pk.clone(), list))>
                                                            {t!(l, "inviters-edit")}
                                                        </button>
                                                        {has.then(|| view! {
                                                            <button type="button" class="small secondary"
                                                                aria-label=t!(l, "inviters-remove-label", role = r.name.clone())
                                                                on:click=move |_| { save.dispatch((remove_pk.clone(), None)); }>
                                                                {t!(l, "inviters-remove")}
                                                            </button>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                        Err(e) => view! { <crate::pages::ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Transition>
            {move || (!role.get().is_empty()).then(|| {
                view! {
                    <form class="token-form" id="inviter-policy-form" on:submit=submit>
                        <h3>{t!(l, "inviters-editing")}</h3>
                        {field("policy-flows", t!(l, "inviters-flows"), typed.flows, t!(l, "inviters-flows-help"))}
                        {error("flows")}
                        {field("policy-roles", t!(l, "inviters-roles"), typed.roles, t!(l, "inviters-roles-help"))}
                        {error("roles")}
                        {field("policy-groups", t!(l, "inviters-groups"), typed.groups, t!(l, "inviters-groups-help"))}
                        {error("groups")}
                        {field("policy-domains", t!(l, "inviters-domains"), typed.domains, t!(l, "inviters-domains-help"))}
                        {error("email_domains")}
                        <label class="check" for="policy-public">
                            <input id="policy-public" type="checkbox" prop:checked=typed.public
                                on:change=move |ev| typed.public.set(event_target_checked(&ev)) />
                            {t!(l, "inviters-public")}
                        </label>
                        {field("policy-expiry", t!(l, "inviters-expiry"), typed.expiry, String::new())}
                        {error("max_expiry_days")}
                        {field("policy-quota", t!(l, "inviters-quota"), typed.quota, String::new())}
                        {error("max_quota")}
                        {field("policy-per-window", t!(l, "inviters-per-window"), typed.per_window, String::new())}
                        {error("per_30_days")}
                        <label class="check" for="policy-approval">
                            <input id="policy-approval" type="checkbox" prop:checked=typed.approval
                                on:change=move |ev| typed.approval.set(event_target_checked(&ev)) />
                            {t!(l, "inviters-approval")}
                        </label>
                        {field("policy-approvers", t!(l, "inviters-approvers"), typed.approvers, t!(l, "inviters-approvers-help"))}
                        {error("approvers")}
                        <div class="actions">
                            <button type="submit" id="inviter-policy-save">{t!(l, "inviters-save")}</button>
                            <button type="button" class="secondary" on:click=move |_| role.set(String::new())>{t!(l, "inviters-cancel")}</button>
                        </div>
                    </form>
                }
            })}
        </section>
    }
}

/// A policy in one line: "partners; grants viewer, team-a; *@company.com; 7 days, 1 use, 10 per 30
/// days", or that the role's members may not invite.
fn summary(l: crate::i18n::Locale, p: Option<&InviterPolicy>) -> String {
    let Some(p) = p else {
        return t!(l, "inviters-none");
    };
    let grants: Vec<String> = p.roles.iter().chain(&p.groups).cloned().collect();
    t!(
        l,
        "inviters-summary",
        flows = p.flows.join(", "),
        grants = if grants.is_empty() {
            "—".to_owned()
        } else {
            grants.join(", ")
        },
        addresses = if p.email_domains.is_empty() {
            if p.allow_public {
                t!(l, "inviters-any-or-public")
            } else {
                t!(l, "inviters-any-address")
            }
        } else {
            p.email_domains
                .iter()
                .map(|d| format!("*@{d}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        days = p.max_expiry_days.to_string(),
        uses = p.max_quota.to_string(),
        count = p.per_30_days,
    ) + &match (p.requires_approval, &p.approvers) {
        (true, Some(g)) => format!(
            "; {}",
            t!(l, "inviters-with-approval-by", group = g.clone())
        ),
        (true, None) => format!("; {}", t!(l, "inviters-with-approval")),
        (false, _) => String::new(),
    }
}
