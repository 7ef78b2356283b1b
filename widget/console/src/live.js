// The live picture the sidebar and the screens share: the queue of the agent's departments,
// the agent's open chats and which departments' buttons are visible. Socket events change it
// at once; a fetch after each change (and after every reconnect) keeps it exact.
//
// The queue and the open chats are read from DynamoDB indexes, which follow a write a moment
// later: a fetch made right after a push may not show the pushed change yet. So what the
// socket said about a room in the last PUSH_WINS_MS wins over a fetched answer.
import { api, emit, on, session } from "./core.js";

export const live = {
  queue: [], // queued rooms, oldest first
  open: [], // the agent's open chats, newest first
  departments: [], // every department with `available`
};

const DEPARTMENTS_EVERY_MS = 30000;
const PUSH_WINS_MS = 10000;
let departmentsTimer = 0;
let queueFetch = null;
let openFetch = null;
// Per list, room_id -> { room, listed, at }: the last push about that room.
const pushed = { queue: new Map(), open: new Map() };

function remember(list, room, listed) {
  pushed[list].set(room.room_id, { room, listed, at: Date.now() });
}

/** The fetched rooms, corrected by the pushes since `startedAt - PUSH_WINS_MS`. */
function withRecentPushes(list, rooms, startedAt, add) {
  let result = rooms;
  for (const [roomId, { room, listed, at }] of pushed[list]) {
    if (at < startedAt - PUSH_WINS_MS) {
      pushed[list].delete(roomId);
      continue;
    }
    const found = result.some((r) => r.room_id === roomId);
    if (listed && !found) result = add(result, room);
    else if (!listed && found) result = result.filter((r) => r.room_id !== roomId);
  }
  return result;
}

const appended = (rooms, room) => [...rooms, room];
const first = (rooms, room) => [room, ...rooms];

export async function refreshQueue() {
  const startedAt = Date.now();
  const fetching = api("GET", "/queue");
  queueFetch = fetching;
  const { rooms } = await fetching;
  if (queueFetch !== fetching) return; // a newer fetch answers instead
  live.queue = withRecentPushes("queue", rooms, startedAt, appended);
  emit("queue-changed", live.queue);
}

export async function refreshOpen() {
  const startedAt = Date.now();
  const fetching = api("GET", "/rooms?state=open&limit=100");
  openFetch = fetching;
  const { rooms } = await fetching;
  if (openFetch !== fetching) return;
  const mine = rooms.filter((room) => room.agent?.agent_id === session.agent.agent_id);
  live.open = withRecentPushes("open", mine, startedAt, first);
  emit("open-changed", live.open);
  emit("open-fetched", mine); // with the unread counts the server kept
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
  pushed.queue.clear();
  pushed.open.clear();
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
  if (event === "added" || event === "removed") remember("queue", room, event === "added");
  emit("queue-changed", live.queue);
  later(refreshQueue);
});

on("room", ({ room }) => {
  const mine = room.state === "open" && room.agent?.agent_id === session.agent.agent_id;
  const others = live.open.filter((open) => open.room_id !== room.room_id);
  live.open = mine ? [room, ...others] : others;
  remember("open", room, mine);
  emit("open-changed", live.open);
  later(refreshOpen);
});

on("socket-open", () => later(refreshAll));
