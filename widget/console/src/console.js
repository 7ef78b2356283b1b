// The agent console (S1–S4, S10–S21, S25): sign-in and registration, the shell with status menu,
// livechat toggle and the department's button state, the live lists of incoming and open
// livechats, and a router for the screens. Everything live comes over one WebSocket.
import { renderAccount } from "./account.js";
import { renderAgents, renderDepartments, renderRegistrations, renderTeamChat } from "./admin.js";
import {
  alertAgent,
  handoverText,
  renderTitle,
  setScreenTitle,
  startAlerts,
  unread,
} from "./alerts.js";
import { renderChats, renderContact, renderContacts } from "./contacts.js";
import { registerConsoleWorker } from "./device.js";
import {
  addStrings,
  announce,
  api,
  applySettings,
  avatar,
  clearFormErrors,
  el,
  errorText,
  field,
  formatTime,
  icon,
  on,
  pickLanguage,
  replace,
  session,
  setLanguage,
  showError,
  showFormError,
  t,
  toast,
} from "./core.js";
import { live, refreshAll, refreshDepartments, startLive, stopLive } from "./live.js";
import { renderRoom } from "./room.js";
import { isSocketOpen, startSocket, stopSocket } from "./socket.js";
import { renderStats } from "./stats.js";
import {
  exchangeHandover,
  providerSignOutLink,
  ssoButton,
  ssoFailureText,
  takeHandover,
} from "./sso.js";
import { SHELL_STRINGS } from "./strings.js";
import {
  homeSections,
  renderCreate,
  renderDirectory,
  renderDisplay,
  startTeam,
  teamSidebar,
} from "./team.js";
import { renderTeamRoom } from "./team-room.js";
import { confirmAddress, takeVerifyToken } from "./verify.js";

addStrings(SHELL_STRINGS);

const TOKEN_KEY = "livechat-console:token";
const STATUSES = ["online", "away", "busy", "offline"];
const ID = "([A-Za-z0-9_.:-]+)";
const ROUTES = [
  [/^(home)?$/, renderHome],
  [/^room\/(team_[A-Za-z0-9_.:-]+)$/, renderTeamRoom],
  [new RegExp(`^room/${ID}$`), renderRoom],
  [/^create$/, renderCreate],
  [/^directory$/, renderDirectory],
  [/^display$/, renderDisplay],
  [/^contacts$/, renderContacts],
  [new RegExp(`^contacts/${ID}$`), renderContact],
  [/^chats$/, renderChats],
  [new RegExp(`^chats/${ID}$`), renderChats],
  [/^account$/, renderAccount],
  [/^stats$/, renderStats],
  [/^admin\/registrations$/, renderRegistrations, "admin"],
  [/^admin\/agents$/, renderAgents, "admin"],
  [/^admin\/departments$/, renderDepartments, "admin"],
  [/^admin\/team-chat$/, renderTeamChat, "admin"],
];

const root = document.getElementById("root");
let shell = null; // the elements of the signed-in layout
let leaveScreen = null; // cleanup of the screen on show

// ---- start -------------------------------------------------------------------------------------

async function boot() {
  setLanguage(pickLanguage(null));
  registerConsoleWorker();
  try {
    const site = await fetch("config.json").then((r) => (r.ok ? r.json() : null));
    if (site?.api_url) session.api = site.api_url.replace(/\/+$/, "");
  } catch {
    // No config.json: the API is on this origin (the devserver, or CloudFront in front of both).
  }
  try {
    const config = await api("GET", "/config");
    session.wsUrl = config.ws_url;
    session.maxMessageLength = config.max_message_length;
    session.maxUploadBytes = config.max_upload_bytes;
    session.uploadTypes = config.upload_types || [];
    session.sso = config.sso;
    session.passwordLogin = config.password_login !== false;
  } catch (error) {
    replace(root, el("p", { class: "boot", role: "alert", text: errorText(error) }));
    return;
  }
  // ---- institutional sign-in: back from the provider (sso.js) ----
  const handover = takeHandover();
  if (handover?.code && session.token) {
    // A handover never replaces a session unasked (it may be someone else's, slipped in): a
    // console still signed in stays so and leaves the code unused.
    try {
      enter(await api("GET", "/me"));
      toast(t("ssoHandoverIgnored"), "error");
      return;
    } catch {
      forgetToken();
    }
  }
  if (handover && handover.error === "account_pending") return showPending();
  if (handover?.code) {
    try {
      const { token, agent } = await exchangeHandover(handover);
      return signedIn(token, agent);
    } catch (failure) {
      return showSignIn(ssoFailureText(failure.code, failure.message), failure.code);
    }
  }
  if (handover) return showSignIn(ssoFailureText(handover.error), handover.error);
  // ---- a registration's emailed link (verify.js), also when pasted into an open console ----
  window.addEventListener("hashchange", () => {
    const token = !session.agent && takeVerifyToken();
    if (token) showConfirmation(token);
  });
  const verifyToken = takeVerifyToken();
  if (verifyToken) return showConfirmation(verifyToken);
  // ----
  if (session.token) {
    try {
      enter(await api("GET", "/me"));
      return;
    } catch {
      forgetToken();
    }
  }
  showSignIn();
}

function forgetToken() {
  session.token = "";
  session.agent = null;
  localStorage.removeItem(TOKEN_KEY);
}

on("signed-out", ({ expired }) => {
  if (!session.agent) return;
  leave();
  showSignIn(expired ? t("sessionEnded") : "");
});

// ---- sign-in, registration, waiting for approval (S1, S2) --------------------------------------

function languageSwitch(rerender) {
  return el("button", {
    type: "button",
    class: "link language-switch",
    lang: session.lang === "de" ? "en" : "de",
    text: t("switchLanguage"),
    onclick: () => {
      setLanguage(session.lang === "de" ? "en" : "de");
      rerender();
    },
  });
}

function authPage(title, intro, form, footer, rerender) {
  document.title = `${title} – ${t("appTitle")}`;
  const error = el("p", { class: "form-error", role: "alert", id: "auth-error" });
  replace(
    root,
    el(
      "main",
      { class: "auth" },
      el(
        "div",
        { class: "auth-card" },
        el(
          "div",
          { class: "auth-head" },
          el("span", { class: "brand" }, icon("bubble"), t("appTitle")),
          languageSwitch(rerender)
        ),
        el("h1", { text: title }),
        el("p", { text: intro }),
        error,
        form,
        footer
      )
    )
  );
  return error;
}

function showSignIn(notice = "", noticeCode = "") {
  const email = el("input", {
    name: "email",
    type: "email",
    autocomplete: "username",
    required: true,
  });
  const password = el("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = el("button", { type: "submit", class: "primary", text: t("signIn") });
  const form = el(
    "form",
    { class: "stack", "aria-label": t("signInTitle") },
    field("f-email", t("email"), email),
    field("f-password", t("password"), password),
    submit
  );
  // Institutional sign-in first where offered; with passwords switched off, the password form
  // stays for administrators only (they always keep a way in).
  const passwords = session.passwordLogin
    ? el("div", {}, session.sso && el("p", { class: "hint", text: t("ssoOr") }), form)
    : el("details", {}, el("summary", { text: t("ssoPasswordForAdmins") }), form);
  const methods = session.sso ? el("div", { class: "stack" }, el("div"), passwords) : form;
  const error = authPage(
    t("signInTitle"),
    t("signInIntro"),
    methods,
    session.passwordLogin &&
      el(
        "p",
        {},
        `${t("noAccount")} `,
        el("a", { href: "#register", onclick: go(showRegister), text: t("toRegister") })
      ),
    () => showSignIn(notice, noticeCode)
  );
  error.textContent = notice;
  error.dataset.code = noticeCode;
  if (session.sso) methods.firstChild.replaceWith(ssoButton(error));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    signInWithPassword({ email, password, submit, error });
  });
  email.focus();
}

async function signInWithPassword({ email, password, submit, error }) {
  submit.disabled = true;
  submit.textContent = t("signingIn");
  error.textContent = "";
  try {
    const { token, agent } = await api("POST", "/auth/login", {
      email: email.value.trim(),
      password: password.value,
    });
    await signedIn(token, agent);
  } catch (failure) {
    if (failure.code === "account_pending") return showPending();
    if (failure.code === "account_unverified") return showCheckMail();
    error.textContent =
      failure.code === "invalid_credentials"
        ? t("wrongCredentials")
        : failure.code === "account_disabled"
          ? t("disabledText")
          : errorText(failure);
    submit.disabled = false;
    submit.textContent = t("signIn");
    password.focus();
  }
}

async function signedIn(token, agent) {
  session.token = token;
  localStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, "", location.pathname);
  // Signing in means being there (S2, S3): an agent who was offline comes back online.
  enter(agent.status === "offline" ? await api("PUT", "/me/status", { status: "online" }) : agent);
}

function go(show) {
  return (event) => {
    event.preventDefault();
    show();
  };
}

function showRegister() {
  const name = el("input", { name: "name", autocomplete: "name", required: true, maxLength: 120 });
  const email = el("input", {
    name: "email",
    type: "email",
    autocomplete: "email",
    required: true,
  });
  const password = el("input", {
    name: "password",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minLength: 12,
  });
  const submit = el("button", { type: "submit", class: "primary", text: t("register") });
  const form = el(
    "form",
    { class: "stack", "aria-label": t("registerTitle") },
    field("f-name", t("name"), name),
    field("f-email", t("email"), email),
    field("f-password", t("password"), password, t("passwordHint")),
    submit
  );
  const error = authPage(
    t("registerTitle"),
    t("registerIntro"),
    form,
    el(
      "p",
      {},
      `${t("haveAccount")} `,
      el("a", { href: "#", onclick: go(() => showSignIn()), text: t("toSignIn") })
    ),
    showRegister
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clearFormErrors({ name, email, password }, error);
    try {
      await api("POST", "/auth/register", {
        name: name.value.trim(),
        email: email.value.trim(),
        password: password.value,
      });
      showCheckMail();
    } catch (failure) {
      showFormError(failure, { name, email, password }, error);
      submit.disabled = false;
    }
  });
  name.focus();
}

function toSignInLink() {
  return el("p", {}, el("a", { href: "#", onclick: go(() => showSignIn()), text: t("toSignIn") }));
}

function showPending() {
  authPage(
    t("pendingTitle"),
    t("pendingText"),
    el("p", { class: "pending-badge", role: "status", text: t("pendingTitle") }),
    toSignInLink(),
    showPending
  );
}

function showCheckMail() {
  authPage(
    t("checkMailTitle"),
    t("checkMailText"),
    el("p", { class: "pending-badge", role: "status", text: t("checkMailBadge") }),
    toSignInLink(),
    showCheckMail
  );
}

async function showConfirmation(token) {
  try {
    await confirmAddress(token);
    showConfirmed();
  } catch (failure) {
    showLinkFailed(failure);
  }
}

function showConfirmed() {
  authPage(
    t("confirmedTitle"),
    t("confirmedText"),
    el("p", { class: "pending-badge", role: "status", text: t("pendingTitle") }),
    toSignInLink(),
    showConfirmed
  );
}

function showLinkFailed(failure) {
  const invalid = failure.code === "invalid_token";
  authPage(
    invalid ? t("linkInvalidTitle") : t("checkMailTitle"),
    invalid ? t("linkInvalidText") : `${errorText(failure)} ${t("openLinkAgain")}`,
    el(
      "p",
      { role: "status" },
      el("a", { href: "#register", onclick: go(showRegister), text: t("registerAgain") })
    ),
    toSignInLink(),
    () => showLinkFailed(failure)
  );
}

// ---- the signed-in console ---------------------------------------------------------------------

let stopAlerts = () => {};
let stopTeam = () => {};

function enter(agent) {
  session.agent = agent;
  applySettings(agent.settings);
  buildShell();
  startLive();
  stopAlerts = startAlerts();
  stopTeam = startTeam();
  startSocket();
  refreshAll();
  startAutoAway();
  window.addEventListener("hashchange", route);
  route();
}

function leave() {
  window.removeEventListener("hashchange", route);
  stopAutoAway();
  stopSocket();
  stopAlerts();
  stopTeam();
  stopLive();
  if (leaveScreen) leaveScreen();
  leaveScreen = null;
  shell = null;
  forgetToken();
}

async function signOut() {
  try {
    await api("POST", "/auth/logout");
  } catch {
    // Signed out on this side either way; the token runs out by itself.
  }
  const providerSignOut = providerSignOutLink(); // sso.js: the provider's page, where it has one
  leave();
  history.replaceState(null, "", location.pathname);
  showSignIn();
  if (providerSignOut) root.querySelector(".auth-card").append(providerSignOut);
}

/** Re-render the shell in a new language or with new settings, keeping the screen. */
function rebuildShell() {
  applySettings(session.agent.settings);
  buildShell();
  renderSidebarLists();
  renderVisibility();
  route();
}
on("agent-changed", rebuildShell);

function buildShell() {
  const agent = session.agent;
  const profileButton = el("button", {
    type: "button",
    class: "profile-button",
    "aria-haspopup": "true",
    "aria-expanded": "false",
    "aria-controls": "profile-menu",
    onclick: () => toggleProfileMenu(),
  });
  const profileMenu = el("div", { id: "profile-menu", class: "menu", hidden: true });
  const toggle = el("button", {
    type: "button",
    id: "livechat-toggle",
    class: "livechat-toggle",
    onclick: toggleAvailability,
  });
  const visibility = el("ul", { class: "visibility", id: "button-visibility" });
  const queueList = el("ul", { class: "room-list", id: "queue-list" });
  const openList = el("ul", { class: "room-list", id: "open-list" });
  const connection = el("p", { class: "connection", role: "status", hidden: true });
  const main = el("main", { id: "main", tabindex: "-1" });
  const team = teamSidebar();
  const nav = el(
    "nav",
    { class: "sidebar", "aria-label": t("mainMenu") },
    el("div", { class: "profile" }, profileButton, profileMenu),
    omnichannelSection(toggle, visibility, queueList, openList),
    team,
    navLinks(agent),
    connection
  );
  shell = {
    profileButton,
    profileMenu,
    toggle,
    visibility,
    queueList,
    openList,
    connection,
    main,
    team,
  };
  // The first Tab reaches this link: past the sidebar to the screen (the address stays, since
  // a fragment here is a route).
  const skip = el("a", {
    class: "skip-link",
    href: "#main",
    text: t("skipToContent"),
    onclick: (event) => {
      event.preventDefault();
      main.focus();
    },
  });
  replace(root, skip, el("div", { class: "shell" }, nav, main));
  renderProfile();
}

/** The sidebar's live part: the livechat toggle, where the button shows, queue and open chats. */
function omnichannelSection(toggle, visibility, queueList, openList) {
  const count = (id) => el("span", { class: "count", id });
  return el(
    "section",
    { class: "omnichannel", "aria-labelledby": "omni-title" },
    el(
      "div",
      { class: "omni-head" },
      el("h2", { id: "omni-title", text: t("omnichannel") }),
      toggle,
      el(
        "a",
        {
          href: "#contacts",
          class: "icon-link",
          title: t("contactCenter"),
          "aria-label": t("contactCenter"),
        },
        icon("contacts")
      )
    ),
    visibility,
    el("h3", { id: "queue-title" }, t("incoming"), " ", count("queue-count")),
    queueList,
    el("h3", { id: "open-title" }, t("openChats"), " ", count("open-count")),
    openList
  );
}

function navLinks(agent) {
  const link = (href, iconName, label, ...more) =>
    el("li", {}, el("a", { href }, icon(iconName), label, ...more));
  return el(
    "ul",
    { class: "nav-links" },
    link("#home", "home", t("home")),
    link("#contacts", "contacts", t("contactCenter")),
    link("#stats", "chart", t("statistics")),
    link("#account", "user", t("myAccount")),
    agent.role === "admin" && [
      el("li", { class: "nav-group", text: t("admin") }),
      link(
        "#admin/registrations",
        "shield",
        t("registrations"),
        el("span", { id: "registrations-waiting" })
      ),
      link("#admin/agents", "shield", t("agents")),
      link("#admin/departments", "shield", t("departments")),
      link("#admin/team-chat", "shield", t("teamChat")),
    ]
  );
}

function renderProfile() {
  const agent = session.agent;
  replace(
    shell.profileButton,
    avatar(agent.name, agent.settings.avatar),
    el("span", { class: `status-dot status-${agent.status}`, "aria-hidden": "true" }),
    el("span", { class: "profile-name", text: agent.name }),
    el("span", {
      class: "visually-hidden",
      text: `, ${t("status")}: ${t(`status_${agent.status}`)}`,
    })
  );
  replace(
    shell.profileMenu,
    el("p", { class: "menu-title", id: "status-title", text: t("status") }),
    el(
      "div",
      { role: "group", "aria-labelledby": "status-title" },
      el(
        "ul",
        {},
        STATUSES.map((status) =>
          el(
            "li",
            {},
            el(
              "button",
              {
                type: "button",
                class: "menu-item",
                "data-status": status,
                "aria-pressed": String(agent.status === status),
                onclick: () => chooseStatus(status),
              },
              el("span", { class: `status-dot status-${status}`, "aria-hidden": "true" }),
              el(
                "span",
                {},
                el("strong", { text: t(`status_${status}`) }),
                el("small", { text: t(`statusHelp_${status}`) })
              )
            )
          )
        )
      )
    ),
    el("hr"),
    el(
      "a",
      { class: "menu-item", href: "#account", onclick: () => toggleProfileMenu(false) },
      icon("user"),
      t("myAccount")
    ),
    el(
      "button",
      { type: "button", class: "menu-item", id: "sign-out", onclick: signOut },
      icon("logout"),
      t("signOut")
    )
  );
  const receiving = agent.available;
  shell.toggle.classList.toggle("on", receiving);
  shell.toggle.setAttribute("aria-pressed", String(receiving));
  shell.toggle.setAttribute("aria-label", receiving ? t("livechatOn") : t("livechatOff"));
  shell.toggle.title = receiving ? t("livechatOn") : t("livechatOff");
  replace(shell.toggle, icon("bubble"));
}

function toggleProfileMenu(open) {
  const show = open ?? shell.profileMenu.hidden;
  shell.profileMenu.hidden = !show;
  shell.profileButton.setAttribute("aria-expanded", String(show));
  if (show) shell.profileMenu.querySelector("[aria-pressed=true]")?.focus();
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && shell && !shell.profileMenu.hidden) {
    toggleProfileMenu(false);
    shell.profileButton.focus();
  }
});
document.addEventListener("click", (event) => {
  if (shell && !shell.profileMenu.hidden && !event.target.closest(".profile"))
    toggleProfileMenu(false);
  // A link to the screen on show loads it afresh (no hashchange would come).
  const link = event.target.closest("a[href^='#']");
  if (shell && link && link.getAttribute("href") === location.hash) route();
});

async function setStatus(status) {
  const agent = await api("PUT", "/me/status", { status });
  session.agent = agent;
  renderProfile();
  refreshDepartments().catch(() => {});
  return agent;
}

async function chooseStatus(status) {
  toggleProfileMenu(false);
  shell.profileButton.focus();
  autoAwaySet = false;
  try {
    await setStatus(status);
    announce(t("statusChanged", { status: t(`status_${status}`) }));
  } catch (error) {
    showError(error);
  }
}

async function toggleAvailability() {
  try {
    session.agent = await api("PUT", "/me/availability", { available: !session.agent.available });
    renderProfile();
    announce(session.agent.available ? t("livechatOn") : t("livechatOff"));
    await refreshDepartments();
  } catch (error) {
    showError(error);
  }
}

// ---- the department's button, the lists ---------------------------------------------------------

function renderVisibility() {
  if (!shell) return;
  const mine = new Set(session.agent.departments);
  const departments = live.departments.filter((d) => mine.has(d.department_id));
  if (!mine.size) {
    replace(shell.visibility, el("li", { class: "muted", text: t("noDepartments") }));
    return;
  }
  // Without a live connection the console cannot know (and this agent does not count).
  const connected = isSocketOpen();
  const stateOf = (department) => {
    if (!connected) return "unknown";
    return department.available ? "visible" : "hidden";
  };
  const words = { visible: "buttonVisible", hidden: "buttonHidden", unknown: "buttonUnknown" };
  const said = (department) => {
    const state = t(words[stateOf(department)]);
    return stateOf(department) === "hidden"
      ? t("buttonHiddenBecause", { state, reason: hiddenReason() })
      : state;
  };
  replace(
    shell.visibility,
    departments.map((department) =>
      el(
        "li",
        { class: stateOf(department), "data-department": department.department_id },
        el("span", { class: "visibility-dot", "aria-hidden": "true" }),
        t("buttonState", { department: department.name, state: said(department) })
      )
    )
  );
}

/** Why a department of this agent shows no button: the agent does not count for it (and
 * nobody else does), or, while the agent counts, only the office hours can hide it. */
function hiddenReason() {
  const { available, status } = session.agent;
  if (!available) return t("hiddenLivechatOff");
  if (status !== "online" && status !== "away")
    return t("hiddenStatus", { status: t(`status_${status}`) });
  return t("hiddenOfficeHours");
}

function roomLink(room, detail, unreadCount) {
  const current = location.hash === `#room/${room.room_id}`;
  return el(
    "li",
    {},
    el(
      "a",
      {
        href: `#room/${room.room_id}`,
        class: "room-link",
        "data-room": room.room_id,
        "aria-current": current ? "page" : undefined,
      },
      avatar(room.visitor.name),
      el(
        "span",
        { class: "room-link-text" },
        el("strong", { text: room.visitor.name }),
        el("small", { text: detail })
      ),
      unreadCount &&
        el(
          "span",
          { class: "unread-badge", "data-unread": unreadCount },
          el("span", { "aria-hidden": "true", text: unreadCount }),
          el("span", { class: "visually-hidden", text: t("unreadCount", { count: unreadCount }) })
        )
    )
  );
}

/** Renders a list of room links anew; the link that had the focus keeps it (a keyboard user
 * would otherwise lose their place, and their Enter, whenever a request arrives). */
function replaceRoomLinks(list, children) {
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.room : "";
  replace(list, children);
  if (focused) list.querySelector(`a[data-room="${CSS.escape(focused)}"]`)?.focus();
}

function renderSidebarLists() {
  if (!shell) return;
  const departmentName = (id) => live.departments.find((d) => d.department_id === id)?.name || id;
  replaceRoomLinks(
    shell.queueList,
    live.queue.length
      ? live.queue.map((room) =>
          roomLink(
            room,
            // A message left while nobody could answer says so: its answers go by email too.
            `${room.offline ? `${t("offlineLabel")} · ` : ""}${departmentName(room.department_id)} · ${t("waitingSince", { time: formatTime(room.queued_at || room.created_at) })}`
          )
        )
      : el("li", { class: "muted", text: t("noIncoming") })
  );
  replaceRoomLinks(
    shell.openList,
    live.open.length
      ? live.open.map((room) =>
          roomLink(room, departmentName(room.department_id), unread.get(room.room_id))
        )
      : el("li", { class: "muted", text: t("noOpen") })
  );
  document.getElementById("queue-count").textContent = live.queue.length
    ? `(${live.queue.length})`
    : "";
  renderTitle();
  document.getElementById("open-count").textContent = live.open.length
    ? `(${live.open.length})`
    : "";
}

on("queue-changed", () => {
  renderSidebarLists();
  renderHomeGrid();
});

/** Home's blocks follow the queue live, as the sidebar does. */
function renderHomeGrid() {
  const grid = shell?.main.querySelector(".home-grid");
  if (grid) replace(grid, homeSections(live.queue));
}
on("team-changed", () => {
  if (!shell) return;
  shell.team.renderLists();
  if (isHome()) route(); // Home shows the unread rooms
});
on("unread-changed", renderSidebarLists);
on("open-changed", renderSidebarLists);
on("departments-changed", () => {
  renderVisibility();
  renderSidebarLists();
});
on("me-changed", (agent) => {
  session.agent = agent;
  if (shell) renderProfile();
});

// S25: every new request is heard and seen, even in another tab.
on("queue", ({ event, room }) => {
  if (event !== "added") return;
  const department = live.departments.find((d) => d.department_id === room.department_id);
  const body = t("newRequestBody", { department: department?.name || room.department_id });
  alertAgent(
    t("newRequest", { name: room.visitor.name }),
    [body, handoverText(room)].filter(Boolean).join(" "),
    room.room_id
  );
});

// A refused frame (a send to a closed chat, a message too long) answers with an error event.
on("error", (refused) => toast(errorText(refused), "error"));

on("socket-closed", () => {
  if (!shell) return;
  renderVisibility();
  shell.connection.hidden = false;
  shell.connection.textContent = t("connectionLost");
  // A socket refused for good (account disabled, session ended) shows here first: a 401 on this
  // check signs the console out at once instead of retrying the socket.
  api("GET", "/me").catch(() => {});
});
on("socket-open", ({ reconnected }) => {
  if (!shell) return;
  renderVisibility();
  shell.connection.hidden = true;
  if (reconnected) toast(t("connectionBack"));
});

// ---- auto-away (S3): after the agent's delay without activity; back to online on activity -----

const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "focus"];
const AWAY_CHECK_MS = 15000;
let lastActivity = Date.now();
let autoAwaySet = false;
let awayTimer = 0;

function noteActivity() {
  lastActivity = Date.now();
  if (autoAwaySet && session.agent && session.agent.status === "away") {
    autoAwaySet = false;
    setStatus("online")
      .then(() => announce(t("statusChanged", { status: t("status_online") })))
      .catch(() => {});
  }
}

function checkAway() {
  const minutes = session.agent.settings.away_after_minutes;
  if (!minutes || session.agent.status !== "online" || autoAwaySet) return;
  if (Date.now() - lastActivity < minutes * 60000) return;
  autoAwaySet = true;
  setStatus("away")
    .then(() => announce(t("autoAway", { minutes })))
    .catch(() => {
      autoAwaySet = false;
    });
}

function startAutoAway() {
  lastActivity = Date.now();
  autoAwaySet = false;
  for (const name of ACTIVITY_EVENTS)
    window.addEventListener(name, noteActivity, { passive: true, capture: true });
  awayTimer = setInterval(checkAway, AWAY_CHECK_MS);
}

function stopAutoAway() {
  clearInterval(awayTimer);
  for (const name of ACTIVITY_EVENTS)
    window.removeEventListener(name, noteActivity, { capture: true });
}

// ---- screens -----------------------------------------------------------------------------------

function route() {
  if (!shell) return;
  const path = location.hash.replace(/^#\/?/, "");
  if (leaveScreen) leaveScreen();
  leaveScreen = null;
  toggleProfileMenu(false);
  const [, render, role] = ROUTES.find(([pattern]) => pattern.test(path)) || [];
  const main = replace(shell.main);
  if (!render || (role === "admin" && session.agent.role !== "admin")) {
    main.append(el("h1", { text: t("notFound") }));
  } else {
    const params = path.match(ROUTES.find(([pattern]) => pattern.test(path))[0]).slice(1);
    leaveScreen = render(main, ...params) || null;
  }
  for (const link of document.querySelectorAll(".sidebar a")) {
    const here = link.getAttribute("href") === `#${path || "home"}`;
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // A chat names itself once loaded (room.js); "(n)" counts waiting requests and unread messages.
  const heading = main.querySelector("h1");
  setScreenTitle(path.startsWith("room/") || !heading ? "" : heading.textContent);
  countWaitingRegistrations();
}

const isHome = () => /^(home)?$/.test(location.hash.replace(/^#\/?/, ""));

/** Admins see on the sidebar how many registrations wait for them (asked again with each
 * screen: an approval elsewhere, or a new registration, shows at the next step). */
async function countWaitingRegistrations() {
  if (session.agent.role !== "admin") return;
  const holder = document.getElementById("registrations-waiting");
  try {
    const { agents, next } = await api("GET", "/admin/agents?state=pending&limit=100");
    const count = next ? `${agents.length}+` : agents.length;
    replace(
      holder,
      agents.length &&
        el(
          "span",
          { class: "unread-badge", "data-unread": count },
          el("span", { "aria-hidden": "true", text: count }),
          el("span", { class: "visually-hidden", text: t("registrationsWaiting", { count }) })
        )
    );
  } catch {
    // The badge is a hint: the list itself says what went wrong when opened.
  }
}

function renderHome(main) {
  const agent = session.agent;
  const notifications = el("div", { class: "notifications" });
  const showNotificationState = () => {
    if (!("Notification" in window)) return replace(notifications);
    if (Notification.permission === "granted")
      return replace(notifications, el("p", { text: t("notificationsOn") }));
    if (Notification.permission === "denied")
      return replace(notifications, el("p", { text: t("notificationsBlocked") }));
    replace(
      notifications,
      el("button", {
        type: "button",
        class: "secondary",
        text: t("notificationsAsk"),
        onclick: () => Notification.requestPermission().then(showNotificationState),
      })
    );
  };
  showNotificationState();
  main.append(
    el("h1", { text: t("homeTitle", { name: agent.name }) }),
    el("p", { text: t("homeIntro") }),
    el("div", { class: "home-grid" }, homeSections(live.queue)),
    notifications
  );
}

boot();
