// A channel's or group's members and what its owner (or an administrator) may do with it:
// rename it and set its topic, add and remove members, delete it. Everyone affected hears of
// it over the socket (`staff_room`), which team.js and team-room.js follow.
import {
  addStrings,
  announce,
  api,
  confirmDialog,
  el,
  field,
  formDialog,
  replace,
  session,
  showError,
  t,
  toast,
} from "./core.js";
import { colleagues, forgetRoom, refreshTeam } from "./team.js";

addStrings({
  de: {
    editRoom: "Raum bearbeiten",
    editRoomTitle: "„{name}“ bearbeiten",
    roomName: "Name",
    roomTopic: "Thema",
    deleteRoom: "Raum löschen",
    deleteRoomTitle: "„{name}“ löschen?",
    deleteRoomText:
      "Der Raum verschwindet für alle Mitglieder. Das lässt sich nicht rückgängig machen.",
    roomDeleted: "„{name}“ ist gelöscht.",
    members: "Mitglieder",
    role_owner: "Besitzer:in",
    removeMember: "Entfernen",
    removeMemberTitle: "{name} aus „{room}“ entfernen?",
    removeMemberText:
      "{name} verliert den Raum aus der Seitenleiste und kann darin nicht mehr schreiben.",
    memberRemoved: "{name} ist entfernt.",
    addMember: "Person hinzufügen",
    addMemberSubmit: "Hinzufügen",
    memberAdded: "{name} ist hinzugefügt.",
    noOneToAdd: "Alle aktiven Kolleg:innen sind schon Mitglied.",
  },
  en: {
    editRoom: "Edit room",
    editRoomTitle: "Edit “{name}”",
    roomName: "Name",
    roomTopic: "Topic",
    deleteRoom: "Delete room",
    deleteRoomTitle: "Delete “{name}”?",
    deleteRoomText: "The room disappears for all members. This cannot be undone.",
    roomDeleted: "“{name}” is deleted.",
    members: "Members",
    role_owner: "owner",
    removeMember: "Remove",
    removeMemberTitle: "Remove {name} from “{room}”?",
    removeMemberText: "{name} loses the room from the sidebar and can no longer write in it.",
    memberRemoved: "{name} is removed.",
    addMember: "Add a person",
    addMemberSubmit: "Add",
    memberAdded: "{name} is added.",
    noOneToAdd: "All active colleagues are members already.",
  },
});

/** Owners and administrators manage channels and groups; a direct room has no owner. */
export const mayManage = (room) =>
  room.kind !== "direct" && (room.role === "owner" || session.agent.role === "admin");

const channelPath = (room) => `/channels/${encodeURIComponent(room.room_id)}`;

/** "Raum bearbeiten" and "Raum löschen" for those who may manage the room. */
export function ownerControls(screen) {
  const button = (id, text, kind, onclick) =>
    el("button", { type: "button", id, class: kind, text, onclick });
  return [
    button("edit-room", t("editRoom"), "secondary", () => editRoom(screen)),
    button("delete-room", t("deleteRoom"), "danger", () => deleteRoom(screen.room)),
  ];
}

async function editRoom(screen) {
  const room = screen.room;
  const roomField = (id, label, value, maxLength) => {
    const input = el("input", { name: id.slice("room-".length), value, maxLength });
    return { input, node: field(id, label, input) };
  };
  const name = roomField("room-name", t("roomName"), room.name, 64);
  const topic = roomField("room-topic", t("roomTopic"), room.topic || "", 250);
  try {
    const changed = await formDialog({
      title: t("editRoomTitle", { name: room.name }),
      body: [name.node, topic.node],
      confirm: t("save"),
      inputs: { name: name.input, topic: topic.input },
      submit: () =>
        api("PATCH", channelPath(room), {
          name: name.input.value.trim(),
          topic: topic.input.value.trim(),
        }),
    });
    if (!changed) return;
    announce(t("saved"));
    // An administrator who is no member hears no `staff_room` event: show the change at once.
    await screen.load();
    await refreshTeam();
  } catch (error) {
    showError(error);
  }
}

async function deleteRoom(room) {
  const confirmed = await confirmDialog(
    t("deleteRoomTitle", { name: room.name }),
    t("deleteRoomText"),
    t("deleteRoom")
  );
  if (!confirmed) return;
  try {
    // Forgotten first, so that the socket's "removed" reads as one's own doing, not a notice.
    forgetRoom(room.room_id);
    await api("DELETE", channelPath(room));
    toast(t("roomDeleted", { name: room.name }));
    location.hash = "";
  } catch (error) {
    showError(error);
  } finally {
    await refreshTeam();
  }
}

// ---- members -----------------------------------------------------------------------------------

/** The members, each with "Entfernen" for a manager, and a picker to add a colleague. */
export function membersPanel(screen) {
  const room = screen.room;
  const manager = mayManage(room);
  const list = el(
    "ul",
    { class: "member-list", id: "room-member-list" },
    room.members.map((member) => memberItem(screen, member, manager))
  );
  const panel = el(
    "section",
    { class: "room-members", id: "room-members", "aria-labelledby": "room-members-title" },
    el("h2", { id: "room-members-title", tabindex: "-1", text: t("members") }),
    list
  );
  if (manager) {
    // One picker per screen, moved into each new panel: a redraw (any member change, someone
    // else's too) keeps what the manager chose instead of a new, still empty picker.
    screen.addMember ||= addMemberForm(screen);
    screen.addMember.refresh();
    panel.append(screen.addMember);
  }
  return panel;
}

function memberItem(screen, member, manager) {
  const nameId = `member-${member.agent_id}`;
  const self = member.agent_id === session.agent.agent_id;
  return el(
    "li",
    { "data-member": member.agent_id },
    el("span", { id: nameId, text: member.name }),
    member.role === "owner" && el("small", { class: "muted", text: ` (${t("role_owner")})` }),
    manager &&
      !self &&
      el("button", {
        type: "button",
        class: "link",
        text: t("removeMember"),
        "aria-describedby": nameId,
        onclick: () => removeMember(screen, member),
      })
  );
}

async function removeMember(screen, member) {
  const values = { name: member.name, room: screen.room.name };
  const confirmed = await confirmDialog(
    t("removeMemberTitle", values),
    t("removeMemberText", values),
    t("removeMember")
  );
  if (!confirmed) return;
  try {
    await api(
      "DELETE",
      `${channelPath(screen.room)}/members/${encodeURIComponent(member.agent_id)}`
    );
    toast(t("memberRemoved", values));
  } catch (error) {
    showError(error);
  }
  await screen.load();
  document.getElementById("room-members-title")?.focus();
}

function addMemberForm(screen) {
  const select = el("select", { id: "add-member", name: "agent_id", required: true });
  const none = el("p", { class: "muted", text: t("noOneToAdd"), hidden: true });
  const form = el(
    "form",
    { class: "add-member" },
    el("label", { for: "add-member", text: t("addMember") }),
    select,
    el("button", { type: "submit", class: "secondary", text: t("addMemberSubmit") })
  );
  const picker = el("div", {}, form, none);
  /** The colleagues not in the room, keeping the one chosen while they are still addable. */
  picker.refresh = () => {
    const inRoom = new Set(screen.room.members.map((m) => m.agent_id));
    colleagues()
      .then((users) => {
        const addable = users.filter((user) => !inRoom.has(user.agent_id));
        const chosen = select.value;
        form.hidden = !addable.length;
        none.hidden = Boolean(addable.length);
        replace(
          select,
          addable.map((user) => el("option", { value: user.agent_id, text: user.name }))
        );
        if (addable.some((user) => user.agent_id === chosen)) select.value = chosen;
      })
      .catch(showError);
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = select.selectedOptions[0]?.textContent;
    try {
      await api("POST", `${channelPath(screen.room)}/members`, { agent_id: select.value });
      toast(t("memberAdded", { name }));
    } catch (error) {
      showError(error);
    }
    await screen.load();
    document.getElementById("add-member")?.focus();
  });
  return picker;
}
