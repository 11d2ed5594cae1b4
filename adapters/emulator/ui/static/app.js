"use strict";
// The emulator's chat client: acts through /emulator/*, polls once a second.
const $ = (id) => document.getElementById(id);
const state = { me: null, open: null, data: null, sig: "" };

async function api(method, path, body) {
  const resp = await fetch("/emulator" + path, {
    method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await resp.json();
  if (!resp.ok) { $("notes").textContent = "Ошибка: " + (data.detail || data.error); }
  return data;
}

async function loadPeople() {
  const data = await api("GET", "/ui/people");
  $("platform").textContent = "(" + data.platform + ")";
  const who = $("who");
  for (const p of data.people) {
    const opt = document.createElement("option");
    opt.value = p.user_id; opt.textContent = p.name;
    who.appendChild(opt);
  }
  const wanted = new URLSearchParams(location.search).get("as");
  if (wanted) { who.value = wanted; }
  state.me = who.value;
  who.addEventListener("change", () => { state.me = who.value; state.open = null; state.sig = ""; refresh(); });
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

function conversation() {
  const d = state.data;
  if (!d) { return null; }
  if (state.open === "dialog") { return { chat_id: d.dialog.chat_id, title: "Личные сообщения с ботом", messages: d.dialog.messages, dialog: true }; }
  return d.chats.find((c) => c.chat_id === state.open) || null;
}

function renderNav() {
  const nav = $("chats"); nav.textContent = "";
  const add = (label, key, cls) => {
    const b = el("button", cls, label); b.dataset.key = key;
    if (state.open === key) { b.classList.add("active"); }
    b.addEventListener("click", () => { state.open = key; state.sig = ""; render(); });
    nav.appendChild(b);
  };
  nav.appendChild(el("h3", "", "Чаты"));
  for (const c of state.data.chats) { add(c.title, c.chat_id, "chat"); }
  add("🤖 Бот (личные)", "dialog", "dialog");
  if (state.data.other_chats.length) { nav.appendChild(el("h3", "", "Вступить")); }
  for (const c of state.data.other_chats) {
    const b = el("button", "join", "+ " + c.title);
    b.addEventListener("click", async () => { await api("POST", "/chats/" + c.chat_id + "/members", { user_id: state.me }); state.open = c.chat_id; refresh(); });
    nav.appendChild(b);
  }
}

function renderMessage(c, m) {
  const names = state.data.names;
  const li = el("li");
  li.dataset.id = m.message_id;
  if (m.from_bot) { li.classList.add("bot"); }
  if (m.from_id === state.me) { li.classList.add("mine"); }
  if (m.action) { li.classList.add("service"); li.textContent = (names[m.from_id] || m.from_id) + ": " + m.action.type + " " + (names[m.action.member_id] || m.action.member_id); return li; }
  li.appendChild(el("div", "author", names[m.from_id] || m.from_id));
  if (c.pinned_message_id === m.message_id) { li.classList.add("pinned"); li.appendChild(el("div", "pin", "📌 закреплено")); }
  if (m.deleted) { li.classList.add("deleted"); li.appendChild(el("div", "text", "(сообщение удалено) " + m.text)); return li; }
  li.appendChild(el("div", "text", m.text));
  if (m.keyboard) {
    const kb = el("div", "keyboard");
    for (const row of m.keyboard.buttons) {
      for (const btn of row) {
        const b = el("button", "", btn.label);
        b.addEventListener("click", () => press(c.chat_id, m.message_id, btn.payload));
        kb.appendChild(b);
      }
    }
    li.appendChild(kb);
  }
  return li;
}

function render() {
  if (!state.data) { return; }
  renderNav();
  const c = conversation();
  $("title").textContent = c ? c.title : "Выберите чат";
  $("leave").hidden = !c || c.dialog;
  $("members").textContent = c && !c.dialog ? c.members.map((m) => state.data.names[m.user_id] || m.user_id).join(", ") : "";
  const notes = state.data.notifications.map((n) => JSON.stringify(n.event_data));
  $("notes").textContent = notes.length ? "Уведомления: " + notes[notes.length - 1] : "";
  const sig = JSON.stringify(c ? [c.pinned_message_id, c.messages] : []);
  if (sig === state.sig) { return; }
  state.sig = sig;
  const list = $("messages"); list.textContent = "";
  if (c) { for (const m of c.messages) { list.appendChild(renderMessage(c, m)); } }
  list.scrollTop = list.scrollHeight;
}

async function press(chatId, messageId, payload) {
  await api("POST", "/press", { user_id: state.me, chat_id: chatId, message_id: messageId, payload });
  refresh();
}

async function send(event) {
  event.preventDefault();
  const text = $("text").value.trim();
  const c = conversation();
  if (!text || !c) { return; }
  $("text").value = "";
  if (c.dialog) { await api("POST", "/users/" + state.me + "/messages", { text }); }
  else { await api("POST", "/chats/" + c.chat_id + "/messages", { from_id: state.me, text }); }
  refresh();
}

async function leave() {
  const c = conversation();
  if (!c || c.dialog) { return; }
  await api("DELETE", "/chats/" + c.chat_id + "/members/" + state.me);
  state.open = null; refresh();
}

async function refresh() {
  if (!state.me) { return; }
  state.data = await api("GET", "/ui/people/" + state.me);
  if (state.open === null && state.data.chats.length) { state.open = state.data.chats[0].chat_id; }
  render();
}

document.addEventListener("DOMContentLoaded", async () => {
  $("compose").addEventListener("submit", send);
  $("leave").addEventListener("click", leave);
  await loadPeople();
  await refresh();
  setInterval(refresh, 1000);
});
