// Administration (S1, S10, S27): registrations waiting for approval ("Freischaltung" with role and
// departments, then the confirmation email), the chat agents (role, departments, disable), and
// the departments with their website areas, retention and the embed snippet for the CMS.
import {
  addStrings,
  api,
  apiAll,
  avatar,
  clearFormErrors,
  confirmDialog,
  dialog,
  el,
  emit,
  errorText,
  field,
  formatDateTime,
  formDialog,
  on,
  replace,
  session,
  showError,
  showFormError,
  t,
  toast,
} from "./core.js";
import { cannedManager } from "./canned.js";
import { refreshDepartments } from "./live.js";
import { officeHoursFields } from "./office-hours.js";

addStrings({
  de: {
    // registrations (S1)
    admRegistrationsIntro:
      "Neue Registrierungen warten hier auf die Freischaltung. Prüfen Sie die Person und weisen " +
      "Sie ihr die Rolle und ihre Abteilung(en) zu; die Abteilung bestimmt, in welchem " +
      "Webseitenbereich ihr Chat erscheint. Danach erhält sie eine Bestätigungsmail.",
    admNoRegistrations: "Keine Registrierungen warten auf die Freischaltung.",
    admRegisteredAt: "Registriert am",
    admApprove: "Freischalten",
    admApproveTitle: "{name} freischalten",
    admApproveText:
      "{name} ({email}) kann sich nach der Freischaltung anmelden und Chat-Anfragen der " +
      "gewählten Abteilungen beantworten.",
    admApproved: "{name} ist freigeschaltet; die Bestätigungsmail ist verschickt.",
    admReject: "Ablehnen",
    admRejectTitle: "Registrierung von {name} ablehnen?",
    admRejectText:
      "{name} ({email}) kann sich dann nicht anmelden: der Zugang wird gesperrt und erscheint " +
      "unter »Chat-Agenten« bei den gesperrten Zugängen.",
    admRejected: "Die Registrierung von {name} ist abgelehnt.",
    // agents
    admAgentsIntro:
      "Alle Chat-Agent:innen mit Rolle, Abteilungen und Status. Ein gesperrter Zugang endet " +
      "sofort: die Anmeldung gilt nicht mehr.",
    admActive: "Aktive Zugänge",
    admDisabled: "Gesperrte Zugänge",
    admNoActive: "Keine aktiven Zugänge.",
    admNoDisabled: "Keine gesperrten Zugänge.",
    admStateDisabled: "gesperrt",
    admName: "Name",
    admEmail: "E-Mail-Adresse",
    admRole: "Rolle",
    admDepartments: "Abteilungen",
    admStatus: "Status",
    admActions: "Aktionen",
    admLivechatOn: "Livechat an",
    admLivechatOff: "Livechat aus",
    admEdit: "Bearbeiten",
    admEditAgentTitle: "{name} bearbeiten",
    admAgentSaved: "Die Angaben von {name} sind gespeichert.",
    admDisable: "Sperren",
    admDisableTitle: "Zugang von {name} sperren?",
    admDisableText:
      "{name} ({email}) wird sofort abgemeldet und kann sich nicht mehr anmelden. Laufende Chats " +
      "bleiben erhalten.",
    admDisabledDone: "Der Zugang von {name} ist gesperrt.",
    admSelf: "Das sind Sie. Ihren eigenen Zugang können Sie nicht sperren.",
    admSelfRole:
      "Ihre eigene Rolle können Sie nicht ändern; das kann ein:e andere:r Administrator:in.",
    admNoDepartmentsYet: "Es gibt noch keine Abteilung.",
    admCreateFirst: "Abteilung anlegen",
    admDepartmentsHint:
      "Die Chat-Agent:in sieht nur die Anfragen dieser Abteilungen; ohne Abteilung empfängt sie keine.",
    admNone: "–",
    role_agent: "Chat-Agent:in",
    role_admin: "Administrator:in",
    // departments (S10, S27)
    admDepartmentsIntro:
      "Jede Abteilung hat ihren Chat-Button. Er erscheint auf den Seiten ihrer " +
      "Webseitenbereiche, sobald mindestens ein:e Chat-Agent:in der Abteilung verfügbar ist.",
    admNewDepartment: "Neue Abteilung",
    admNewDepartmentTitle: "Neue Abteilung",
    admEditDepartmentTitle: "Abteilung {name} bearbeiten",
    admNoDepartments: "Noch keine Abteilungen.",
    admDepartmentId: "Abteilungs-ID",
    admDepartmentIdHint:
      "Kleinbuchstaben a–z, Ziffern, - und _; beginnt mit einem Buchstaben oder einer Ziffer " +
      "(z. B. bibliothek). Sie steht im Snippet (data-department) und lässt sich später nicht ändern.",
    admDepartmentIdFixed: "Abteilungs-ID: {id} (lässt sich nicht ändern)",
    admDepartmentName: "Name",
    admOrigins: "Webseitenbereiche",
    admOriginsHint:
      "Eine Adresse pro Zeile, nur Schema und Host (mit Port, wenn nötig), z. B. " +
      "https://www.uni-example.de – ohne Pfad. Nur auf diesen Seiten erscheint der Chat-Button.",
    admNoOrigins: "keine – der Chat-Button erscheint auf keiner Seite",
    admRetention: "Aufbewahrung in Stunden",
    admRetentionHint:
      "Geschlossene Chats werden nach so vielen Stunden automatisch gelöscht (1 bis 8760; " +
      "Standard 24: am Ende des Tages).",
    admRetentionValue: "{hours} Stunden",
    admOfflineMessages: "Nachrichten annehmen, wenn niemand antworten kann",
    admOfflineMessagesHint:
      "Dann zeigt der Button „Nachricht hinterlassen“; Besucher:innen geben eine E-Mail-Adresse " +
      "an, Ihre Antworten gehen auch dorthin.",
    admPrivacyUrl: "Datenschutzhinweis (Adresse)",
    admPrivacyUrlHint:
      "Das Chat-Fenster verlinkt ihn immer, z. B. https://www.uni-example.de/datenschutz",
    admAlertMinutes: "Alarm nach so vielen Minuten in der Warteschlange",
    admAlertMinutesHint:
      "Wartet ein Chat so lange, benachrichtigt der Livechat alle Agent:innen der Abteilung " +
      "auf ihren Geräten (0 bis 1440; 0: nie).",
    admAlertEmail: "E-Mail-Adresse für Alarme",
    admAlertEmailHint:
      "Optional, z. B. das Postfach des Teams: Es erhält dann auch eine E-Mail mit dem Link " +
      "zum Chat (ohne seinen Text). Leer: keine E-Mail.",
    // team chat (S22)
    admTeamChatIntro:
      "Wie lange die Nachrichten des Team-Chats (Kanäle, Gruppen, Direktnachrichten) " +
      "aufbewahrt werden. Eine Änderung gilt für Nachrichten, die danach geschrieben werden.",
    admStaffRetention: "Aufbewahrung der Team-Chat-Nachrichten",
    admStaffRetentionDays: "Nach einer Anzahl Tage löschen",
    admDays: "Tage",
    admDaysHint: "1 bis 3650; Standard 90",
    admStaffRetentionKeep: "Unbegrenzt aufbewahren",
    admStaffRetentionSavedDays:
      "Gespeichert: Neue Team-Chat-Nachrichten werden nach {days} Tagen gelöscht.",
    admStaffRetentionSavedKeep: "Gespeichert: Neue Team-Chat-Nachrichten bleiben unbegrenzt.",
    admCreate: "Anlegen",
    admCreated: "Die Abteilung {name} ist angelegt.",
    admDepartmentSaved: "Die Abteilung {name} ist gespeichert.",
    admDelete: "Löschen",
    admDeleteTitle: "Abteilung {name} löschen?",
    admDeleteText:
      'Der Chat-Button mit data-department="{id}" erscheint dann auf keiner Webseite mehr.',
    admDeleted: "Die Abteilung {name} ist gelöscht.",
    admSnippet: "Snippet für die Webseite",
    admSnippetHint: "In das CMS einfügen, am besten am Ende der Seite.",
    admCopy: "Snippet kopieren",
    admCopied: "Das Snippet ist in der Zwischenablage.",
    admCopyByHand: "Das Snippet ist markiert: kopieren Sie es mit Strg+C (Mac: ⌘+C).",
    admButtonState: "Chat-Button",
  },
  en: {
    admRegistrationsIntro:
      "New registrations wait here for approval. Verify the person and assign their role and " +
      "department(s); the department decides in which website area their chat appears. They " +
      "then receive a confirmation email.",
    admNoRegistrations: "No registrations are waiting for approval.",
    admRegisteredAt: "Registered",
    admApprove: "Approve",
    admApproveTitle: "Approve {name}",
    admApproveText:
      "Once approved, {name} ({email}) can sign in and answer the chat requests of the chosen " +
      "departments.",
    admApproved: "{name} is approved; the confirmation email has been sent.",
    admReject: "Reject",
    admRejectTitle: "Reject the registration of {name}?",
    admRejectText:
      "{name} ({email}) then cannot sign in: the account is disabled and listed under “Chat " +
      "agents” with the disabled accounts.",
    admRejected: "The registration of {name} is rejected.",
    admAgentsIntro:
      "Every chat agent with role, departments and status. A disabled account ends at once: its " +
      "sign-in stops working.",
    admActive: "Active accounts",
    admDisabled: "Disabled accounts",
    admNoActive: "No active accounts.",
    admNoDisabled: "No disabled accounts.",
    admStateDisabled: "disabled",
    admName: "Name",
    admEmail: "Email address",
    admRole: "Role",
    admDepartments: "Departments",
    admStatus: "Status",
    admActions: "Actions",
    admLivechatOn: "livechat on",
    admLivechatOff: "livechat off",
    admEdit: "Edit",
    admEditAgentTitle: "Edit {name}",
    admAgentSaved: "The details of {name} are saved.",
    admDisable: "Disable",
    admDisableTitle: "Disable the account of {name}?",
    admDisableText:
      "{name} ({email}) is signed out at once and can no longer sign in. Ongoing chats are kept.",
    admDisabledDone: "The account of {name} is disabled.",
    admSelf: "This is you. You cannot disable your own account.",
    admSelfRole: "You cannot change your own role; another administrator can.",
    admNoDepartmentsYet: "There is no department yet.",
    admCreateFirst: "Create a department",
    admDepartmentsHint:
      "The agent only sees the requests of these departments; without one they receive none.",
    admNone: "–",
    role_agent: "Chat agent",
    role_admin: "Administrator",
    admDepartmentsIntro:
      "Every department has its chat button. It appears on the pages of its website areas as " +
      "soon as at least one agent of the department is available.",
    admNewDepartment: "New department",
    admNewDepartmentTitle: "New department",
    admEditDepartmentTitle: "Edit department {name}",
    admNoDepartments: "No departments yet.",
    admDepartmentId: "Department id",
    admDepartmentIdHint:
      "Lower-case letters a–z, digits, - and _; starts with a letter or digit (e.g. library). " +
      "It is part of the snippet (data-department) and cannot be changed later.",
    admDepartmentIdFixed: "Department id: {id} (cannot be changed)",
    admDepartmentName: "Name",
    admOrigins: "Website areas",
    admOriginsHint:
      "One address per line, scheme and host only (with the port when needed), e.g. " +
      "https://www.uni-example.de – no path. The chat button appears on these pages only.",
    admNoOrigins: "none – the chat button appears on no page",
    admRetention: "Retention in hours",
    admRetentionHint:
      "Closed chats are deleted automatically after this many hours (1 to 8760; default 24: at " +
      "the end of the day).",
    admRetentionValue: "{hours} hours",
    admOfflineMessages: "Take messages when nobody can answer",
    admOfflineMessagesHint:
      "The button then says “Leave a message”; visitors give an email address, and your replies " +
      "go there too.",
    admPrivacyUrl: "Privacy notice (address)",
    admPrivacyUrlHint:
      "The chat window always links to it, e.g. https://www.uni-example.de/privacy",
    admAlertMinutes: "Alert after this many minutes in the queue",
    admAlertMinutesHint:
      "A chat waiting this long alerts all the department's agents on their devices " +
      "(0 to 1440; 0: never).",
    admAlertEmail: "Email address for alerts",
    admAlertEmailHint:
      "Optional, e.g. the team's mailbox: it then gets an email too, with the link to the chat " +
      "(not its text). Empty: no email.",
    // team chat (S22)
    admTeamChatIntro:
      "How long the team chat's messages (channels, groups, direct messages) are kept. A " +
      "change applies to messages written afterwards.",
    admStaffRetention: "Retention of team chat messages",
    admStaffRetentionDays: "Delete after a number of days",
    admDays: "Days",
    admDaysHint: "1 to 3650; default 90",
    admStaffRetentionKeep: "Keep without limit",
    admStaffRetentionSavedDays: "Saved: new team chat messages are deleted after {days} days.",
    admStaffRetentionSavedKeep: "Saved: new team chat messages are kept without limit.",
    admCreate: "Create",
    admCreated: "The department {name} is created.",
    admDepartmentSaved: "The department {name} is saved.",
    admDelete: "Delete",
    admDeleteTitle: "Delete the department {name}?",
    admDeleteText: 'The chat button with data-department="{id}" then appears on no website.',
    admDeleted: "The department {name} is deleted.",
    admSnippet: "Snippet for the website",
    admSnippetHint: "Paste it into the CMS, ideally at the end of the page.",
    admCopy: "Copy snippet",
    admCopied: "The snippet is on the clipboard.",
    admCopyByHand: "The snippet is selected: copy it with Ctrl+C (Mac: ⌘+C).",
    admButtonState: "Chat button",
  },
});

// ---- shared ------------------------------------------------------------------------------------

const ROLES = ["agent", "admin"];

async function loadDepartments() {
  const { departments } = await api("GET", "/admin/departments");
  return departments.sort(
    (a, b) => a.name.localeCompare(b.name) || a.department_id.localeCompare(b.department_id)
  );
}

function departmentNames(ids, departments) {
  const names = (ids || []).map(
    (id) => departments.find((d) => d.department_id === id)?.name || id
  );
  return names.length ? names.join(", ") : t("admNone");
}

/** The screen's heading (focusable, so that focus has a place after a row disappears) and intro. */
function heading(main, title, intro) {
  const h1 = el("h1", { tabindex: "-1", text: title });
  main.append(h1, el("p", { class: "muted", text: intro }));
  return h1;
}

function loadingText() {
  return el("p", { role: "status", text: t("loading") });
}

function failed(container, error) {
  replace(container, el("p", { class: "form-error", role: "alert", text: errorText(error) }));
}

/** After a list is drawn again: focus the same row's first button, or the one before, or the heading. */
function refocus(table, index, fallback) {
  const rows = table ? [...table.querySelectorAll("tbody tr")] : [];
  const row = rows[Math.min(index, rows.length - 1)];
  const target = row?.querySelector("button");
  (target || fallback).focus();
}

function roleSelect(id, current, locked) {
  const select = el(
    "select",
    { name: "role", disabled: locked || undefined },
    ROLES.map((role) => el("option", { value: role, text: t(`role_${role}`) }))
  );
  select.value = current;
  return { select, node: field(id, t("admRole"), select, locked ? t("admSelfRole") : undefined) };
}

/** One checkbox per department; `value()` is the ids checked. */
function departmentChecks(prefix, departments, selected) {
  const boxes = departments.map((d) =>
    el("input", {
      type: "checkbox",
      name: "departments",
      value: d.department_id,
      id: `${prefix}-${d.department_id}`,
      checked: selected.includes(d.department_id),
    })
  );
  const fieldset = el(
    "fieldset",
    { "aria-describedby": `${prefix}-hint` },
    el("legend", { text: t("admDepartments") }),
    departments.length
      ? el(
          "div",
          { class: "checks" },
          departments.map((d, index) =>
            el(
              "label",
              { for: `${prefix}-${d.department_id}` },
              boxes[index],
              d.name,
              " ",
              el("small", { class: "muted", text: `(${d.department_id})` })
            )
          )
        )
      : el(
          "p",
          {},
          t("admNoDepartmentsYet"),
          " ",
          el("a", {
            href: "#admin/departments",
            text: t("admCreateFirst"),
            // Leaving for the departments closes the dialog this list is in.
            onclick: (event) => event.target.closest("dialog")?.dispatchEvent(new Event("cancel")),
          })
        ),
    el("small", { class: "hint", id: `${prefix}-hint`, text: t("admDepartmentsHint") })
  );
  return {
    fieldset,
    first: boxes[0],
    // Only departments that exist: one deleted meanwhile is dropped (the server refuses it).
    value: () => boxes.filter((box) => box.checked).map((box) => box.value),
  };
}

function path(agentOrDepartmentId) {
  return encodeURIComponent(agentOrDepartmentId);
}

// ---- registrations (S1) ------------------------------------------------------------------------

/** Turning a registration down and disabling an account are the same: after a confirmation,
 * the account stops at once. True when it was disabled, false when that failed, null when the
 * admin cancelled. */
async function disableAccount(agent, titleKey, textKey, buttonKey, doneKey) {
  const values = { name: agent.name, email: agent.email };
  if (!(await confirmDialog(t(titleKey, values), t(textKey, values), t(buttonKey)))) return null;
  try {
    await api("POST", `/admin/agents/${path(agent.agent_id)}/disable`);
    toast(t(doneKey, values));
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

/** A table of the admin screens: a hidden caption, column headers and the rows. */
function adminTable(id, className, caption, headers, rows) {
  return el(
    "table",
    { id, class: className },
    el("caption", { class: "visually-hidden", text: caption }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        headers.map((h) => el("th", { scope: "col", text: h }))
      )
    ),
    el("tbody", {}, rows)
  );
}

/** A row's button, described by the row's name. */
function rowButton(kind, label, nameId, onclick) {
  return el("button", {
    type: "button",
    class: kind,
    text: label,
    "aria-describedby": nameId,
    onclick,
  });
}

class RegistrationsScreen {
  constructor(main) {
    this.title = heading(main, t("registrations"), t("admRegistrationsIntro"));
    this.body = el("div", { id: "registrations" }, loadingText());
    main.append(this.body);
    this.left = false;
    this.departments = [];
  }

  async load(focusIndex = null) {
    let pending;
    try {
      [pending, this.departments] = await Promise.all([
        apiAll("/admin/agents?state=pending&limit=100", "agents"),
        loadDepartments(),
      ]);
    } catch (error) {
      if (!this.left) failed(this.body, error);
      return;
    }
    if (this.left) return;
    if (!pending.length) {
      const empty = el("p", { class: "empty", id: "no-registrations" });
      replace(this.body, Object.assign(empty, { textContent: t("admNoRegistrations") }));
      if (focusIndex !== null) this.title.focus();
      return;
    }
    const headers = [t("admName"), t("admEmail"), t("admRegisteredAt"), t("admActions")];
    const rows = pending.map((agent, index) => this.row(agent, index));
    const table = adminTable(
      "registrations-table",
      "admin-table",
      t("registrations"),
      headers,
      rows
    );
    replace(this.body, table);
    if (focusIndex !== null) refocus(table, focusIndex, this.title);
  }

  row(agent, index) {
    const nameId = `registration-${agent.agent_id}`;
    return el(
      "tr",
      { "data-agent": agent.agent_id },
      el("th", { scope: "row", id: nameId, text: agent.name }),
      el("td", { text: agent.email }),
      el("td", { text: formatDateTime(agent.created_at) }),
      el(
        "td",
        {},
        el(
          "div",
          { class: "actions" },
          rowButton("primary", t("admApprove"), nameId, () => this.approve(agent, index)),
          rowButton("secondary", t("admReject"), nameId, () => this.reject(agent, index))
        )
      )
    );
  }

  async approve(agent, index) {
    const role = roleSelect("approve-role", "agent", false);
    const checks = departmentChecks("approve-department", this.departments, []);
    const { name, email } = agent;
    try {
      const approved = await formDialog({
        title: t("admApproveTitle", { name }),
        body: [el("p", { text: t("admApproveText", { name, email }) }), role.node, checks.fieldset],
        confirm: t("admApprove"),
        inputs: { role: role.select, departments: checks.first },
        submit: () =>
          api("POST", `/admin/agents/${path(agent.agent_id)}/approve`, {
            role: role.select.value,
            departments: checks.value(),
          }),
      });
      if (!approved) return;
      toast(t("admApproved", { name }));
    } catch (error) {
      // 502 email_not_sent: approved, but the mail failed; the message says what to do.
      showError(error);
    }
    this.load(index);
  }

  async reject(agent, index) {
    const keys = ["admRejectTitle", "admRejectText", "admReject", "admRejected"];
    const done = await disableAccount(agent, ...keys);
    if (done !== null) this.load(index);
  }
}

export function renderRegistrations(main) {
  const screen = new RegistrationsScreen(main);
  screen.load();
  return () => {
    screen.left = true;
  };
}

// ---- agents ------------------------------------------------------------------------------------

// Set just before the shell draws everything again after the admin changed their own entry.
let refocusAgentRow = null;

function adminSection(id, title, content) {
  return el(
    "section",
    { "aria-labelledby": id },
    el("h2", { id, class: "admin-section-title", text: title }),
    content
  );
}

const byName = (a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email);

class AgentsScreen {
  constructor(main) {
    this.title = heading(main, t("agents"), t("admAgentsIntro"));
    this.active = el("div", { id: "agents-active" }, loadingText());
    this.disabled = el("div", { id: "agents-disabled" });
    main.append(
      adminSection("agents-active-title", t("admActive"), this.active),
      adminSection("agents-disabled-title", t("admDisabled"), this.disabled)
    );
    this.left = false;
    this.departments = [];
  }

  async load(focusIndex = null) {
    let found;
    try {
      found = await Promise.all([
        apiAll("/admin/agents?state=active&limit=100", "agents"),
        apiAll("/admin/agents?state=disabled&limit=100", "agents"),
        loadDepartments(),
      ]);
    } catch (error) {
      if (!this.left) failed(this.active, error);
      return;
    }
    if (this.left) return;
    const [active, disabled] = found;
    this.departments = found[2];
    const activeTable = active.length
      ? this.table("agents-active-table", t("admActive"), active.sort(byName), true)
      : null;
    replace(this.active, activeTable || el("p", { class: "empty", text: t("admNoActive") }));
    replace(
      this.disabled,
      disabled.length
        ? this.table("agents-disabled-table", t("admDisabled"), disabled.sort(byName), false)
        : el("p", { class: "empty", text: t("admNoDisabled") })
    );
    if (focusIndex !== null) refocus(activeTable, focusIndex, this.title);
  }

  table(id, caption, agents, withActions) {
    const headers = ["admName", "admEmail", "admRole", "admDepartments", "admStatus"].map(t);
    if (withActions) headers.push(t("admActions"));
    const rows = agents.map((agent, index) => this.row(agent, index, withActions));
    return adminTable(id, "admin-table agents-table", caption, headers, rows);
  }

  row(agent, index, withActions) {
    const nameId = `agent-${agent.agent_id}`;
    return el(
      "tr",
      { "data-agent": agent.agent_id },
      el(
        "th",
        { scope: "row", id: nameId },
        el(
          "span",
          { class: "agent-name" },
          avatar(agent.name, pictureOf(agent)),
          el("span", { text: agent.name })
        )
      ),
      el("td", { text: agent.email }),
      el("td", { class: "agent-role", text: t(`role_${agent.role}`) }),
      el("td", {
        class: "agent-departments",
        text: departmentNames(agent.departments, this.departments),
      }),
      el("td", {}, agentStatus(agent)),
      withActions && el("td", {}, this.rowActions(agent, index, nameId))
    );
  }

  rowActions(agent, index, nameId) {
    const self = agent.agent_id === session.agent.agent_id;
    return el(
      "div",
      { class: "actions" },
      rowButton("secondary", t("admEdit"), nameId, () => this.edit(agent, index, self)),
      self
        ? el("small", { class: "muted self-note", text: t("admSelf") })
        : rowButton("danger", t("admDisable"), nameId, () => this.disable(agent, index))
    );
  }

  async edit(agent, index, self) {
    const role = roleSelect("edit-role", agent.role, self);
    const checks = departmentChecks("edit-department", this.departments, agent.departments || []);
    let saved;
    try {
      saved = await formDialog({
        title: t("admEditAgentTitle", { name: agent.name }),
        body: [role.node, checks.fieldset],
        confirm: t("save"),
        inputs: { role: role.select, departments: checks.first },
        submit: () =>
          api("PATCH", `/admin/agents/${path(agent.agent_id)}`, {
            ...(self ? {} : { role: role.select.value }),
            departments: checks.value(),
          }),
      });
    } catch (error) {
      showError(error);
      return this.load(index);
    }
    if (!saved) return;
    toast(t("admAgentSaved", { name: agent.name }));
    if (!self) return this.load(index);
    // The shell shows the admin's own departments: it draws itself (and this screen) again.
    session.agent = { ...session.agent, role: saved.role, departments: saved.departments };
    refocusAgentRow = index;
    emit("agent-changed");
  }

  async disable(agent, index) {
    const keys = ["admDisableTitle", "admDisableText", "admDisable", "admDisabledDone"];
    const done = await disableAccount(agent, ...keys);
    if (done) refreshDepartments().catch(() => {});
    if (done !== null) this.load(index);
  }

  /** Statuses change elsewhere: read them again and redraw them in place, so that the tables
   * and the admin's focus stay (only while the tab is seen). */
  async refreshStatuses() {
    if (document.visibilityState !== "visible") return;
    let active;
    try {
      active = await apiAll("/admin/agents?state=active&limit=100", "agents");
    } catch {
      return; // the next round tries again
    }
    if (this.left) return;
    for (const agent of active) {
      const row = this.active.querySelector(`tr[data-agent="${CSS.escape(agent.agent_id)}"]`);
      row?.querySelector(".agent-status")?.replaceWith(agentStatus(agent));
    }
  }
}

function agentStatus(agent) {
  if (agent.state !== "active") return t("admStateDisabled");
  const livechat = agent.available ? t("admLivechatOn") : t("admLivechatOff");
  return el(
    "span",
    { class: "agent-status" },
    el("span", { class: `status-dot status-${agent.status}`, "aria-hidden": "true" }),
    `${t(`status_${agent.status}`)}, ${livechat}`
  );
}

// No event tells admins of other agents' statuses: the list reads them again when the tab is
// shown and every STATUS_EVERY_MS while it is seen (one or two requests).
const STATUS_EVERY_MS = 15000;

export function renderAgents(main) {
  const screen = new AgentsScreen(main);
  screen.load(refocusAgentRow);
  refocusAgentRow = null;
  const refresh = () => screen.refreshStatuses();
  const timer = setInterval(refresh, STATUS_EVERY_MS);
  document.addEventListener("visibilitychange", refresh);
  return () => {
    screen.left = true;
    clearInterval(timer);
    document.removeEventListener("visibilitychange", refresh);
  };
}

// ---- departments (S10, S27) --------------------------------------------------------------------

class DepartmentsScreen {
  constructor(main) {
    this.title = heading(main, t("departments"), t("admDepartmentsIntro"));
    this.list = el("div", { id: "departments-list", class: "department-list" }, loadingText());
    const create = el("button", { type: "button", class: "primary", id: "new-department" });
    create.textContent = t("admNewDepartment");
    create.addEventListener("click", () => this.edit(null));
    main.append(el("div", { class: "toolbar" }, create), this.list);
    this.left = false;
  }

  async load(focusId = null) {
    let departments;
    try {
      departments = await loadDepartments();
    } catch (error) {
      if (!this.left) failed(this.list, error);
      return;
    }
    if (this.left) return;
    replace(
      this.list,
      departments.length
        ? departments.map((department) => this.card(department))
        : el("p", { class: "empty", text: t("admNoDepartments") })
    );
    if (focusId === "") this.title.focus();
    else if (focusId) {
      (document.getElementById(`department-${focusId}-title`) || this.title).focus();
    }
  }

  /** Whether each button shows right now follows the live picture the shell keeps. */
  showLive(departments) {
    for (const { department_id: id, available } of departments) {
      const state = this.list.querySelector(`[data-department="${id}"] .button-state`);
      if (state) state.replaceWith(buttonState(available, id));
    }
  }

  card(department) {
    const id = department.department_id;
    const titleId = `department-${id}-title`;
    const snippet = snippetField(id);
    return el(
      "article",
      { class: "department-card panel", "data-department": id, "aria-labelledby": titleId },
      el(
        "div",
        { class: "department-head" },
        el("h2", { id: titleId, tabindex: "-1", text: department.name }),
        buttonState(department.available, id)
      ),
      departmentFacts(department),
      snippet.field,
      el(
        "div",
        { class: "actions department-actions" },
        rowButton("secondary", t("admCopy"), titleId, () => copy(snippet.text)),
        rowButton("secondary", t("admEdit"), titleId, () => this.edit(department)),
        rowButton("secondary", t("canned"), titleId, () => manageCanned(department)),
        rowButton("danger", t("admDelete"), titleId, () => this.remove(department))
      )
    );
  }

  async edit(current) {
    const form = departmentForm(current);
    let saved;
    try {
      saved = await formDialog({
        title: current
          ? t("admEditDepartmentTitle", { name: current.name })
          : t("admNewDepartmentTitle"),
        body: form.body,
        confirm: current ? t("save") : t("admCreate"),
        inputs: form.inputs,
        submit: () =>
          current
            ? api("PATCH", `/admin/departments/${path(current.department_id)}`, form.values())
            : api("POST", "/admin/departments", form.values()),
      });
    } catch (error) {
      showError(error);
      return this.load();
    }
    if (!saved) return;
    const { name } = saved;
    toast(current ? t("admDepartmentSaved", { name }) : t("admCreated", { name }));
    refreshDepartments().catch(() => {});
    this.load(saved.department_id);
  }

  async remove(department) {
    const sure = await confirmDialog(
      t("admDeleteTitle", { name: department.name }),
      t("admDeleteText", { id: department.department_id }),
      t("admDelete")
    );
    if (!sure) return;
    try {
      await api("DELETE", `/admin/departments/${path(department.department_id)}`);
      toast(t("admDeleted", { name: department.name }));
      refreshDepartments().catch(() => {});
    } catch (error) {
      showError(error);
    }
    this.load("");
  }
}

export function renderDepartments(main) {
  const screen = new DepartmentsScreen(main);
  const offLive = on("departments-changed", (departments) => screen.showLive(departments));
  screen.load();
  return () => {
    screen.left = true;
    offLive();
  };
}

/** The snippet for a department's pages, ready to copy. */
function snippetField(id) {
  const text = el("textarea", {
    id: `snippet-${id}`,
    class: "snippet",
    readOnly: true,
    rows: 3,
    spellcheck: "false",
    "aria-describedby": `snippet-${id}-hint`,
  });
  text.value = snippetOf(id);
  const field = el(
    "div",
    { class: "field" },
    el("label", { for: `snippet-${id}`, text: t("admSnippet") }),
    text,
    el("small", { class: "hint", id: `snippet-${id}-hint`, text: t("admSnippetHint") })
  );
  return { text, field };
}

function departmentFacts(department) {
  const origins = department.allowed_origins;
  return el(
    "dl",
    { class: "info" },
    el("dt", { text: t("admDepartmentId") }),
    el("dd", {}, el("code", { class: "department-id", text: department.department_id })),
    el("dt", { text: t("admOrigins") }),
    el(
      "dd",
      { class: "department-origins" },
      origins.length
        ? el(
            "ul",
            { class: "plain-list" },
            origins.map((origin) => el("li", { text: origin }))
          )
        : t("admNoOrigins")
    ),
    el("dt", { text: t("admRetention") }),
    el("dd", {
      class: "department-retention",
      text: t("admRetentionValue", { hours: department.retention_hours }),
    })
  );
}

/** The fields of a new or changed department; `values()` is the body to send. */
function departmentForm(current) {
  const departmentId = el("input", { name: "department_id", autocomplete: "off", maxLength: 64 });
  departmentId.spellcheck = false;
  const name = el("input", { name: "name", autocomplete: "off", maxLength: 120 });
  const origins = el("textarea", { name: "allowed_origins", rows: 4, spellcheck: "false" });
  const retention = el("input", { name: "retention_hours", type: "number", min: 1, max: 8760 });
  retention.step = 1;
  name.value = current?.name ?? "";
  origins.value = current ? current.allowed_origins.join("\n") : "";
  retention.value = current ? String(current.retention_hours) : "24";
  const offlineMessages = el("input", { type: "checkbox", id: "department-offline" });
  offlineMessages.checked = Boolean(current?.offline_messages);
  offlineMessages.setAttribute("aria-describedby", "department-offline-hint");
  const privacyUrl = el("input", { name: "privacy_url", type: "url", maxLength: 500 });
  privacyUrl.value = current?.privacy_url ?? "";
  const body = [
    current
      ? el("p", { text: t("admDepartmentIdFixed", { id: current.department_id }) })
      : field("department-id", t("admDepartmentId"), departmentId, t("admDepartmentIdHint")),
    field("department-name", t("admDepartmentName"), name),
    field("department-origins", t("admOrigins"), origins, t("admOriginsHint")),
    field("department-retention", t("admRetention"), retention, t("admRetentionHint")),
    el(
      "div",
      { class: "field" },
      el("label", { for: "department-offline" }, offlineMessages, t("admOfflineMessages")),
      el("small", {
        class: "hint",
        id: "department-offline-hint",
        text: t("admOfflineMessagesHint"),
      })
    ),
    field("department-privacy", t("admPrivacyUrl"), privacyUrl, t("admPrivacyUrlHint")),
  ];
  // Office hours and alerts are set once the department exists (its dialog "Bearbeiten").
  const hours = current ? officeHoursFields(current.office_hours) : null;
  if (hours) body.push(hours.fieldset);
  const alerts = current ? alertFields(current) : null;
  if (alerts) body.push(...alerts.body);
  const values = () => ({
    ...(current ? {} : { department_id: departmentId.value.trim() }),
    name: name.value.trim(),
    // One origin per line; a trailing slash is what people copy from the address bar.
    allowed_origins: origins.value
      .split("\n")
      .map((line) => line.trim().replace(/\/+$/, ""))
      .filter(Boolean),
    retention_hours: Number.isFinite(retention.valueAsNumber)
      ? retention.valueAsNumber
      : retention.value,
    ...(hours ? { office_hours: hours.value() } : {}),
    offline_messages: offlineMessages.checked,
    // Empty removes it from a department that had one; a new one simply has none.
    ...(privacyUrl.value.trim() || current ? { privacy_url: privacyUrl.value.trim() } : {}),
    ...alerts?.values(),
  });
  const inputs = {
    department_id: current ? null : departmentId,
    name,
    allowed_origins: origins,
    retention_hours: retention,
    privacy_url: privacyUrl,
    ...hours?.inputs,
    ...alerts?.inputs,
  };
  return { body, values, inputs };
}

/** When a chat left waiting alerts the department's agents, and the address mailed then. */
function alertFields(current) {
  const minutes = el("input", { name: "alert_after_minutes", type: "number", min: 0, max: 1440 });
  minutes.step = 1;
  minutes.value = String(current.alert_after_minutes ?? 0);
  const email = el("input", { name: "alert_email", type: "email", maxLength: 254 });
  email.autocomplete = "off";
  email.value = current.alert_email ?? "";
  return {
    body: [
      field("department-alert-minutes", t("admAlertMinutes"), minutes, t("admAlertMinutesHint")),
      field("department-alert-email", t("admAlertEmail"), email, t("admAlertEmailHint")),
    ],
    values: () => ({
      alert_after_minutes: Number.isFinite(minutes.valueAsNumber)
        ? minutes.valueAsNumber
        : minutes.value,
      alert_email: email.value.trim(), // empty removes it
    }),
    inputs: { alert_after_minutes: minutes, alert_email: email },
  };
}

/** An agent's own picture, only as the data URL the account screen makes: never an address
 * that would make the admin's browser fetch something from elsewhere. */
function pictureOf(agent) {
  const picture = agent.settings?.avatar;
  return typeof picture === "string" && /^data:image\/(png|jpeg|gif|webp);base64,/.test(picture)
    ? picture
    : null;
}

function buttonState(available, id) {
  return el(
    "p",
    { class: `button-state ${available ? "visible" : "hidden"}`, id: `department-${id}-state` },
    el("span", { class: "visibility-dot", "aria-hidden": "true" }),
    available ? t("buttonVisible") : t("buttonHidden")
  );
}

/** A department's canned responses in a dialog of their own (admins manage them). */
function manageCanned(department) {
  const id = encodeURIComponent(department.department_id);
  dialog({
    title: t("cannedDepartmentTitle", { name: department.name }),
    body: [
      el("p", { class: "muted", text: t("cannedDepartmentIntro") }),
      cannedManager({
        listPath: `/departments/${id}/canned-responses`,
        base: `/admin/departments/${id}/canned-responses`,
        idPrefix: "department-canned",
      }),
    ],
    actions: [{ label: t("dismiss"), value: false }],
  });
}

/** The embed snippet a CMS editor pastes (docs/embedding.md). */
function snippetOf(departmentId) {
  return `<script async src="${location.origin}/widget/loader.js" data-department="${departmentId}" data-lang="de"></script>`;
}

async function copy(textarea) {
  try {
    await navigator.clipboard.writeText(textarea.value);
    toast(t("admCopied"));
  } catch {
    // No clipboard (an insecure origin, or permission refused): select it for Ctrl+C.
    textarea.focus();
    textarea.select();
    toast(t("admCopyByHand"));
  }
}

// ---- team chat (S22): the retention of staff messages ------------------------------------------

function retentionChoice(value, label, checked) {
  return el(
    "label",
    {},
    el("input", { type: "radio", name: "retention", value, checked }),
    ` ${label}`
  );
}

export function renderTeamChat(main) {
  heading(main, t("teamChat"), t("admTeamChatIntro"));
  const days = el("input", { type: "number", name: "retention_days", inputMode: "numeric" });
  const error = el("p", { class: "form-error", role: "alert" });
  const byDays = retentionChoice("days", t("admStaffRetentionDays"), true);
  const keep = retentionChoice("keep", t("admStaffRetentionKeep"), false);
  const keeping = () => keep.querySelector("input").checked;
  const form = el(
    "form",
    { class: "stack", id: "team-chat-form", novalidate: true },
    el(
      "fieldset",
      {},
      el("legend", { text: t("admStaffRetention") }),
      el("div", { class: "checks" }, byDays, keep),
      field("retention-days", t("admDays"), days, t("admDaysHint"))
    ),
    error,
    el("button", { type: "submit", class: "primary", text: t("save") })
  );
  form.addEventListener("change", () => {
    days.disabled = keeping();
  });
  const show = ({ retention_days }) => {
    keep.querySelector("input").checked = retention_days === "keep";
    byDays.querySelector("input").checked = retention_days !== "keep";
    days.value = retention_days === "keep" ? "" : retention_days;
    days.disabled = keeping();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors({ retention_days: days }, error);
    // The server checks the number (1 to 3650) and names the field when it is not one.
    const typed = days.value.trim();
    const value = keeping() ? "keep" : /^\d+$/.test(typed) ? Number(typed) : typed;
    try {
      const saved = await api("PUT", "/admin/team-chat", { retention_days: value });
      show(saved);
      toast(
        saved.retention_days === "keep"
          ? t("admStaffRetentionSavedKeep")
          : t("admStaffRetentionSavedDays", { days: saved.retention_days })
      );
    } catch (failure) {
      showFormError(failure, { retention_days: days }, error);
    }
  });
  main.append(form);
  api("GET", "/admin/team-chat").then(show).catch(showError);
}
