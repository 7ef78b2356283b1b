// The contact center (S11–S13, S16): contacts (Guest-N and what agents added), the agent's
// chats with room info and history, a trash icon per closed chat and "delete all closed chats".
import {
  addStrings,
  api,
  apiAll,
  confirmDialog,
  el,
  errorText,
  formatDateTime,
  icon,
  replace,
  showError,
  t,
  toast,
} from "./core.js";
import { editContact } from "./contact-form.js";
import { live } from "./live.js";
import { messageLine } from "./room.js";

addStrings({
  de: {
    withFiles: "mit Dateien ({n})",
    contacts: "Kontakte",
    chats: "Chats",
    contactsIntro:
      "Chat-Teilnehmende sind anonym: nur der Zähler hinter »Guest« erkennt sie wieder, solange " +
      "sie ihren Browser nicht geschlossen oder ihre Daten gelöscht haben.",
    noContacts: "Noch keine Kontakte.",
    visitor: "Gast",
    contactInfo: "Kontaktinformation",
    chatCount: "Chats",
    lastChat: "Letzter Chat",
    chatsIntro:
      "Alle geführten Chats sollten direkt nach dem Ende oder am Ende des Tages aus " +
      "Datenschutzgründen gelöscht werden. Nur beendete Chats können gelöscht werden.",
    filter: "Status",
    allStates: "alle",
    noChats: "Keine Chats.",
    moreActions: "Weitere Aktionen",
    actions: "Aktionen",
    deleteAllClosed: "Alle geschlossenen Chats löschen",
    deleteAllTitle: "Alle geschlossenen Chats löschen?",
    deleteAllText:
      "Alle beendeten Chats, die Sie sehen dürfen, werden mit ihrem Verlauf endgültig gelöscht. " +
      "Offene Chats bleiben.",
    deletedCount: "{count} Chats gelöscht.",
    deletingCount: "{count} Chats gelöscht, weitere werden gelöscht …",
    deleteOne: "Chat von {name} löschen",
    cannotDeleteOpen: "Offene Chats können nicht gelöscht werden – schließen Sie den Chat zuerst.",
    roomInfo: "Rauminformation",
    time: "Zeit",
    createdOn: "Erstellt",
    takenOn: "Übernommen",
    closedOn: "Beendet",
    deletesOn: "Wird gelöscht",
    state: "Status",
    agentCol: "Chat-Agent:in",
    showHistory: "Chatverlauf anzeigen",
    hideHistory: "Chatverlauf ausblenden",
    openChat: "Zum Chat",
    selectChat: "Wählen Sie einen Chat, um die Rauminformation zu sehen.",
    loadMore: "Mehr laden",
    none: "–",
  },
  en: {
    withFiles: "with files ({n})",
    contacts: "Contacts",
    chats: "Chats",
    contactsIntro:
      "Visitors are anonymous: only the counter after “Guest” recognises them, as long as they " +
      "have not closed their browser or deleted their data.",
    noContacts: "No contacts yet.",
    visitor: "Guest",
    contactInfo: "Contact information",
    chatCount: "Chats",
    lastChat: "Last chat",
    chatsIntro:
      "For privacy, delete every chat right after it ends or at the end of the day. Only closed " +
      "chats can be deleted.",
    filter: "State",
    allStates: "all",
    noChats: "No chats.",
    moreActions: "More actions",
    actions: "Actions",
    deleteAllClosed: "Delete all closed chats",
    deleteAllTitle: "Delete all closed chats?",
    deleteAllText:
      "Every closed chat you may see is deleted with its history for good. Open chats stay.",
    deletedCount: "{count} chats deleted.",
    deletingCount: "{count} chats deleted, deleting more …",
    deleteOne: "Delete the chat with {name}",
    cannotDeleteOpen: "Open chats cannot be deleted – close the chat first.",
    roomInfo: "Room information",
    time: "Time",
    createdOn: "Created",
    takenOn: "Taken",
    closedOn: "Closed",
    deletesOn: "Deleted on",
    state: "State",
    agentCol: "Agent",
    showHistory: "Show conversation",
    hideHistory: "Hide conversation",
    openChat: "Go to the chat",
    selectChat: "Choose a chat to see its room information.",
    loadMore: "Load more",
    none: "–",
  },
});

function tabs(current) {
  return el(
    "nav",
    { class: "tabs", "aria-label": t("contactCenter") },
    el("a", {
      href: "#contacts",
      "aria-current": current === "contacts" ? "page" : undefined,
      text: t("contacts"),
    }),
    el("a", {
      href: "#chats",
      "aria-current": current === "chats" ? "page" : undefined,
      text: t("chats"),
    })
  );
}

function departmentName(id) {
  return live.departments.find((d) => d.department_id === id)?.name || id;
}

function contactSummary(contact) {
  const info = contact.contact;
  const known = info && [info.name, info.email, info.phone].filter(Boolean).join(" · ");
  return known || t("contactUnknown");
}

// ---- contacts ----------------------------------------------------------------------------------

export function renderContacts(main) {
  const body = el("div", {}, el("p", { role: "status", text: t("loading") }));
  main.append(
    el("h1", { text: t("contactCenter") }),
    tabs("contacts"),
    el("p", { class: "muted", text: t("contactsIntro") }),
    body
  );
  apiAll("/contacts?limit=100", "contacts")
    .then((contacts) => {
      if (!contacts.length)
        return replace(body, el("p", { class: "empty", text: t("noContacts") }));
      replace(
        body,
        el(
          "table",
          { id: "contacts-table" },
          el("caption", { class: "visually-hidden", text: t("contacts") }),
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              [t("visitor"), t("contactInfo"), t("chatCount"), t("lastChat")].map((h) =>
                el("th", { scope: "col", text: h })
              )
            )
          ),
          el(
            "tbody",
            {},
            contacts.map((contact) =>
              el(
                "tr",
                { "data-visitor": contact.visitor_id },
                el(
                  "td",
                  {},
                  el("a", { href: `#contacts/${contact.visitor_id}`, text: contact.name })
                ),
                el("td", { text: contactSummary(contact) }),
                el("td", { text: String(contact.rooms.length) }),
                el("td", {
                  text: contact.rooms.length
                    ? formatDateTime(contact.rooms[0].created_at)
                    : t("none"),
                })
              )
            )
          )
        )
      );
    })
    .catch((error) => replace(body, el("p", { role: "alert", text: errorText(error) })));
}

export function renderContact(main, visitorId) {
  const body = el("div", {}, el("p", { role: "status", text: t("loading") }));
  main.append(tabs("contacts"), body);
  const show = (contact) => {
    const info = contact.contact || {};
    replace(
      body,
      el("h1", { text: contact.name }),
      el(
        "dl",
        { class: "info" },
        el("dt", { text: t("contactName") }),
        el("dd", { text: info.name || t("none") }),
        el("dt", { text: t("contactEmail") }),
        el("dd", { text: info.email || t("none") }),
        el("dt", { text: t("contactPhone") }),
        el("dd", { text: info.phone || t("none") }),
        el("dt", { text: t("contactNote") }),
        el("dd", { text: info.note || t("none") })
      ),
      el("button", {
        type: "button",
        class: "secondary",
        id: "edit-contact",
        text: contact.contact ? t("editContact") : t("addContact"),
        onclick: async () => {
          const saved = await editContact(contact, contact.contact);
          if (saved) {
            toast(t("contactSaved"));
            show(saved);
          }
        },
      }),
      el("h2", { class: "section-title", text: t("chats") }),
      roomsTable(contact.rooms, () => renderContactAgain())
    );
  };
  const renderContactAgain = () =>
    api("GET", `/contacts/${visitorId}`)
      .then(show)
      .catch((error) => replace(body, el("p", { role: "alert", text: errorText(error) })));
  renderContactAgain();
}

// ---- chats -------------------------------------------------------------------------------------

export function renderChats(main, selectedId) {
  const stateFilter = el(
    "select",
    { id: "chat-state", name: "state" },
    el("option", { value: "", text: t("allStates") }),
    ["open", "queued", "closed"].map((state) =>
      el("option", { value: state, text: t(`state_${state}`) })
    )
  );
  stateFilter.value = sessionStorage.getItem("livechat-console:chat-state") || "";
  const { menu, menuButton } = chatsMenu(() => deleteAll());
  const list = el("div", { class: "chat-list" }, el("p", { role: "status", text: t("loading") }));
  const detail = el("aside", { class: "panel", id: "room-info", "aria-label": t("roomInfo") });
  main.append(
    el("h1", { text: t("contactCenter") }),
    tabs("chats"),
    el("p", { class: "muted", text: t("chatsIntro") }),
    el(
      "div",
      { class: "toolbar" },
      el("label", { for: "chat-state", text: t("filter") }),
      stateFilter,
      el("span", { class: "spacer" }),
      el("div", { class: "profile" }, menuButton, menu)
    ),
    el("div", { class: "split" }, list, detail)
  );

  async function load() {
    const state = stateFilter.value;
    try {
      const rooms = await apiAll(`/rooms?limit=100${state ? `&state=${state}` : ""}`, "rooms");
      replace(
        list,
        rooms.length
          ? roomsTable(rooms, load, selectedId)
          : el("p", { class: "empty", text: t("noChats") })
      );
    } catch (error) {
      replace(list, el("p", { role: "alert", text: errorText(error) }));
    }
  }

  async function deleteAll() {
    if (!(await confirmDialog(t("deleteAllTitle"), t("deleteAllText"), t("deleteAllClosed")))) {
      menuButton.focus();
      return;
    }
    // One request deletes a few hundred at most; the answer says whether more are left.
    let count = 0;
    try {
      for (let more = true; more; ) {
        const answer = await api("DELETE", "/rooms?state=closed");
        count += answer.deleted;
        more = answer.more === true && answer.deleted > 0;
        if (more) toast(t("deletingCount", { count }));
      }
      toast(t("deletedCount", { count }));
    } catch (error) {
      showError(error);
    }
    if (selectedId) location.hash = "#chats";
    else load();
  }

  stateFilter.addEventListener("change", () => {
    sessionStorage.setItem("livechat-console:chat-state", stateFilter.value);
    load();
  });
  load();
  showRoomInfo(detail, selectedId);
}

/** The "…" menu of the chats list, with "delete all closed chats". */
function chatsMenu(deleteAll) {
  const menu = el("div", { class: "menu", id: "chats-menu", hidden: true });
  const menuButton = el(
    "button",
    {
      type: "button",
      class: "icon-button",
      id: "chats-menu-button",
      "aria-label": t("moreActions"),
      "aria-haspopup": "true",
      "aria-expanded": "false",
      "aria-controls": "chats-menu",
    },
    icon("dots")
  );
  const toggle = (open) => {
    menu.hidden = !open;
    menuButton.setAttribute("aria-expanded", String(open));
  };
  menuButton.addEventListener("click", () => {
    toggle(menu.hidden);
    if (!menu.hidden) menu.querySelector("button").focus();
  });
  const deleteButton = el("button", {
    type: "button",
    class: "menu-item",
    id: "delete-all-closed",
  });
  deleteButton.append(icon("trash"), t("deleteAllClosed"));
  deleteButton.addEventListener("click", () => {
    toggle(false);
    deleteAll();
  });
  menu.append(deleteButton);
  menu.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    toggle(false);
    menuButton.focus();
  });
  return { menu, menuButton };
}

/** Rooms with state, department, agent and times; the trash icon only for closed ones. */
function roomsTable(rooms, reload, selectedId) {
  return el(
    "table",
    { class: "rooms-table" },
    el("caption", { class: "visually-hidden", text: t("chats") }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        [t("visitor"), t("department"), t("agentCol"), t("state"), t("createdOn")].map((h) =>
          el("th", { scope: "col", text: h })
        ),
        el("th", { scope: "col" }, el("span", { class: "visually-hidden", text: t("actions") }))
      )
    ),
    el(
      "tbody",
      {},
      rooms.map((room) =>
        el(
          "tr",
          {
            "data-room": room.room_id,
            class: room.room_id === selectedId ? "selected" : undefined,
          },
          el(
            "td",
            {},
            el("a", {
              href: `#chats/${room.room_id}`,
              "aria-current": room.room_id === selectedId ? "true" : undefined,
              text: room.visitor.name,
            })
          ),
          el("td", { text: departmentName(room.department_id) }),
          el("td", { text: room.agent ? room.agent.name : t("none") }),
          el(
            "td",
            {},
            el("span", { class: `state state-${room.state}`, text: t(`state_${room.state}`) }),
            room.files > 0 &&
              el("span", { class: "with-files", text: t("withFiles", { n: room.files }) })
          ),
          el("td", { text: formatDateTime(room.created_at) }),
          el("td", {}, trashButton(room, reload))
        )
      )
    )
  );
}

function trashButton(room, reload) {
  const closed = room.state === "closed";
  const label = closed ? t("deleteOne", { name: room.visitor.name }) : t("cannotDeleteOpen");
  return el(
    "button",
    {
      type: "button",
      class: "icon-button trash",
      "aria-label": label,
      title: label,
      "aria-disabled": closed ? undefined : "true",
      onclick: async () => {
        if (!closed) return toast(t("cannotDeleteOpen"), "error");
        if (!(await confirmDialog(t("deleteTitle"), t("deleteText"), t("deleteChat")))) return;
        try {
          await api("DELETE", `/rooms/${room.room_id}`);
          toast(t("deleted"));
          if (location.hash === `#chats/${room.room_id}`) location.hash = "#chats";
          else reload();
        } catch (error) {
          showError(error);
        }
      },
    },
    icon("trash")
  );
}

async function showRoomInfo(panel, roomId) {
  if (!roomId) return replace(panel, el("p", { class: "muted", text: t("selectChat") }));
  replace(panel, el("p", { role: "status", text: t("loading") }));
  let room;
  try {
    room = await api("GET", `/rooms/${roomId}`);
  } catch (error) {
    return replace(panel, el("p", { role: "alert", text: errorText(error) }));
  }
  const history = el("ol", {
    class: "log",
    id: "history",
    "aria-label": t("conversation"),
    hidden: true,
    tabindex: "0",
  });
  const toggle = el("button", {
    type: "button",
    class: "secondary",
    id: "show-history",
    "aria-expanded": "false",
    "aria-controls": "history",
    text: t("showHistory"),
    onclick: async () => {
      const show = history.hidden;
      history.hidden = !show;
      toggle.setAttribute("aria-expanded", String(show));
      toggle.textContent = show ? t("hideHistory") : t("showHistory");
      if (show) {
        try {
          const messages = await apiAll(`/rooms/${roomId}/messages?after=0&limit=200`, "messages");
          replace(history, messages.map(messageLine));
        } catch (error) {
          replace(history, el("li", { role: "alert", text: errorText(error) }));
        }
      }
    },
  });
  const row = (label, value) => [el("dt", { text: label }), el("dd", { text: value || t("none") })];
  replace(
    panel,
    el("h2", { text: `${t("roomInfo")}: ${room.visitor.name}` }),
    el(
      "dl",
      { class: "info" },
      row(t("state"), t(`state_${room.state}`)),
      row(t("department"), departmentName(room.department_id)),
      row(t("agentCol"), room.agent?.name),
      row(t("createdOn"), formatDateTime(room.created_at)),
      row(t("takenOn"), room.taken_at && formatDateTime(room.taken_at)),
      row(t("closedOn"), room.closed_at && formatDateTime(room.closed_at)),
      row(t("time"), duration(room)),
      row(t("deletesOn"), room.expires_at && formatDateTime(room.expires_at))
    ),
    el(
      "div",
      { class: "actions" },
      toggle,
      room.state !== "closed" && el("a", { href: `#room/${room.room_id}`, text: t("openChat") })
    ),
    history
  );
}

/** How long the chat ran, from its creation to its end (or until now). */
function duration(room) {
  const end = room.closed_at ? new Date(room.closed_at) : new Date();
  const minutes = Math.max(0, Math.round((end - new Date(room.created_at)) / 60000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
