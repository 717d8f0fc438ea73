// 平安通 field page for grid workers: plain JavaScript, every asset served by this server.
// The page decides nothing: the buttons of a case are the `allowed` actions the service
// returns, and every write is a call to the service's use cases.
"use strict";

const API = "/api/v1";
const state = { vocab: null, me: null, open: null, source: null, reloadTimer: null, place: null };
const $ = (sel) => document.querySelector(sel);
const label = (kind, code) => {
  const row = state.vocab && state.vocab[kind].find((x) => x.code === code);
  return row ? row.label : code;
};
// Times are the center's clock (China Standard Time), whatever the phone is set to.
const when = (iso) => iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" }) : "";

async function call(method, path, body, headers) {
  const opts = { method, headers: { "X-Requested-With": "sgcc-field", ...(headers || {}) }, credentials: "same-origin" };
  if (body instanceof Blob) { opts.body = body; }
  else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  const resp = await fetch(API + path, opts);
  const text = await resp.text();
  const data = text ? JSON.parse(text) : null;
  if (!resp.ok) {
    const err = new Error((data && data.detail) || resp.statusText);
    err.status = resp.status; err.problem = data;
    throw err;
  }
  return data;
}

function show(view) {
  for (const id of ["login", "tasks", "report", "detail"]) $("#" + id).hidden = id !== view;
  $("#tabs").hidden = view === "login";
  document.querySelectorAll(".tab[data-tab]").forEach((b) => b.classList.toggle("active", b.dataset.tab === view));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

// ------------------------------------------------------------------ sign-in

async function start() {
  state.vocab = await call("GET", "/vocabulary");
  fillSelects();
  try {
    state.me = await call("GET", "/me");
  } catch (e) {
    if (e.status === 401) { show("login"); return; }
    throw e;
  }
  $("#who").textContent = `${state.me.name || state.me.login} · ${state.me.region_code}`;
  show("tasks");
  await loadTasks();
  await loadGrids();
  listen();
}

$("#login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  $("#login-error").textContent = "";
  try {
    await call("POST", "/session", { login: f.get("login"), password: f.get("password") });
    await start();
  } catch (e) {
    $("#login-error").textContent = e.status === 403 ? "账号或密码错误" : "登录失败：" + e.message;
  }
});

$("#logout").addEventListener("click", async () => {
  try { await call("DELETE", "/session"); } catch (e) { /* already signed out */ }
  if (state.source) state.source.close();
  location.reload();
});

document.querySelectorAll(".tab[data-tab]").forEach((b) => b.addEventListener("click", () => {
  state.open = null;
  show(b.dataset.tab);
  if (b.dataset.tab === "tasks") loadTasks();
}));

// ------------------------------------------------------------------ live tasks

function listen() {
  const source = new EventSource(API + "/tasks/stream");
  state.source = source;
  source.addEventListener("hello", () => { $("#live").className = "live on"; loadTasks(); });
  source.addEventListener("changed", (ev) => {
    const data = JSON.parse(ev.data);
    clearTimeout(state.reloadTimer);  // a burst of changes is one re-read
    state.reloadTimer = setTimeout(() => {
      loadTasks();
      if (state.open && data.incidents.includes(state.open)) openCase(state.open);
    }, 150);
  });
  source.onerror = () => { $("#live").className = "live off"; };
}

async function loadTasks() {
  const data = await call("GET", "/tasks");
  const list = $("#task-list");
  list.replaceChildren(...data.tasks.map(taskCard));
  $("#task-count").textContent = data.tasks.length;
  $("#tasks-empty").hidden = data.tasks.length > 0;
  document.body.dataset.tasks = data.tasks.map((t) => t.id).join(",");
}

function taskCard(t) {
  return el("li", { class: `card ${t.status}`, "data-id": t.id },
    el("div", { class: "head" }, el("span", {}, `#${t.id} ${label("categories", t.category)}`),
      el("span", { class: `status ${t.status}` }, label("statuses", t.status))),
    el("p", {}, t.description),
    el("div", { class: "meta" }, `网格 ${t.grid_code} · ${label("priorities", t.priority)} · 期限 ${when(t.resolve_deadline)}`),
    el("div", { class: "actions" },
      ...t.allowed.filter((a) => a === "start").map((a) =>
        el("button", { class: "go", "data-action": a, onclick: (ev) => { ev.stopPropagation(); act(t.id, t.version, a); } },
          label("actions", a))),
      el("button", { onclick: () => openCase(t.id) }, "详情")));
}

// ------------------------------------------------------------------ a case

async function openCase(id) {
  const d = await call("GET", `/incidents/${id}`);
  state.open = id;
  show("detail");
  document.querySelectorAll(".tab[data-tab]").forEach((b) => b.classList.remove("active"));
  $("#case").replaceChildren(
    el("div", { class: `card ${d.status}` },
      el("div", { class: "head" }, el("span", {}, `#${d.id} ${label("categories", d.category)}`),
        el("span", { class: `status ${d.status}`, id: "case-status" }, label("statuses", d.status))),
      el("p", {}, d.description),
      el("div", { class: "meta" }, `网格 ${d.grid_code} · ${d.handling_center} · 上报 ${when(d.reported_at)}`)));
  const actions = d.allowed.filter((a) => a === "start" || a === "resolve");
  $("#case-actions").replaceChildren(...actions.map((a) =>
    el("button", { class: "go", "data-action": a, onclick: () => act(d.id, d.version, a) }, label("actions", a))));
  $("#note-form").hidden = !d.allowed.includes("note");
  $("#timeline").replaceChildren(...d.timeline.map((e) =>
    el("li", {}, el("span", { class: "when" }, `${when(e.at)} · ${e.actor}`),
      `${label("actions", e.action)}${e.note ? "：" + (e.action === "report" ? label("channels", e.note) : e.note) : ""}`)));
  $("#photos").replaceChildren(...d.attachments.map((a) =>
    el("img", { src: a.url, alt: a.filename || "现场照片", loading: "lazy" })));
}

async function act(id, version, action) {
  let note = "";
  if (action === "resolve") {
    const text = $("#note-form textarea").value.trim();
    note = text || "已现场处置完毕";
  }
  try {
    await call("POST", `/incidents/${id}/actions`, { action, version, note });
    $("#detail-result").textContent = `已${label("actions", action)}`;
    $("#detail-result").className = "ok";
    $("#note-form textarea").value = "";
    await openCase(id);
    loadTasks();
  } catch (e) {
    $("#detail-result").textContent = e.message;
    $("#detail-result").className = "error";
    if (e.status === 409) openCase(id);
  }
}

$("#back").addEventListener("click", () => { state.open = null; show("tasks"); loadTasks(); });

$("#note-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = state.open;
  const text = ev.target.text.value.trim();
  const file = ev.target.photo.files[0];
  try {
    if (text) await call("POST", `/incidents/${id}/notes`, { text });
    if (file) await upload(id, file);
    ev.target.reset();
    $("#detail-result").textContent = "进展已添加";
    $("#detail-result").className = "ok";
    await openCase(id);
  } catch (e) {
    $("#detail-result").textContent = e.message;
    $("#detail-result").className = "error";
  }
});

function upload(id, file) {
  const name = encodeURIComponent(file.name || "photo");
  return call("POST", `/incidents/${id}/attachments?filename=${name}`, file, { "Content-Type": file.type || "application/octet-stream" });
}

// ------------------------------------------------------------------ report

function fillSelects() {
  $("#category").replaceChildren(...state.vocab.categories.map((c) => el("option", { value: c.code }, c.label)));
  $("#priority").replaceChildren(...state.vocab.priorities.map((p) => {
    const o = el("option", { value: p.code }, p.label);
    if (p.code === 3) o.selected = true;
    return o;
  }));
}

async function loadGrids() {
  const data = await call("GET", "/grids");
  $("#grid").replaceChildren(el("option", { value: "" }, "（按当前位置）"),
    ...data.cells.map((c) => el("option", { value: c.code }, c.code)));
}

$("#locate").addEventListener("click", () => {
  $("#where").textContent = "正在定位…";
  navigator.geolocation.getCurrentPosition(async (pos) => {
    const { longitude: lon, latitude: lat } = pos.coords;
    try {
      const data = await call("GET", `/grids?lon=${lon}&lat=${lat}`);
      state.place = { lon, lat };
      $("#grid").value = "";
      $("#where").textContent = `当前位置 ${lon.toFixed(5)}, ${lat.toFixed(5)} · 网格 ${data.cells[0].code}`;
    } catch (e) {
      state.place = null;
      $("#where").textContent = "定位不在辖区网格内：" + e.message;
    }
  }, (err) => { $("#where").textContent = "无法定位：" + err.message + "，请选择网格"; },
  { enableHighAccuracy: true, timeout: 10000 });
});

$("#report-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const out = $("#report-result");
  const body = { channel: "field_app", category: f.category.value, priority: Number(f.priority.value),
    description: f.description.value, reporter: state.me.name || state.me.login,
    // One id per filled-in form: a retry after a lost answer returns the same case.
    external_id: f.dataset.externalId || (f.dataset.externalId = `field-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`) };
  if (f.grid_code.value) body.grid_code = f.grid_code.value;
  else if (state.place) Object.assign(body, state.place);
  else { out.textContent = "请先定位或选择网格"; out.className = "error"; return; }
  out.textContent = "正在上报…"; out.className = "muted";
  try {
    const res = await call("POST", "/incidents", body);
    const file = f.photo.files[0];
    if (file) await upload(res.id, file);
    out.textContent = `已上报，事件编号 #${res.id}`;
    out.className = "ok";
    out.dataset.id = res.id;
    f.reset(); delete f.dataset.externalId; state.place = null; $("#where").textContent = "";
    fillSelects();
  } catch (e) {
    out.textContent = "上报失败：" + e.message;
    out.className = "error";
  }
});

start().catch((e) => { document.body.dataset.error = e.message; });
