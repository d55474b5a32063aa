# Usher's message catalogue, German: delegated invitations (issue 17): inviter policies and their
# refusals.

inviter-no-policy = Ihre Rollen erlauben Ihnen keine Einladungen: Bitten Sie eine Administratorin oder einen Administrator um eine Rolle mit Einladungsrichtlinie.
inviter-flow = Ihre Einladungsrichtlinie erlaubt keine Einladungen zum Ablauf { $flow }.
inviter-role = Ihre Einladungsrichtlinie erlaubt nicht, die Rolle { $role } zu vergeben.
inviter-role-above-own = Sie können die Rolle { $role } nicht vergeben: Sie haben sie selbst nicht.
inviter-group = Ihre Einladungsrichtlinie erlaubt nicht, die Gruppe { $group } zu vergeben.
inviter-public = Ihre Einladungsrichtlinie erlaubt keine öffentlichen Einladungen: Nennen Sie die Adressen oder eine Domain.
inviter-address = Ihre Einladungsrichtlinie erlaubt die E-Mail-Regel { $rule } nicht.
inviter-never-expires = Ihre Einladungsrichtlinie verlangt ein Ablaufdatum.
inviter-expires-too-late = { $count ->
    [one] Ihre Einladungsrichtlinie erlaubt ein Ablaufdatum höchstens 1 Tag im Voraus.
   *[other] Ihre Einladungsrichtlinie erlaubt ein Ablaufdatum höchstens { $count } Tage im Voraus.
}
inviter-quota = { $count ->
    [one] Ihre Einladungsrichtlinie erlaubt höchstens 1 Nutzung pro Einladung.
   *[other] Ihre Einladungsrichtlinie erlaubt höchstens { $count } Nutzungen pro Einladung.
}
inviter-too-many = { $count ->
    [one] Ihre Einladungsrichtlinie erlaubt 1 Einladung pro 30 Tage, und Sie haben sie bereits erstellt.
   *[other] Ihre Einladungsrichtlinie erlaubt { $count } Einladungen pro 30 Tage, und Sie haben sie bereits erstellt.
}
inviter-policy-range = Geben Sie eine ganze Zahl von 1 bis { $max } ein.
inviter-policy-domain = '{ $domain }' ist keine Domain.
inviter-policy-unknown-flow = Kein Ablauf hat den Slug '{ $name }'.
inviter-policy-unknown-role = Keine Rolle heißt '{ $name }'.
inviter-policy-unknown-group = Keine Gruppe heißt '{ $name }'.

## Directory → Roles: inviter policies
inviters-title = Einladungsrichtlinien
inviters-intro = Eine Rolle mit Einladungsrichtlinie erlaubt ihren Mitgliedern, selbst Personen einzuladen, in ihren Grenzen: die Abläufe, die Rollen und Gruppen, die sie vergeben dürfen (nur Rollen, die sie selbst haben), die Adressen, das späteste Ablaufdatum, die Nutzungen pro Einladung und wie viele Einladungen pro 30 Tage.
inviters-col-role = Rolle
inviters-col-policy = Einladungsrichtlinie
inviters-col-actions = Aktionen
inviters-edit = Richtlinie bearbeiten
inviters-edit-label = Die Einladungsrichtlinie von { $role } bearbeiten
inviters-remove = Richtlinie entfernen
inviters-remove-label = Die Einladungsrichtlinie von { $role } entfernen
inviters-none = Ihre Mitglieder dürfen nicht einladen.
inviters-summary = Abläufe: { $flows }; vergibt: { $grants }; Adressen: { $addresses }; höchstens { $days } Tage, { $uses } Nutzungen pro Einladung, { $count } Einladungen pro 30 Tage
inviters-any-address = jede genannte Adresse oder Domain
inviters-any-or-public = beliebig, auch öffentliche Links
inviters-with-approval = Nutzungen warten auf Freigabe
inviters-editing = Einladungsrichtlinie
inviters-flows = Abläufe (Slugs)
inviters-flows-help = Die Abläufe, zu denen ihre Mitglieder einladen dürfen, durch Kommas getrennt.
inviters-roles = Rollen, die sie vergeben dürfen
inviters-roles-help = Rollennamen; ein Mitglied vergibt nur die, die es selbst hat.
inviters-groups = Gruppen, die sie vergeben dürfen
inviters-groups-help = Gruppennamen, etwa die Gruppen, die sie verwalten.
inviters-domains = E-Mail-Domains
inviters-domains-help = Etwa company.com: Jede Einladung ist auf Adressen dieser Domains beschränkt. Leer: jede Adress- oder Domain-Regel.
inviters-public = Öffentliche Einladungen erlauben (ohne E-Mail-Regeln)
inviters-expiry = Spätestes Ablaufdatum (Tage)
inviters-quota = Höchstens Nutzungen pro Einladung
inviters-per-window = Einladungen pro 30 Tage
inviters-approval = Nutzungen ihrer Einladungen warten auf eine Freigabe
inviters-approvers = Freigebende (eine Gruppe)
inviters-approvers-help = Ihre Mitglieder geben die Nutzungen dieser Einladungen frei, neben den Administratoren: die Vorgesetzten der Einladenden. Leer: nur die Administratoren.
inviters-with-approval-by = Nutzungen warten auf Freigabe durch { $group } oder einen Administrator
inviters-save = Richtlinie speichern
inviters-cancel = Abbrechen
inviter-fixed-data = Ihre Einladungen dürfen nur die E-Mail-Adresse vorbelegen; '{ $key }' ist Administratoren vorbehalten.
inviter-recipient = Sie können diese Einladung nur an Adressen senden, die ihre E-Mail-Regeln erlauben, nicht an { $address }.

## /if/user/invitations: a member's own invitations
mine-title = Ihre Einladungen
mine-sign-in = Melden Sie sich an, um Ihre Einladungen zu sehen
mine-policy = Ihre Rolle erlaubt Ihnen Einladungen: Sie laufen innerhalb von { $days } Tagen ab, haben höchstens { $uses } Nutzungen, und Sie dürfen { $count } pro 30 Tage erstellen.
mine-create = Jemanden einladen
mine-name = Name (Buchstaben, Ziffern, - und _)
mine-flow = Ablauf
mine-emails = Wer sie nutzen darf (eine Adresse oder *@domain pro Zeile)
mine-send-to = Senden an (eine Adresse; leer: Sie teilen den Link selbst)
mine-expires = Läuft ab (Ihre Zeitzone: { $zone })
mine-quota = Nutzungen
mine-roles = Rollen, die sie vergibt
mine-groups = Gruppen, die sie vergibt
mine-save = Einladung erstellen
mine-list = Ihre Einladungen
mine-empty = Sie haben noch keine Einladungen erstellt.
mine-col-name = Einladung
mine-col-status = Zustand
mine-col-uses = Nutzungen
mine-col-expires = Läuft ab
mine-col-used-by = Genutzt von
mine-col-actions = Aktionen
mine-link = Link (zum Kopieren)
mine-on = an
mine-off = aus
mine-disable = Deaktivieren
mine-enable = Aktivieren
mine-delete = Löschen
mine-send-label = Per E-Mail senden an (Adressen, die ihre Regeln erlauben)
mine-send = Senden
mine-sent = Zum Senden eingereiht.
