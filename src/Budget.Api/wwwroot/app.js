// The follow-up page: reads the committee papers from the API (JSON) and shows them with Danish numbers.
"use strict";

const $ = (id) => document.getElementById(id);
const keyStore = "budget.apiKey";

/** 287892 → "287.892", -5025 → "-5.025", 14.7 → "14,7" (independent of the browser's locale). */
function danish(value, decimals = 0) {
  if (value === null || value === undefined) return "";
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const negative = value < 0 && Number(fixed) !== 0;
  return (negative ? "-" : "") + grouped + (fraction ? "," + fraction : "");
}

/** Who is signed in: {name, roles, committees, administrator} from /api/me, or null (anonymous). */
let user = null;

/** The chosen round as the API reads it: {round, cutoff, state, recommendedBy}, or null. */
let round = null;

const roleNames = { consultant: "konsulent", committee: "udvalg", council: "byråd", finance: "økonomi", reader: "læser" };
const stateNames = { open: "Åben", submitted: "Indsendt", recommended: "Anbefalet", approved: "Godkendt" };

function headers() {
  const key = sessionStorage.getItem(keyStore);
  return key ? { "X-Api-Key": key } : {};
}

/** An answer of the API other than 2xx; the message carries the status and the ProblemDetails' detail. */
class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}`);
    this.status = status;
  }
}

/** A JSON request to the API, with the session's key unless another is given (sign-in tries a key before keeping it). */
async function api(path, { method = "GET", body, key } = {}) {
  const sent = key === undefined ? headers() : { "X-Api-Key": key };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      // A validation problem names its fields in errors; any other ProblemDetails says it in detail.
      const fields = Object.values(problem.errors ?? {}).flat();
      detail = problem.detail || (fields.length ? fields.join(" ") : problem.title) || detail;
    } catch { /* not JSON */ }
    throw new ApiError(response.status, detail);
  }
  return response.json();
}

function query(extra = {}) {
  const params = new URLSearchParams({ round: $("round").value, unit: "thousands", ...extra });
  if ($("committee").value) params.set("committee", $("committee").value);
  return params.toString();
}

/**
 * An element with its class and children. Strings become text nodes, so a value from the database is shown as
 * text and never read as markup (contract §8).
 */
function element(tag, className, ...children) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  made.append(...children);
  return made;
}

const svgNamespace = "http://www.w3.org/2000/svg";

function svgElement(tag, attributes) {
  const made = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
  return made;
}

/** A small horizontal bar chart of a row's variance, centred on zero (inline SVG). */
function varianceBar(value, max) {
  const width = 120, half = width / 2;
  const length = max === 0 ? 0 : Math.round(Math.abs(value) / max * (half - 2));
  const x = value < 0 ? half - length : half;
  const chart = svgElement("svg", { class: "variance", width, height: 12, role: "img", "aria-label": `afvigelse ${danish(value)}` });
  chart.append(
    svgElement("rect", { class: value < 0 ? "neg" : "pos", x, y: 2, width: length, height: 8 }),
    svgElement("line", { x1: half, x2: half, y1: 0, y2: 12 }));
  return chart;
}

function cell(column, value) {
  if (column.kind === "text") return element("td", "", value ?? "");
  if (column.kind === "percent") {
    const bar = element("span", value > 100 ? "bar over" : "bar");
    // Through the CSSOM, which the Content-Security-Policy allows; a style attribute in markup it would refuse.
    bar.style.width = `${Math.max(0, Math.min(100, value ?? 0)) / 2}px`;
    return element("td", "num", bar, danish(value, 1));
  }
  const sign = column.key.startsWith("variance") && value ? (value < 0 ? " neg" : " pos") : "";
  return element("td", "num" + sign, danish(value));
}

function render(table, target, options = {}) {
  const columns = table.columns;
  const varianceKey = "varianceToCorrected";
  const max = Math.max(0, ...table.rows.map((r) => Math.abs(r.cells[varianceKey] ?? 0)));
  const head = element("tr", "", ...columns.map((c) => element("th", c.kind === "text" ? "" : "num", c.header ?? "")));
  if (options.chart) head.append(element("th", "", "Afvigelse"));
  const body = element("tbody", "");
  for (const row of table.rows) {
    const line = element("tr", row.kind, ...columns.map((c) => cell(c, row.cells[c.key])));
    if (options.chart) line.append(element("td", "", ...(row.kind === "detail" ? [varianceBar(row.cells[varianceKey] ?? 0, max)] : [])));
    body.append(line);
  }
  target.replaceChildren(element("thead", "", head), body);
}

function exportLinks(year) {
  const list = $("exports");
  list.replaceChildren();
  const reports = [["committee-table", "Udvalgets tabel"], ["area-grid", "Aktivitetsområder"], ["area-accounts", "Konti med bemærkninger"],
    ["out-years", "Overslagsår"], ["appropriation-changes", "Bevillingsændringer"], ["service-frame", "Serviceramme"], ["overview", "Hovedoversigt"]];
  for (const [kind, name] of reports) {
    const item = document.createElement("li");
    item.append(name + ": ");
    for (const format of ["html", "xlsx", "csv"]) {
      const link = document.createElement("a");
      link.href = `/api/budget-years/${year}/reports/${kind}?${query({ format })}`;
      link.textContent = format.toUpperCase();
      link.addEventListener("click", async (event) => {
        if (!sessionStorage.getItem(keyStore)) return; // anonymous reading: a plain link works
        event.preventDefault();
        const response = await fetch(link.href, { headers: headers() });
        const url = URL.createObjectURL(await response.blob());
        if (format !== "html") { window.open(url, "_blank"); return; }
        // A document opened from a blob: URL inherits this page's Content-Security-Policy, which does not allow the
        // report's embedded stylesheet; saved as a file, the report opens with its styles and prints as meant.
        const save = document.createElement("a");
        save.href = url;
        save.download = `${kind}-${year}-${$("round").value}.html`;
        save.click();
      });
      item.append(link, " ");
    }
    list.append(item);
  }
}

async function show() {
  const year = $("year").value;
  if (!year) return;
  $("status").textContent = "";
  try {
    const [table, grid, chosenRound] = await Promise.all([
      api(`/api/budget-years/${year}/reports/committee-table?${query()}`),
      api(`/api/budget-years/${year}/reports/area-grid?${query()}`),
      api(`/api/budget-years/${year}/rounds/${$("round").value}`),
    ]);
    round = chosenRound;
    renderRound();
    $("committeeTitle").textContent = `${table.tables[0].title} (1.000 kr.)`;
    render(table.tables[0], $("committeeTable"), { chart: true });
    $("committeeNotes").replaceChildren(...table.tables[0].notes.map((n) => element("p", "", n)));
    render(grid.tables[0], $("areaGrid"));
    exportLinks(year);
  } catch (error) {
    round = null;
    renderRound();
    $("status").textContent = `Kunne ikke hente rapporten (${error.message}). Log ind med en API-nøgle, hvis læsning kræver det.`;
  }
}

async function loadCommittees() {
  const select = $("committee");
  const chosen = select.value;
  select.length = 1;
  const committees = await api(`/api/budget-years/${$("year").value}/committees`);
  for (const c of committees) select.add(new Option(c.name ?? c.committee ?? c, c.name ?? c.committee ?? c));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

/** Reads who the session's key belongs to (a key the server no longer knows is forgotten), then the year and its papers. */
let starts = 0;

async function start() {
  const generation = ++starts;
  user = null;
  if (sessionStorage.getItem(keyStore)) {
    try { user = await api("/api/me"); } catch { sessionStorage.removeItem(keyStore); }
  }
  try {
    const years = await api("/api/budget-years");
    const select = $("year");
    select.length = 0;
    for (const y of years) select.add(new Option(y.year ?? y, y.year ?? y));
    if (select.options.length) select.value = select.options[select.options.length - 1].value;
    await loadCommittees();
    await show();
  } catch (error) {
    $("status").textContent = `Kunne ikke hente budgetår (${error.message}). Log ind med en API-nøgle, hvis læsning kræver det.`;
  } finally {
    // Last, and only for the latest start (a sign-in may overtake the first load): once the name shows, the round's
    // actions on the page are this user's.
    if (generation === starts) renderUser();
  }
}

function renderUser() {
  const signedIn = user !== null;
  $("apiKey").closest("label").hidden = signedIn;
  $("signInButton").hidden = signedIn;
  $("who").hidden = !signedIn;
  $("signOut").hidden = !signedIn;
  if (!signedIn) {
    $("who").textContent = "";
    return;
  }
  const roles = user.administrator ? "administrator" : user.roles.map((r) => roleNames[r] ?? r).join(", ");
  const scope = user.committees ? ` – ${user.committees.join(", ")}` : "";
  $("who").textContent = `${user.name} (${roles}${scope})`;
}

/** Tries the key with /api/me and keeps it for this browser session only if the server knows it. */
async function signIn() {
  const key = $("apiKey").value.trim();
  $("signInMessage").textContent = "";
  $("roundMessage").textContent = "";
  if (!key) {
    $("signInMessage").textContent = "Skriv din API-nøgle.";
    return;
  }
  // Keys are printable ASCII; any other letter (an ø typed by mistake) cannot travel in a header, and is no key either.
  if (!/^[\x21-\x7e]+$/.test(key)) {
    sessionStorage.removeItem(keyStore);
    $("signInMessage").textContent = "Nøglen blev ikke genkendt. Du er ikke logget ind.";
    await start();
    return;
  }
  try {
    await api("/api/me", { key });
    sessionStorage.setItem(keyStore, key);
  } catch (error) {
    sessionStorage.removeItem(keyStore);
    $("signInMessage").textContent = error.status === 401 ? "Nøglen blev ikke genkendt. Du er ikke logget ind."
      : error.status === 429 ? "For mange forkerte nøgler fra denne adresse. Prøv igen om et minut."
        : `Kunne ikke logge ind (${error.message}).`;
  }
  await start();
}

async function signOut() {
  sessionStorage.removeItem(keyStore);
  $("apiKey").value = "";
  $("signInMessage").textContent = "";
  $("roundMessage").textContent = "";
  await start();
  $("apiKey").focus();
}

function may(role) { return user !== null && user.roles.includes(role); }

/** Submit, approve and reopen concern the whole municipality: never offered to a user limited to committees (contract §7). */
function forWholeMunicipality() { return user !== null && user.committees === null; }

function roundName() { return `${$("round").value}. budgetopfølgning ${$("year").value}`; }

function renderRound() {
  const state = round?.state;
  const recommended = round?.recommendedBy ?? [];
  $("roundState").textContent = round === null ? "" : (stateNames[state] ?? state)
    + (state === "submitted" && recommended.length ? ` (anbefalet af ${recommended.join(", ")})` : "");
  const actions = [];
  const committee = $("committee").value;
  if ((may("consultant") || may("finance")) && forWholeMunicipality() && state === "open") {
    actions.push(actionButton("Indsend runden", `Indsend ${roundName()}? Estimaterne låses.`, "submit"));
  }
  if (may("committee") && state === "submitted" && committee && (user.committees === null || user.committees.includes(committee)) && !recommended.includes(committee)) {
    actions.push(actionButton("Anbefal", `Anbefal ${roundName()} for ${committee}?`, "recommend", { committee }));
  }
  if (may("council") && forWholeMunicipality() && state === "recommended") {
    actions.push(...approveControls());
  }
  if (may("finance") && forWholeMunicipality() && (state === "submitted" || state === "recommended")) {
    actions.push(actionButton("Genåbn", `Genåbn ${roundName()}? Estimaterne kan så rettes igen.`, "reopen"));
  }
  $("roundActions").replaceChildren(...actions);
}

function actionButton(label, question, transition, body) {
  const button = element("button", "", label);
  button.type = "button";
  button.addEventListener("click", async () => {
    if (await confirmed(question)) await act(transition, body);
  });
  return button;
}

/** The council's approval: the date of the decision and its reference; the Godkend button confirms. */
function approveControls() {
  const date = element("input", "");
  date.type = "date";
  date.required = true;
  const reference = element("input", "");
  reference.type = "text";
  reference.maxLength = 200;
  const button = element("button", "", "Godkend");
  button.type = "button";
  button.addEventListener("click", async () => {
    if (!date.value) {
      $("roundMessage").textContent = "Angiv datoen for byrådets beslutning.";
      date.focus();
      return;
    }
    await act("approve", { decidedOn: date.value, reference: reference.value.trim() || null });
  });
  return [element("label", "", "Dato ", date), element("label", "", "Reference ", reference), button];
}

/** A question in the page's own dialog (never window.confirm); true when answered with Bekræft. */
function confirmed(question) {
  const dialog = $("confirm");
  $("confirmText").textContent = question;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true }));
}

/** Runs a round transition; the state and the tables are read again either way, and a refusal is shown as text. */
async function act(transition, body) {
  $("roundMessage").textContent = "";
  // One request per click: the buttons come back, as the new state allows, when the round is read again.
  for (const button of $("roundActions").querySelectorAll("button")) button.disabled = true;
  try {
    await api(`/api/budget-years/${$("year").value}/rounds/${$("round").value}/${transition}`, { method: "POST", body });
  } catch (error) {
    $("roundMessage").textContent = `Handlingen blev afvist (${error.message}).`;
  }
  await show();
}

// The forms only group their fields; Enter in the key field signs in, and neither form reloads the page.
$("choice").addEventListener("submit", (event) => event.preventDefault());
$("signIn").addEventListener("submit", async (event) => { event.preventDefault(); await signIn(); });
$("signOut").addEventListener("click", signOut);
$("confirmYes").addEventListener("click", () => $("confirm").close("yes"));
$("confirmNo").addEventListener("click", () => $("confirm").close("no"));
$("year").addEventListener("change", async () => { await loadCommittees(); await show(); });
$("round").addEventListener("change", show);
$("committee").addEventListener("change", show);
start();
