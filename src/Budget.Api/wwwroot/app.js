// The follow-up page: reads the committee papers from the API (JSON) and shows them with Danish numbers; signed in,
// its users do the round's work in it (contract §8). Plain ES modules, no build step; every value is put in as text.
import { $, element, elementWith, svgElement, dataTable } from "./dom.js";
import { keyStore, api, download } from "./api.js";
import { danish, danishDate, danishTime, kroner } from "./numbers.js";
import { pageLink, renderAccountList, renderAccount } from "./account.js";

/** Who is signed in: {name, roles, committees, administrator} from /api/me, or null (anonymous). */
let user = null;

/** The chosen round as the API reads it: {round, cutoff, state, recommendedBy}, or null. */
let round = null;

/** The follow-up by account of the chosen year and round (kroner), for the activity areas' account lists. */
let accountRows = [];

const roleNames = { consultant: "konsulent", committee: "udvalg", council: "byråd", finance: "økonomi", reader: "læser" };
const stateNames = { open: "Åben", submitted: "Indsendt", recommended: "Anbefalet", approved: "Godkendt" };

function query(extra = {}) {
  const params = new URLSearchParams({ round: $("round").value, unit: "thousands", ...extra });
  if ($("committee").value) params.set("committee", $("committee").value);
  return params.toString();
}

/** A small horizontal bar chart of a row's variance, centred on zero (inline SVG). */
function varianceBar(value, max) {
  const width = 120, half = width / 2;
  const length = max === 0 ? 0 : Math.round(Math.abs(value) / max * (half - 2));
  const x = value < 0 ? half - length : half;
  return svgElement("svg", { class: "variance", width, height: 12, role: "img", "aria-label": `afvigelse ${danish(value)}` },
    svgElement("rect", { class: value < 0 ? "neg" : "pos", x, y: 2, width: length, height: 8 }),
    svgElement("line", { x1: half, x2: half, y1: 0, y2: 12 }));
}

function cell(column, value, link) {
  if (column.kind === "text") return element("td", "", link ?? value ?? "");
  if (column.kind === "percent") {
    const bar = element("span", value > 100 ? "bar over" : "bar");
    // Through the CSSOM, which the Content-Security-Policy allows; a style attribute in markup it would refuse.
    bar.style.width = `${Math.max(0, Math.min(100, value ?? 0)) / 2}px`;
    return element("td", "num", bar, danish(value, 1));
  }
  const sign = column.key.startsWith("variance") && value ? (value < 0 ? " neg" : " pos") : "";
  return element("td", "num" + sign, danish(value));
}

/** A committee paper's table; `options.link(name)` gives a detail row's name as a link to its accounts. */
function render(table, target, options = {}) {
  const columns = table.columns;
  const varianceKey = "varianceToCorrected";
  const max = Math.max(0, ...table.rows.map((r) => Math.abs(r.cells[varianceKey] ?? 0)));
  const head = element("tr", "", ...columns.map((c) => elementWith("th", { scope: "col", className: c.kind === "text" ? "" : "num" }, c.header ?? "")));
  if (options.chart) head.append(elementWith("th", { scope: "col" }, "Afvigelse"));
  const body = element("tbody", "");
  for (const row of table.rows) {
    const detail = row.kind === "detail";
    const line = element("tr", row.kind, ...columns.map((c, i) => cell(c, row.cells[c.key], i === 0 && detail && options.link ? options.link(row.cells[c.key]) : null)));
    if (options.chart) line.append(element("td", "", ...(detail ? [varianceBar(row.cells[varianceKey] ?? 0, max)] : [])));
    body.append(line);
  }
  target.replaceChildren(element("thead", "", head), body);
}

/**
 * Links that download with the session's key when signed in (a plain link works for anonymous reading), saved under
 * `name` and the format's extension. Saved rather than opened: a document opened from a blob: URL inherits this page's
 * Content-Security-Policy, which does not allow an HTML report's embedded stylesheet, and a blob: tab gives an XLSX or
 * CSV file no name. A refusal (a key revoked meanwhile, a year removed) is said on the page, not saved as the file.
 */
function exportLink(href, format, name) {
  const link = document.createElement("a");
  link.href = href;
  link.textContent = format.toUpperCase();
  link.addEventListener("click", async (event) => {
    if (!sessionStorage.getItem(keyStore)) return;
    event.preventDefault();
    let blob;
    try {
      blob = await download(link.href);
    } catch (error) {
      $("status").textContent = `${format.toUpperCase()}-filen kunne ikke hentes (${error.message}).`;
      return;
    }
    const url = URL.createObjectURL(blob);
    const save = document.createElement("a");
    save.href = url;
    save.download = `${name}.${format}`;
    save.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  return link;
}

function exportLinks(year) {
  const reports = [["committee-table", "Udvalgets tabel"], ["area-grid", "Aktivitetsområder"], ["area-accounts", "Konti med bemærkninger"],
    ["out-years", "Overslagsår"], ["appropriation-changes", "Bevillingsændringer"], ["service-frame", "Serviceramme"], ["overview", "Hovedoversigt"]];
  $("exports").replaceChildren(...reports.map(([kind, name]) => {
    const item = element("li", "", name + ": ");
    for (const format of ["html", "xlsx", "csv"]) {
      item.append(exportLink(`/api/budget-years/${year}/reports/${kind}?${query({ format })}`, format, `${kind}-${year}-${$("round").value}`), " ");
    }
    return item;
  }));
  // The follow-up itself (contract §3, §8): the whole municipality, the same rows as its JSON, in kroner with øre.
  const groupings = [["account", "pr. konto"], ["activity-area", "pr. aktivitetsområde"], ["committee", "pr. udvalg"], ["group", "pr. gruppe"]];
  $("followUpExports").replaceChildren(...groupings.map(([by, name]) => {
    const item = element("li", "", `Budgetopfølgning ${name}: `);
    for (const format of ["html", "xlsx", "csv"]) {
      const params = new URLSearchParams({ round: $("round").value, by, format });
      item.append(exportLink(`/api/budget-years/${year}/follow-up?${params}`, format, `follow-up-${year}-${$("round").value}-${by}`), " ");
    }
    return item;
  }));
}

function roundLabel() {
  return `${$("round").value}. budgetopfølgning ${$("year").value}` + (round ? ` (${stateNames[round.state] ?? round.state})` : "");
}

/** The committee table's row of expected carry-overs (CommitteePapers.ExpectedCarryOverLabel), which has no accounts. */
const expectedCarryOverRow = "Forventede overførsler";

/** Reads of the page's data in flight: only the latest one renders, so a slower earlier read never overwrites it. */
let shows = 0;

async function show() {
  const year = $("year").value;
  if (!year) return;
  const shown = ++shows;
  $("status").textContent = "";
  try {
    const [table, grid, chosenRound, byAccount] = await Promise.all([
      api(`/api/budget-years/${year}/reports/committee-table?${query()}`),
      api(`/api/budget-years/${year}/reports/area-grid?${query()}`),
      api(`/api/budget-years/${year}/rounds/${$("round").value}`),
      api(`/api/budget-years/${year}/follow-up?round=${$("round").value}&by=account`),
    ]);
    if (shown !== shows) return;
    round = chosenRound;
    accountRows = byAccount.rows;
    renderRound();
    const first = table.tables[0];
    $("committeeTitle").textContent = `${first.title} (1.000 kr.)`;
    const byArea = first.columns[0]?.header === "Aktivitetsområde";
    // The municipality's expected carry-overs are a row of the table but no area or group of accounts: no link.
    const areaLink = (name) => name === expectedCarryOverRow ? null : pageLink(name, byArea ? { omraade: name } : { gruppe: name });
    render(first, $("committeeTable"), { chart: true, link: areaLink });
    $("committeeNotes").replaceChildren(...first.notes.map((n) => element("p", "", n)));
    render(grid.tables[0], $("areaGrid"), { link: (name) => name === expectedCarryOverRow ? null : pageLink(name, { omraade: name }) });
    exportLinks(year);
  } catch (error) {
    if (shown !== shows) return;
    round = null;
    accountRows = [];
    renderRound();
    $("status").textContent = `Kunne ikke hente rapporten (${error.message}). Log ind med en API-nøgle, hvis læsning kræver det.`;
  }
  await renderNavigation(false);
  if ($("auditDetails").open) await loadAudit();
  if ($("carryOverDetails").open) await loadCarryOvers();
}

// ---------------------------------------------------------------------------------------------------------------
// Navigation: activity area (or group) → its accounts → one account, kept in the address's fragment
// (#aar=…&runde=…&omraade=…, …&gruppe=…, …&konto=…) so that Back, bookmarks, a reload and the keyboard (plain links)
// all work, in the year and round they were made in.

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    year: params.get("aar"), round: params.get("runde"),
    account: params.get("konto"), area: params.get("omraade"), group: params.get("gruppe"),
  };
}

/**
 * Selects the address's year and round. When the address names a year or round the page cannot show (the year is
 * gone, or this user may not read it; a round other than 1–3), the address is reset to the year and round shown,
 * without its area or account — never another year's account of the same number — and the answer says so, for the
 * status line once the page is drawn (drawing clears it); null when the address was taken as it is.
 */
function takeChoiceFromAddress() {
  const chosen = route();
  const year = chosen.year === null || [...$("year").options].some((o) => o.value === chosen.year);
  const round = chosen.round === null || ["1", "2", "3"].includes(chosen.round);
  if (year && chosen.year !== null) $("year").value = chosen.year;
  if (round && chosen.round !== null) $("round").value = chosen.round;
  if (year && round) return null;
  history.replaceState(null, "", "#" + new URLSearchParams({ aar: $("year").value, runde: $("round").value }));
  return `Adressen nævner ${!year ? `budgetåret ${chosen.year}` : `runde ${chosen.round}`}, som ikke kan vises her; viser ${roundName()}.`;
}

/** The year and round chosen in the lists, written into the address (without a new history entry). */
function putChoiceInAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("aar") === $("year").value && params.get("runde") === $("round").value) return;
  params.set("aar", $("year").value);
  params.set("runde", $("round").value);
  history.replaceState(null, "", "#" + params);
}

/** Back, Forward or an edited address: another year or round is read first, then the area or account shown. */
async function followAddress() {
  if ($("year").options.length === 0) return; // the years are still being read: start() takes the address then
  const before = [$("year").value, $("round").value];
  const refused = takeChoiceFromAddress();
  if (before[0] !== $("year").value) await loadCommittees();
  if (refused || before[0] !== $("year").value || before[1] !== $("round").value) {
    await show(); // renders the area or account of the address too
    if (refused) $("status").textContent = refused;
    focusNavigation();
  } else {
    await renderNavigation(true);
  }
}

function mayEstimateSomewhere() { return may("consultant") || may("finance"); }

function accountContext() {
  return {
    year: $("year").value,
    round: $("round").value,
    roundState: round?.state,
    user,
    mayEstimateSomewhere: mayEstimateSomewhere(),
    // Consultants and finance, while the round is open, within their committees (the API checks it again).
    mayEstimate: (account) => mayEstimateSomewhere() && round?.state === "open"
      && (user.committees === null || user.committees.includes(account.committee)),
    reload: show,
  };
}

async function renderNavigation(moveFocus) {
  const chosen = route();
  const list = $("accountsPanel");
  const view = $("accountView");
  list.hidden = chosen.area === null && chosen.group === null;
  if (!list.hidden) renderAccountList(list, chosen, accountRows, $("committee").value, roundLabel());
  view.hidden = chosen.account === null;
  if (view.hidden) view.replaceChildren();
  else await renderAccount(view, chosen.account, accountContext());
  if (moveFocus) focusNavigation();
}

/** Focus on what the address chose (an account's or an area's heading), as after following a link. */
function focusNavigation() {
  const chosen = route();
  const heading = chosen.account !== null ? $("accountTitle") : chosen.area === null && chosen.group === null ? null : $("accountsTitle");
  if (heading && !heading.closest("[hidden]")) {
    heading.focus();
    heading.scrollIntoView({ block: "start" });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The year's audit trail (revisionsspor), for every signed-in role; read when opened.

const actionNames = {
  "dataset.import": "Import af datasæt", "estimate.record": "Estimat registreret", "movement.add": "Bevægelse tilføjet",
  "postings.add": "Posteringer tilføjet", "round.submit": "Runden indsendt", "round.recommend": "Anbefalet af udvalg",
  "round.approve": "Godkendt af byrådet", "round.reopen": "Runden genåbnet", "user.create": "Bruger oprettet", "user.revoke": "Bruger spærret",
};
const auditRowsShown = 500;

async function loadAudit() {
  const body = $("auditBody");
  if (!user) { body.replaceChildren(); return; }
  try {
    const entries = await api(`/api/budget-years/${$("year").value}/audit`);
    const newest = entries.slice(-auditRowsShown).reverse();
    const after = (value) => {
      if (value === null || value === undefined) return "";
      const text = JSON.stringify(value);
      return text.length > 200 ? text.slice(0, 199) + "…" : text;
    };
    body.replaceChildren(
      element("p", "note", entries.length > auditRowsShown ? `De nyeste ${auditRowsShown} af ${entries.length} indførsler, nyeste først.` : `${entries.length} indførsler, nyeste først.`),
      dataTable(null, [{ text: "Tidspunkt" }, { text: "Bruger" }, { text: "Handling" }, { text: "Gælder" }, { text: "Efter" }],
        newest.map((e) => ({ cells: [{ text: danishTime(e.at) }, { text: e.user }, { text: actionNames[e.action] ?? e.action }, { text: e.target }, { text: after(e.after), className: "json" }] }))));
  } catch (error) {
    body.replaceChildren(element("p", "message", `Kunne ikke hente revisionssporet (${error.message}).`));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Year-end (contract §9): the carry-over case per activity area with its policy, for finance and the council.

const flagNames = { capped: "begrænset af loftet", "by-decision": "efter beslutning" };

function mayReadCarryOvers() { return may("finance") || may("council"); }

async function loadCarryOvers() {
  const body = $("carryOverBody");
  if (!mayReadCarryOvers()) { body.replaceChildren(); return; }
  const year = $("year").value;
  try {
    const answer = await api(`/api/budget-years/${year}/carry-overs?by=activity-area`);
    const kr = (value) => ({ text: kroner(value), num: true });
    const status = answer.state === "closed"
      ? `Året er lukket; regnskab pr. ${danishDate(answer.asOf)}.` + (answer.carryOversApprovedOn ? ` Overførslerne er godkendt ${danishDate(answer.carryOversApprovedOn)}.` : "")
      : `Foreløbig beregning: året er åbent, forbrug pr. ${danishDate(answer.asOf)}.`;
    const exports = element("p", "", "Eksport: ");
    for (const format of ["html", "xlsx", "csv"]) {
      exports.append(exportLink(`/api/budget-years/${year}/carry-overs?by=activity-area&format=${format}`, format, `carry-overs-${year}`), " ");
    }
    const rows = answer.rows.map((r) => ({
      cells: [{ text: r.committee ?? "" }, { text: r.activityArea ?? "" }, kr(r.correctedBudget), kr(r.accounts), kr(r.result),
        { text: r.policy ?? "" }, { text: r.share === null ? "" : danish(r.share * 100, 1), num: true },
        { text: r.cap === null ? "" : danish(r.cap, 1), num: true }, kr(r.proposed), { text: flagNames[r.flag] ?? "" }],
    }));
    rows.push({ className: "total", cells: [{ text: "I alt" }, { text: "" }, kr(answer.total.correctedBudget), kr(answer.total.accounts), kr(answer.total.result),
      { text: "" }, { text: "" }, { text: "" }, kr(answer.total.proposed), { text: "" }] });
    body.replaceChildren(
      element("p", "note", status + " Kr.; resultat = regnskab − korrigeret budget (negativ = mindreforbrug); foreslået = −resultat × andel."),
      dataTable(`Overførsler fra ${year} pr. aktivitetsområde`, [{ text: "Udvalg" }, { text: "Aktivitetsområde" }, { text: "Korrigeret budget", num: true },
        { text: "Regnskab", num: true }, { text: "Resultat", num: true }, { text: "Politik" }, { text: "Andel %", num: true },
        { text: "Loft %", num: true }, { text: "Foreslået", num: true }, { text: "Markering" }], rows),
      exports);
  } catch (error) {
    body.replaceChildren(element("p", "message", `Kunne ikke hente overførslerne (${error.message}).`));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Years, committees, sign-in.

/** Reads of the committees in flight: only the latest fills the list (two quick Backs across years read two). */
let committeeLoads = 0;

async function loadCommittees() {
  const select = $("committee");
  const chosen = select.value;
  const loading = ++committeeLoads;
  const committees = await api(`/api/budget-years/${$("year").value}/committees`);
  if (loading !== committeeLoads) return;
  select.length = 1;
  for (const c of committees) select.add(new Option(c.name ?? c.committee ?? c, c.name ?? c.committee ?? c));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  $("auditSummary").textContent = `Revisionsspor for ${$("year").value}`;
  $("carryOverSummary").textContent = `Overførsler fra ${$("year").value} til ${Number($("year").value) + 1}`;
}

/** Reads who the session's key belongs to (a key the server no longer knows is forgotten), then the year and its papers. */
let starts = 0;

async function start() {
  const generation = ++starts;
  user = null;
  if (sessionStorage.getItem(keyStore)) {
    try { user = await api("/api/me"); } catch { sessionStorage.removeItem(keyStore); }
  }
  $("auditPanel").hidden = user === null;
  $("carryOverPanel").hidden = !mayReadCarryOvers();
  try {
    const years = await api("/api/budget-years");
    const select = $("year");
    const chosen = select.value;
    select.length = 0;
    for (const y of years) select.add(new Option(y.year ?? y, y.year ?? y));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
    else if (select.options.length) select.value = select.options[select.options.length - 1].value;
    const refused = takeChoiceFromAddress();
    putChoiceInAddress(); // an address from before the year and round were kept in it now says which it shows
    await loadCommittees();
    await show();
    if (refused) $("status").textContent = refused;
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
  $("auditDetails").open = false;
  $("carryOverDetails").open = false;
  $("auditBody").replaceChildren();
  await start();
  $("apiKey").focus();
}

function may(role) { return user !== null && user.roles.includes(role); }

/** Submit, approve and reopen concern the whole municipality: never offered to a user limited to committees (contract §7). */
function forWholeMunicipality() { return user !== null && user.committees === null; }

// ---------------------------------------------------------------------------------------------------------------
// The round's state and actions.

function roundName() { return `${$("round").value}. budgetopfølgning ${$("year").value}`; }

function renderRound() {
  const state = round?.state;
  const recommended = round?.recommendedBy ?? [];
  $("roundState").textContent = round === null ? "" : (stateNames[state] ?? state)
    + (state === "submitted" && recommended.length ? ` (anbefalet af ${recommended.join(", ")})` : "");
  const actions = [];
  const committee = $("committee").value;
  if ((may("consultant") || may("finance")) && forWholeMunicipality() && state === "open") {
    actions.push(["Indsend runden", `Indsend ${roundName()}? Estimaterne låses.`, "submit"]);
  }
  if (may("committee") && state === "submitted" && committee && (user.committees === null || user.committees.includes(committee)) && !recommended.includes(committee)) {
    actions.push(["Anbefal", `Anbefal ${roundName()} for ${committee}?`, "recommend", { committee }]);
  }
  if (may("council") && forWholeMunicipality() && state === "recommended") {
    actions.push(["approve"]);
  }
  if (may("finance") && forWholeMunicipality() && (state === "submitted" || state === "recommended")) {
    actions.push(["Genåbn", `Genåbn ${roundName()}? Estimaterne kan så rettes igen.`, "reopen"]);
  }
  // The same actions as shown already are left in place: a reload must not take a button away under a click.
  const key = JSON.stringify(actions);
  if (key === shownActions) return;
  shownActions = key;
  $("roundActions").replaceChildren(...actions.flatMap(([label, question, transition, body]) =>
    label === "approve" ? approveControls() : [actionButton(label, question, transition, body)]));
}

let shownActions = null;

function actionButton(label, question, transition, body) {
  const button = element("button", "", label);
  button.type = "button";
  button.addEventListener("click", async () => {
    if (await confirmed(question)) await act(transition, body);
  });
  return button;
}

/**
 * The council's approval: the date of the decision and its reference; the Godkend button confirms. The fields are
 * made once and put back on every reading of the round, so what the user typed survives the page's reloads.
 */
let approval = null;

function approveControls() {
  if (approval === null) {
    const date = elementWith("input", { type: "date", required: true });
    const reference = elementWith("input", { type: "text", maxlength: "200" });
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
    approval = [element("label", "", "Dato ", date), element("label", "", "Reference ", reference), button];
  }
  return approval;
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
  for (const button of $("roundActions").querySelectorAll("button")) button.disabled = false;
  await show();
}

// The forms only group their fields; Enter in the key field signs in, and neither form reloads the page.
$("choice").addEventListener("submit", (event) => event.preventDefault());
$("signIn").addEventListener("submit", async (event) => { event.preventDefault(); await signIn(); });
$("signOut").addEventListener("click", signOut);
$("confirmYes").addEventListener("click", () => $("confirm").close("yes"));
$("confirmNo").addEventListener("click", () => $("confirm").close("no"));
$("year").addEventListener("change", async () => { putChoiceInAddress(); await loadCommittees(); await show(); });
$("round").addEventListener("change", async () => { putChoiceInAddress(); await show(); });
$("committee").addEventListener("change", show);
$("auditDetails").addEventListener("toggle", () => { if ($("auditDetails").open) loadAudit(); });
$("carryOverDetails").addEventListener("toggle", () => { if ($("carryOverDetails").open) loadCarryOvers(); });
window.addEventListener("hashchange", followAddress);
start();
