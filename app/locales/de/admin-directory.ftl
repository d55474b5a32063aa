# Usher's message catalogue (de): the admin dashboard, admin-directory.

## Directory → Users

users-title = Benutzer
users-paths-label = Benutzerpfade
users-all = Alle Benutzer ({ $total })
users-col-username = Benutzername
users-col-name = Name
users-col-email = E-Mail
users-col-type = Typ
users-col-path = Pfad
users-col-groups = Gruppen
users-col-active = Aktiv
users-col-last-sign-in = Letzte Anmeldung
# The pager: "51–100 von 230".
users-range = { $from }–{ $to } von { $total }
users-pages-label = Benutzerseiten
users-previous = Zurück
users-next = Weiter
users-expand = Details zu { $name }
users-badge-admin = Admin
users-active-yes = ja
users-active-no = nein
users-detail-groups = Gruppen
users-detail-roles = Rollen
users-detail-created-through = Erstellt über
users-detail-not-invited = — (nicht über eine Einladung)
users-deactivate = Deaktivieren
users-activate = Aktivieren
users-delete = Löschen
users-delete-confirm = { $name } und die von diesem Konto erstellten Einladungen löschen?
users-confirm-delete = Löschen bestätigen
users-cancel = Abbrechen

## Directory → Groups and Directory → Roles (the groups-* words of a row are also the Roles page's)

groups-title = Gruppen
roles-title = Rollen
groups-new-name = Name der neuen Gruppe
roles-new-name = Name der neuen Rolle
groups-create = Gruppe erstellen
roles-create = Rolle erstellen
groups-empty = Noch keine Gruppen.
roles-empty = Noch keine Rollen.
groups-col-name = Name
groups-col-members = Mitglieder
roles-col-name = Name
roles-col-members = Mitglieder
groups-delete = Löschen
groups-delete-confirm = { $name } löschen?
groups-confirm-delete = Löschen bestätigen
groups-cancel = Abbrechen
groups-members = Mitglieder
groups-remove-member = Entfernen
groups-username-to-add = Hinzuzufügender Benutzername
groups-username-placeholder = Benutzername
groups-add-to-group = Zur Gruppe hinzufügen

## Directory → Tokens

tokens-title = Tokens
# "API-Tokens für <code>Authorization: Bearer …</code> bei <code>/api/v3/</code>. Nur Tokens …"
tokens-intro-for = API-Tokens für
tokens-intro-on = bei
tokens-intro-after = Nur Tokens von Superusern verwalten Einladungen.
tokens-identifier = Kennung
tokens-user = Benutzer
tokens-description = Beschreibung
tokens-description-placeholder = Wofür das Token gedacht ist
tokens-expires = Läuft ab (UTC, leer für nie)
tokens-create = Token erstellen
# "Token <strong>ci-invitations</strong> wurde erstellt. Kopieren Sie …"
tokens-created-before = Token
tokens-created-after = wurde erstellt. Kopieren Sie jetzt sein Geheimnis: Es wird nicht noch einmal angezeigt.
tokens-col-identifier = Kennung
tokens-col-user = Benutzer
tokens-col-key = Schlüssel
tokens-col-status = Status
tokens-col-expires = Läuft ab
tokens-col-created = Erstellt
tokens-col-description = Beschreibung
tokens-empty = Noch keine Tokens.
tokens-not-superuser = (kein Superuser)
tokens-revoke = Widerrufen
tokens-revoke-confirm = { $name } widerrufen? Skripte, die es verwenden, funktionieren sofort nicht mehr.
tokens-confirm-revoke = Widerruf bestätigen
tokens-cancel = Abbrechen

## The notice above every admin page while verification codes are being guessed at

# Follows the figure: " (seit 2026-12-06 04:12 UTC über der Hälfte)".
codes-since = (seit { $since } über der Hälfte)
codes-instance-slowed = Es wird versucht, Bestätigungscodes zu erraten: { $failures } falsche Codes an einem Tag haben den Grenzwert dieser Instanz von { $figure } überschritten{ $since }. Bis { $until } darf jedes Netzwerk einen Code pro Minute versuchen; wer den richtigen Code hat, kommt weiterhin durch.
codes-instance-past-half = Es wird versucht, Bestätigungscodes zu erraten: { $failures } falsche Codes an einem Tag, mehr als die Hälfte des Grenzwerts dieser Instanz von { $figure }{ $since }. Die ratenden Netzwerke werden gebremst; ab { $figure } darf jedes Netzwerk bis { $until } einen Code pro Minute versuchen.
codes-invitations-past-half = Falsche Codes haben die Hälfte des Tageskontingents überschritten bei: { $invitations }. Die Versuche jedes Netzwerks werden dort gebremst; mehr dazu in ihren Verläufen unter Einladungen.

## Flows & Stages → Flows

flows-title = Abläufe
flows-import-summary = Blueprint importieren
# "Ein authentik-Blueprint (Version 1), etwa <code>flows-invitation-enrollment.yaml</code>. Er wird …"
flows-import-intro-before = Ein authentik-Blueprint (Version 1), etwa
flows-import-intro-after = Er wird ganz oder gar nicht angewendet; ein erneuter Import aktualisiert, was er erstellt hat.
flows-blueprint-file = Blueprint-Datei
flows-blueprint-paste = Oder hier einfügen
flows-import = Importieren
flows-imported = { $name } importiert: { $created } erstellt, { $updated } aktualisiert (Abläufe: { $flows }).
# The name in flows-imported of a blueprint without one.
flows-imported-unnamed = Blueprint
flows-apply-anyway = Trotzdem anwenden
flows-col-slug = Slug
flows-col-name = Name
flows-col-designation = Bestimmung
flows-col-stages = Stufen
flows-expand = Details zu { $name }
flows-badge-open-enrollment = offene Registrierung
flows-badge-no-invitation-stage = keine Einladungsstufe
flows-no-invitation-stage-title = Besucher brauchen trotzdem eine Einladung: Der Ablauf prüft und verwendet sie, wie es eine Einladungsstufe täte.
flows-detail-title = Titel:
flows-open-enrollment = Offene Registrierung
flows-open-enrollment-on = Achtung: Jeder, der die Adresse dieses Ablaufs öffnet, kann ohne Einladung ein Konto anlegen.
flows-open-enrollment-off = Aus: Besucher brauchen für diesen Ablauf eine Einladung, ob er eine Einladungsstufe bindet oder nicht.
flows-export = Exportieren
flows-download = { $name } herunterladen

## Flows & Stages → Policies

policies-title = Richtlinien
# "Ausdrücke in CEL über <code>…</code>, <code>…</code> und <code>…</code>. An einen Ablauf … Beispiele: <code>…</code>, …"
policies-intro-over = Ausdrücke in CEL über
policies-intro-and = und
policies-intro-bound = An einen Ablauf oder eine seiner Stufen gebunden; jede muss wahr sein, damit der Eingeladene weitermachen kann.
policies-intro-examples = Beispiele:
policies-name = Name
policies-expression = Ausdruck
policies-message = Meldung bei Ablehnung
policies-create = Richtlinie erstellen
policies-col-name = Name
policies-col-expression = Ausdruck
policies-col-message = Meldung
policies-col-bound-to = Gebunden an
policies-empty = Noch keine Richtlinien.
policies-unbind = Lösen
policies-bind-flow = Ablauf
policies-bind-flow-none = — Ablauf —
policies-bind-stage = Stufe
policies-bind-whole-flow = der ganze Ablauf
policies-bind = Binden
policies-delete = Löschen
