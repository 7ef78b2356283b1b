// The live picture the sidebar and the screens share: the queue of the agent's departments,
// the agent's open chats and which departments' buttons are visible. Socket events change it
// at once; a fetch after each change (and after every reconnect) keeps it exact.
import { api, emit, on, session } from "./core.js";

export const live = {
  queue: [], // queued rooms, oldest first
  open: [], // the agent's open chats, newest first
  departments: [], // every department with `available`
};

const DEPARTMENTS_EVERY_MS = 30000;
let departmentsTimer = 0;
let queueFetch = null;
let openFetch = null;

export async function refreshQueue() {
  const fetching = api("GET", "/queue");
  queueFetch = fetching;
  const { rooms } = await fetching;
  if (queueFetch !== fetching) return; // a newer fetch answers instead
  live.queue = rooms;
  emit("queue-changed", live.queue);
}

export async function refreshOpen() {
  const fetching = api("GET", "/rooms?state=open&limit=100");
  openFetch = fetching;
  const { rooms } = await fetching;
  if (openFetch !== fetching) return;
  live.open = rooms.filter((room) => room.agent && room.agent.agent_id === session.agent.agent_id);
  emit("open-changed", live.open);
}

export async function refreshDepartments() {
  const { departments } = await api("GET", "/departments");
  live.departments = departments;
  emit("departments-changed", live.departments);
}

export function refreshAll() {
  return Promise.allSettled([refreshQueue(), refreshOpen(), refreshDepartments()]);
}

export function startLive() {
  clearInterval(departmentsTimer);
  departmentsTimer = setInterval(() => refreshDepartments().catch(() => {}), DEPARTMENTS_EVERY_MS);
}

export function stopLive() {
  clearInterval(departmentsTimer);
  live.queue = [];
  live.open = [];
  live.departments = [];
}

function later(refresh) {
  refresh().catch(() => {});
}

on("queue", ({ event, room }) => {
  if (event === "added" && !live.queue.some((queued) => queued.room_id === room.room_id)) {
    live.queue = [...live.queue, room];
  } else if (event === "removed") {
    live.queue = live.queue.filter((queued) => queued.room_id !== room.room_id);
  }
  emit("queue-changed", live.queue);
  later(refreshQueue);
});

on("room", ({ room }) => {
  const mine =
    room.state === "open" && room.agent && room.agent.agent_id === session.agent.agent_id;
  const others = live.open.filter((open) => open.room_id !== room.room_id);
  live.open = mine ? [room, ...others] : others;
  emit("open-changed", live.open);
  later(refreshOpen);
});

on("socket-open", () => later(refreshAll));
