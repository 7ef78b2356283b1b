// Team chat (S5–S9, S22): the sidebar's Channels and Direct messages with unread badges and the
// name search (S6), the directory (S7), display options kept in the
// agent's settings (S8), "Create new" (S9), and what the Home screen shows of it (S5).
// The staff room screen is in team-room.js (its "send" label is room.js's). Direct messages
// and mentions are heard and shown like new livechat messages (alerts.js).
import { alertAgent } from "./alerts.js";
import {
  addStrings,
  announce,
  api,
  avatar,
  el,
  emit,
  errorText,
  on,
  replace,
  session,
  showError,
  t,
  toast,
} from "./core.js";

addStrings({
  de: {
    channels: "Kanäle",
    directMessages: "Direktnachrichten",
    rooms: "Räume",
    noChannels: "Noch keine Kanäle.",
    noDirect: "Noch keine Direktnachrichten.",
    createNew: "Neu erstellen",
    directory: "Verzeichnis",
    displayOptions: "Anzeige",
    searchLabel: "Suchen (Räume und Personen)",
    searchPlaceholder: "Suchen",
    searchNothing: "Nichts gefunden.",
    searchResults: "Suchergebnisse",
    people: "Personen",
    kind_channel: "Kanal",
    kind_group: "Private Gruppe",
    kind_direct: "Direktnachricht",
    kind_livechat: "Livechat",
    createTitle: "Neu erstellen",
    createKind: "Art",
    createName: "Name",
    createTopic: "Thema (optional)",
    createMembers: "Mitglieder",
    createSubmit: "Erstellen",
    createDirectHint: "Eine Direktnachricht an eine oder mehrere Personen (höchstens 7).",
    directoryTitle: "Verzeichnis",
    directoryChannels: "Kanäle",
    directoryUsers: "Benutzer",
    directoryFilter: "Nach Namen filtern",
    join: "Beitreten",
    leave: "Verlassen",
    open: "Öffnen",
    writeDirect: "Direktnachricht",
    membersCount: "{count} Mitglieder",
    membersCountOne: "1 Mitglied",
    displayTitle: "Anzeige",
    sortBy: "Sortieren nach",
    sort_activity: "Aktivität",
    sort_name: "Name",
    groupByType: "Nach Typ gruppieren",
    unreadOnTop: "Ungelesene oben",
    showAvatars: "Avatare anzeigen",
    density: "Darstellung",
    density_comfortable: "Normal",
    density_compact: "Kompakt",
    messageTo: "Nachricht an {name}",
    typingOne: "{name} schreibt …",
    noMessagesYet: "Noch keine Nachrichten.",
    mentionedYou: "{name} hat Sie erwähnt",
    directFrom: "Direktnachricht von {name}",
    homeWaiting: "Wartende Anfragen",
    homeUnread: "Ungelesene Räume",
    homeMentions: "Erwähnungen",
    homeStatus: "Ihr Status",
    homeNothingWaiting: "Keine wartenden Anfragen.",
    homeNothingUnread: "Alles gelesen.",
    homeNoMentions: "Keine neuen Erwähnungen.",
    mentionsCount: "{count} Erwähnungen",
    edited: "bearbeitet",
    deletedMessage: "Nachricht gelöscht",
    roomGone: "Dieser Raum ist nicht (mehr) für Sie sichtbar.",
    noLongerMember: "Sie sind nicht mehr Mitglied von „{name}“.",
    roomWasDeleted: "„{name}“ wurde gelöscht.",
    nowMember: "Sie sind jetzt Mitglied von „{name}“.",
  },
  en: {
    channels: "Channels",
    directMessages: "Direct messages",
    rooms: "Rooms",
    noChannels: "No channels yet.",
    noDirect: "No direct messages yet.",
    createNew: "Create new",
    directory: "Directory",
    displayOptions: "Display",
    searchLabel: "Search (rooms and people)",
    searchPlaceholder: "Search",
    searchNothing: "Nothing found.",
    searchResults: "Search results",
    people: "People",
    kind_channel: "Channel",
    kind_group: "Private group",
    kind_direct: "Direct message",
    kind_livechat: "Livechat",
    createTitle: "Create new",
    createKind: "Type",
    createName: "Name",
    createTopic: "Topic (optional)",
    createMembers: "Members",
    createSubmit: "Create",
    createDirectHint: "A direct message to one or more people (at most 7).",
    directoryTitle: "Directory",
    directoryChannels: "Channels",
    directoryUsers: "Users",
    directoryFilter: "Filter by name",
    join: "Join",
    leave: "Leave",
    open: "Open",
    writeDirect: "Direct message",
    membersCount: "{count} members",
    membersCountOne: "1 member",
    displayTitle: "Display",
    sortBy: "Sort by",
    sort_activity: "Activity",
    sort_name: "Name",
    groupByType: "Group by type",
    unreadOnTop: "Unread on top",
    showAvatars: "Show avatars",
    density: "Density",
    density_comfortable: "Comfortable",
    density_compact: "Compact",
    messageTo: "Message to {name}",
    typingOne: "{name} is typing …",
    noMessagesYet: "No messages yet.",
    mentionedYou: "{name} mentioned you",
    directFrom: "Direct message from {name}",
    homeWaiting: "Waiting requests",
    homeUnread: "Unread rooms",
    homeMentions: "Mentions",
    homeStatus: "Your status",
    homeNothingWaiting: "No waiting requests.",
    homeNothingUnread: "All read.",
    homeNoMentions: "No new mentions.",
    mentionsCount: "{count} mentions",
    edited: "edited",
    deletedMessage: "Message deleted",
    roomGone: "This room is not (or no longer) visible to you.",
    noLongerMember: "You are no longer a member of “{name}”.",
    roomWasDeleted: "“{name}” was deleted.",
    nowMember: "You are now a member of “{name}”.",
  },
});

/** The agent's staff rooms (GET /me/rooms), kept current by the socket's events. */
export const team = { rooms: [] };

/** "1 Mitglied", "3 Mitglieder". */
export const membersText = (count) =>
  count === 1 ? t("membersCountOne") : t("membersCount", { count });

export const roomHash = (roomId) => `#room/${roomId}`;
const inView = (roomId) =>
  location.hash === roomHash(roomId) && document.visibilityState === "visible";

/** Drops a room one leaves or deletes at once, so that the socket's "removed" is no news. */
export function forgetRoom(roomId) {
  team.rooms = team.rooms.filter((room) => room.room_id !== roomId);
  emit("team-changed", team);
}

// Being added to a room or losing one (removed, or the room deleted) is news when someone else
// did it: a room one joins is in view, a room one leaves or deletes is forgotten first.
function noticeRoomChange({ event, room, reason }) {
  const known = team.rooms.some((r) => r.room_id === room.room_id);
  if (event === "removed" && known)
    toast(t(reason === "deleted" ? "roomWasDeleted" : "noLongerMember", { name: room.name }));
  if (event === "added" && !known && !inView(room.room_id))
    toast(t("nowMember", { name: room.name }));
}

export async function refreshTeam() {
  try {
    team.rooms = (await api("GET", "/me/rooms?sort=activity")).rooms;
  } catch {
    return; // signed out meanwhile, or offline: the next event or reconnect tries again
  }
  emit("team-changed", team);
}

function display() {
  const settings = session.agent.settings;
  return {
    sort: settings.room_sort || "activity",
    grouped: settings.group_by_type !== false,
    unreadOnTop: settings.unread_on_top === true,
    avatars: settings.show_avatars !== false,
  };
}

function ordered(rooms) {
  const { sort, unreadOnTop } = display();
  const byName = (a, b) => a.name.localeCompare(b.name, session.lang);
  const byActivity = (a, b) =>
    (b.last_message_at || b.created_at).localeCompare(a.last_message_at || a.created_at);
  const list = [...rooms].sort(sort === "name" ? byName : byActivity);
  if (unreadOnTop) list.sort((a, b) => Number(b.unread > 0) - Number(a.unread > 0));
  return list;
}

// ---- the sidebar -------------------------------------------------------------------------------

function badge(count) {
  if (!count) return null;
  return el(
    "span",
    { class: "unread-badge", "data-unread": count },
    el("span", { "aria-hidden": "true", text: count }),
    el("span", { class: "visually-hidden", text: t("unreadCount", { count }) })
  );
}

function teamLink(room) {
  const current = location.hash === roomHash(room.room_id);
  const mark = room.kind === "direct" ? "@" : room.kind === "group" ? "🔒" : "#";
  return el(
    "li",
    {},
    el(
      "a",
      {
        href: roomHash(room.room_id),
        class: "room-link",
        "data-team-room": room.room_id,
        "data-kind": room.kind,
        "aria-current": current ? "page" : undefined,
      },
      display().avatars
        ? avatar(room.name)
        : el("span", { class: "kind-mark", "aria-hidden": "true", text: mark }),
      el(
        "span",
        { class: "room-link-text" },
        el("strong", { text: room.name }),
        el("small", { text: t(`kind_${room.kind}`) })
      ),
      badge(room.unread)
    )
  );
}

function section(id, title, rooms, empty) {
  return el(
    "section",
    { class: "team-section", "aria-labelledby": `${id}-title` },
    el("h2", { id: `${id}-title`, text: title }),
    el(
      "ul",
      { class: "room-list", id },
      rooms.length ? rooms.map(teamLink) : el("li", { class: "muted", text: empty })
    )
  );
}

/** The sidebar's team part: search, then Channels and Direct messages (or one list). */
export function teamSidebar() {
  const lists = el("div", { id: "team-lists" });
  const results = el("div", { id: "search-results", "aria-live": "polite" });
  const search = el("input", {
    type: "search",
    id: "sidebar-search",
    name: "q",
    placeholder: t("searchPlaceholder"),
    "aria-label": t("searchLabel"),
    autocomplete: "off",
  });
  let pending = 0;
  search.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(() => runSearch(search.value.trim(), results), 200);
  });
  const renderLists = () => {
    const rooms = ordered(team.rooms);
    if (!display().grouped) {
      replace(lists, section("team-rooms", t("rooms"), rooms, t("noChannels")));
      return;
    }
    replace(
      lists,
      section(
        "channel-list",
        t("channels"),
        rooms.filter((r) => r.kind !== "direct"),
        t("noChannels")
      ),
      section(
        "direct-list",
        t("directMessages"),
        rooms.filter((r) => r.kind === "direct"),
        t("noDirect")
      )
    );
  };
  renderLists();
  const node = el(
    "div",
    { class: "team" },
    el("div", { class: "sidebar-search", role: "search" }, search),
    results,
    lists,
    el(
      "ul",
      { class: "nav-links team-links" },
      el("li", {}, el("a", { href: "#create", id: "create-new" }, t("createNew"))),
      el("li", {}, el("a", { href: "#directory" }, t("directory"))),
      el("li", {}, el("a", { href: "#display" }, t("displayOptions")))
    )
  );
  node.renderLists = renderLists;
  return node;
}

async function runSearch(query, results) {
  if (!query) return replace(results);
  let found;
  try {
    found = await api("GET", `/search?q=${encodeURIComponent(query.slice(0, 64))}`);
  } catch (error) {
    return replace(results, el("p", { class: "form-error", text: errorText(error) }));
  }
  const rooms = found.rooms.map((room) =>
    el(
      "li",
      {},
      el(
        "a",
        { href: roomHash(room.room_id), class: "search-hit", "data-hit": room.room_id },
        el("strong", { text: room.name }),
        " ",
        el("small", { text: t(`kind_${room.kind}`) })
      )
    )
  );
  const people = found.users
    .filter((user) => user.agent_id !== session.agent.agent_id)
    .map((user) =>
      el(
        "li",
        {},
        el("button", {
          type: "button",
          class: "link search-hit",
          "data-hit": user.agent_id,
          text: `${user.name} · ${t("writeDirect")}`,
          onclick: () => openDirect([user.agent_id]),
        })
      )
    );
  replace(
    results,
    el("h2", { class: "visually-hidden", text: t("searchResults") }),
    rooms.length || people.length
      ? el("ul", { class: "search-list" }, rooms, people)
      : el("p", { class: "muted", text: t("searchNothing") })
  );
}

export async function openDirect(agentIds) {
  try {
    const room = await api("POST", "/direct", { agent_ids: agentIds });
    await refreshTeam();
    location.hash = roomHash(room.room_id);
  } catch (error) {
    showError(error);
  }
}

// ---- live: messages, unread, alerts -----------------------------------------------------------

export function startTeam() {
  const offs = [
    on("message", ({ message, mentions }) => {
      const room = team.rooms.find((r) => r.room_id === message.room_id);
      // An edit or deletion is no news: it neither counts as unread nor moves the room's
      // activity back to the message's original time.
      if (!room || message.edited_at || message.deleted_at) return;
      const mine = message.author.id === session.agent.agent_id;
      room.last_message_at = message.created_at;
      room.last_seq = Math.max(room.last_seq, message.seq);
      if (mine || inView(room.room_id)) {
        emit("team-changed", team);
        return;
      }
      room.unread = (room.unread || 0) + 1;
      const mentioned = (mentions || []).includes(session.agent.agent_id);
      if (mentioned) room.mentions = (room.mentions || 0) + 1;
      emit("team-changed", team);
      if (mentioned) {
        alertAgent(t("mentionedYou", { name: message.author.name }), message.text, room.room_id);
      } else if (room.kind === "direct") {
        alertAgent(t("directFrom", { name: message.author.name }), message.text, room.room_id);
      }
    }),
    on("staff_room", (change) => {
      noticeRoomChange(change);
      refreshTeam();
    }),
    on("socket-open", ({ reconnected }) => reconnected && refreshTeam()),
  ];
  refreshTeam();
  return () => {
    for (const off of offs) off();
    team.rooms = [];
  };
}

// ---- "Create new" (S9) -------------------------------------------------------------------------

export async function colleagues(query = "") {
  const path = `/directory?type=users${query ? `&q=${encodeURIComponent(query)}` : ""}`;
  return (await api("GET", path)).users.filter((u) => u.agent_id !== session.agent.agent_id);
}

function createFields() {
  const kind = el(
    "select",
    { id: "create-kind", name: "kind" },
    ["channel", "group", "direct"].map((k) => el("option", { value: k, text: t(`kind_${k}`) }))
  );
  const name = el("input", { id: "create-name", name: "name", maxLength: 64 });
  const topic = el("input", { id: "create-topic", name: "topic", maxLength: 250 });
  const members = el("fieldset", { class: "members" }, el("legend", { text: t("createMembers") }));
  const error = el("p", { class: "form-error", role: "alert" });
  const nameFields = el(
    "div",
    {},
    el("div", { class: "field" }, el("label", { for: "create-name", text: t("createName") }), name),
    el(
      "div",
      { class: "field" },
      el("label", { for: "create-topic", text: t("createTopic") }),
      topic
    )
  );
  const hint = el("p", { class: "hint", text: t("createDirectHint"), hidden: true });
  kind.addEventListener("change", () => {
    nameFields.hidden = kind.value === "direct";
    hint.hidden = kind.value !== "direct";
  });
  return { kind, name, topic, members, error, nameFields, hint };
}

export function renderCreate(main) {
  const { kind, name, topic, members, error, nameFields, hint } = createFields();
  const form = el(
    "form",
    { class: "stack", "aria-labelledby": "create-title" },
    el("div", { class: "field" }, el("label", { for: "create-kind", text: t("createKind") }), kind),
    hint,
    nameFields,
    members,
    error,
    el("button", { type: "submit", class: "primary", text: t("createSubmit") })
  );
  main.append(el("h1", { id: "create-title", text: t("createTitle") }), form);
  colleagues()
    .then((users) => {
      members.append(
        ...users.map((user) =>
          el(
            "label",
            { class: "check" },
            el("input", { type: "checkbox", name: "member", value: user.agent_id }),
            ` ${user.name}`
          )
        )
      );
    })
    .catch(showError);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const chosen = [...members.querySelectorAll("input:checked")].map((box) => box.value);
    try {
      const room =
        kind.value === "direct"
          ? await api("POST", "/direct", { agent_ids: chosen })
          : await api("POST", "/channels", {
              kind: kind.value,
              name: name.value.trim(),
              topic: topic.value.trim() || null,
              members: chosen,
            });
      await refreshTeam();
      announce(room.name);
      location.hash = roomHash(room.room_id);
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  name.focus();
}

// ---- the directory (S7) ------------------------------------------------------------------------

async function userEntries(query) {
  return (await colleagues(query)).map((user) =>
    el(
      "li",
      {},
      el("strong", { text: user.name }),
      " ",
      el("button", {
        type: "button",
        class: "link",
        text: t("writeDirect"),
        onclick: () => openDirect([user.agent_id]),
      })
    )
  );
}

async function channelEntries(query) {
  const path = `/directory?type=channels${query ? `&q=${encodeURIComponent(query)}` : ""}`;
  const { rooms } = await api("GET", path);
  return rooms.map((room) =>
    el(
      "li",
      {},
      el("a", { href: roomHash(room.room_id), text: room.name }),
      " ",
      el("small", {
        text: `${t(`kind_${room.kind}`)} · ${membersText(room.members_count)}`,
      })
    )
  );
}

export function renderDirectory(main) {
  let type = "channels";
  const filter = el("input", { type: "search", id: "directory-filter", name: "q" });
  const results = el("ul", { class: "directory-list", id: "directory-results" });
  const tab = (value, label) =>
    el("button", {
      type: "button",
      class: "secondary",
      "data-type": value,
      "aria-pressed": String(type === value),
      text: label,
      onclick: (event) => {
        type = value;
        for (const other of event.target.parentNode.children)
          other.setAttribute("aria-pressed", String(other.dataset.type === type));
        load();
      },
    });
  const load = async () => {
    const q = filter.value.trim();
    try {
      replace(results, type === "users" ? await userEntries(q) : await channelEntries(q));
    } catch (error) {
      showError(error);
    }
  };
  let pending = 0;
  filter.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(load, 200);
  });
  main.append(
    el("h1", { text: t("directoryTitle") }),
    el(
      "div",
      { class: "tabs", role: "group", "aria-label": t("directoryTitle") },
      tab("channels", t("directoryChannels")),
      tab("users", t("directoryUsers"))
    ),
    el(
      "div",
      { class: "field" },
      el("label", { for: "directory-filter", text: t("directoryFilter") }),
      filter
    ),
    results
  );
  load();
}

// ---- display options (S8) ----------------------------------------------------------------------

export function renderDisplay(main) {
  const settings = session.agent.settings;
  const radios = (name, values, current) =>
    el(
      "fieldset",
      {},
      el("legend", { text: t(name === "room_sort" ? "sortBy" : "density") }),
      values.map((value) =>
        el(
          "label",
          { class: "check" },
          el("input", {
            type: "radio",
            name,
            value,
            checked: current === value,
          }),
          ` ${t(`${name === "room_sort" ? "sort" : "density"}_${value}`)}`
        )
      )
    );
  const check = (name, label, checked) =>
    el("label", { class: "check" }, el("input", { type: "checkbox", name, checked }), ` ${label}`);
  const form = el(
    "form",
    { class: "stack", id: "display-form", "aria-labelledby": "display-title" },
    radios("room_sort", ["activity", "name"], settings.room_sort || "activity"),
    check("group_by_type", t("groupByType"), settings.group_by_type !== false),
    check("unread_on_top", t("unreadOnTop"), settings.unread_on_top === true),
    check("show_avatars", t("showAvatars"), settings.show_avatars !== false),
    radios("density", ["comfortable", "compact"], settings.density || "comfortable"),
    el("button", { type: "submit", class: "primary", text: t("save") })
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.querySelector(`input[name=${name}]:checked`)?.value;
    const checked = (name) => form.querySelector(`input[name=${name}]`).checked;
    try {
      const agent = await api("PATCH", "/me", {
        settings: {
          room_sort: value("room_sort"),
          density: value("density"),
          group_by_type: checked("group_by_type"),
          unread_on_top: checked("unread_on_top"),
          show_avatars: checked("show_avatars"),
        },
      });
      session.agent = agent;
      announce(t("saved"));
      emit("agent-changed", agent);
    } catch (error) {
      showError(error);
    }
  });
  main.append(el("h1", { id: "display-title", text: t("displayTitle") }), form);
}

// ---- Home (S5): what needs attention -----------------------------------------------------------

export function homeSections(queue) {
  const unreadRooms = ordered(team.rooms).filter((room) => room.unread > 0);
  const mentioned = team.rooms.filter((room) => room.mentions > 0);
  const block = (id, title, items, empty) =>
    el(
      "section",
      { class: "home-block", "aria-labelledby": id },
      el("h2", { id, text: title }),
      items.length ? el("ul", {}, items) : el("p", { class: "muted", text: empty })
    );
  const roomItem = (room, detail) =>
    el("li", {}, el("a", { href: roomHash(room.room_id), text: room.name }), " ", detail);
  return [
    block(
      "home-status",
      t("homeStatus"),
      [el("li", { text: t(`status_${session.agent.status}`) })],
      ""
    ),
    block(
      "home-waiting",
      t("homeWaiting"),
      queue.map((room) =>
        el("li", {}, el("a", { href: roomHash(room.room_id), text: room.visitor.name }))
      ),
      t("homeNothingWaiting")
    ),
    block(
      "home-unread",
      t("homeUnread"),
      unreadRooms.map((room) => roomItem(room, badge(room.unread))),
      t("homeNothingUnread")
    ),
    block(
      "home-mentions",
      t("homeMentions"),
      mentioned.map((room) =>
        roomItem(room, el("small", { text: t("mentionsCount", { count: room.mentions }) }))
      ),
      t("homeNoMentions")
    ),
  ];
}
