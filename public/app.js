// The dashboard: search for everyone; queue, chart and dead letters with the admin token.
import { renderHistoryChart } from "./chart.js";

const TOKEN_KEY = "wpllmseo-admin-token";
const REFRESH_MS = 5000;

const byId = (id) => document.getElementById(id);

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function emptyRow(text, columns) {
  const row = document.createElement("tr");
  const only = cell(text);
  only.colSpan = columns;
  row.append(only);
  return row;
}

function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return "none";
  const sign = seconds < 0 ? "-" : "";
  const value = Math.abs(seconds);
  if (value < 120) return `${sign}${value.toFixed(1)} s`;
  if (value < 7200) return `${sign}${(value / 60).toFixed(1)} min`;
  return `${sign}${(value / 3600).toFixed(1)} h`;
}

async function readError(response) {
  try {
    const body = await response.json();
    return body.error?.message ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

// Search

function renderResult(result) {
  const item = document.createElement("li");
  const title = document.createElement("a");
  title.className = "result-title";
  title.textContent = result.title || result.url;
  if (/^https?:\/\//i.test(result.url)) title.href = result.url;
  const url = document.createElement("div");
  url.className = "result-url";
  url.textContent = result.url;
  const excerpt = document.createElement("p");
  excerpt.className = "result-excerpt";
  excerpt.textContent = result.excerpt;
  const score = document.createElement("div");
  score.className = "result-score";
  score.textContent = `score ${Number(result.score).toFixed(4)}`;
  item.append(title, url, excerpt, score);
  return item;
}

async function runSearch(event) {
  event.preventDefault();
  const query = byId("search-query").value.trim();
  const status = byId("search-status");
  const list = byId("search-results");
  if (query === "") return;
  status.className = "";
  status.textContent = "Searching…";
  const response = await fetch(`/search?q=${encodeURIComponent(query)}&k=10`);
  if (!response.ok) {
    status.className = "error";
    status.textContent = `Search failed (${response.status}): ${await readError(response)}`;
    list.replaceChildren();
    return;
  }
  const body = await response.json();
  status.textContent = `${body.results.length} results in ${body.stats.milliseconds.toFixed(1)} ms`;
  list.replaceChildren(...body.results.map(renderResult));
}

// Admin

function readToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

async function adminFetch(path, init = {}) {
  const token = readToken();
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  return fetch(path, { ...init, headers });
}

function showAdminProblem(response, message) {
  const status = byId("admin-status");
  byId("admin-panels").hidden = true;
  status.className = response.status === 401 ? "unauthorized" : "error";
  if (response.status === 401) {
    status.textContent = readToken()
      ? "401 Unauthorized: the admin token is wrong. Paste the server's WPLLMSEO_ADMIN_TOKEN."
      : "401 Unauthorized: paste the server's WPLLMSEO_ADMIN_TOKEN to see the queue.";
  } else {
    status.textContent = `${response.status}: ${message}`;
  }
}

function renderCounts(queue) {
  const rows = Object.entries(queue.counts).map(([name, count]) => {
    const row = document.createElement("tr");
    row.dataset.status = name;
    row.append(cell(name), cell(String(count)));
    return row;
  });
  const dead = document.createElement("tr");
  dead.dataset.status = "dead letter";
  dead.append(cell("dead letter"), cell(String(queue.deadLetterCount)));
  byId("queue-counts").tBodies[0].replaceChildren(...rows, dead);
}

function renderRunning(queue) {
  const rows = queue.running.map((job) => {
    const row = document.createElement("tr");
    row.dataset.id = job.id;
    row.append(cell(job.id), cell(job.jobType), cell(job.runner ?? "unknown"), cell(formatSeconds(job.heldSeconds)), cell(formatSeconds(job.leaseRemainingSeconds)));
    return row;
  });
  if (rows.length === 0) rows.push(emptyRow("No job is running.", 5));
  byId("running-jobs").tBodies[0].replaceChildren(...rows);
}

async function retryDeadLetter(id, button) {
  button.disabled = true;
  const response = await adminFetch(`/api/dead-letter/${encodeURIComponent(id)}/retry`, { method: "POST" });
  if (!response.ok) {
    showAdminProblem(response, await readError(response));
    return;
  }
  await refreshAdmin();
}

function renderDeadLetters(letters) {
  const rows = letters.map((letter) => {
    const row = document.createElement("tr");
    row.dataset.id = letter.id;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Retry";
    button.addEventListener("click", () => void retryDeadLetter(letter.id, button));
    const action = document.createElement("td");
    action.append(button);
    row.append(cell(letter.id), cell(`${letter.jobType} ${letter.originalJobId}`), cell(letter.postId ?? ""), cell(String(letter.attempts)), cell(letter.failedAt), cell(letter.reason ?? ""), action);
    return row;
  });
  if (rows.length === 0) rows.push(emptyRow("No dead letters.", 7));
  byId("dead-letters").tBodies[0].replaceChildren(...rows);
}

async function refreshAdmin() {
  const [queue, history, dead] = await Promise.all([adminFetch("/api/queue"), adminFetch("/api/queue/history"), adminFetch("/api/dead-letter?limit=100")]);
  for (const response of [queue, history, dead]) {
    if (!response.ok) {
      showAdminProblem(response, await readError(response));
      return;
    }
  }
  const status = byId("admin-status");
  status.className = "";
  status.textContent = `Updated ${new Date().toISOString().slice(11, 19)} UTC`;
  const queueBody = await queue.json();
  renderCounts(queueBody);
  renderRunning(queueBody);
  renderHistoryChart(byId("history-chart"), (await history.json()).minutes);
  renderDeadLetters((await dead.json()).deadLetters);
  byId("admin-panels").hidden = false;
}

function saveToken(event) {
  event.preventDefault();
  const input = byId("admin-token");
  const token = input.value.trim();
  // An empty field keeps the stored token and only refreshes; "Forget" removes it.
  if (token !== "") sessionStorage.setItem(TOKEN_KEY, token);
  input.value = "";
  void refreshAdmin();
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  void refreshAdmin();
}

byId("search-form").addEventListener("submit", (event) => void runSearch(event));
byId("token-form").addEventListener("submit", saveToken);
byId("token-forget").addEventListener("click", forgetToken);
void refreshAdmin();
setInterval(() => {
  if (!document.hidden) void refreshAdmin();
}, REFRESH_MS);
