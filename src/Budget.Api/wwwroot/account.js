// The account level of the page: an activity area's (or group's) accounts, and one account's view with its
// estimate form (contract §8).
import { $, element, elementWith, dataTable } from "./dom.js";
import { api, request } from "./api.js";
import { kroner, danish, parseDanish, toInput, danishDate, danishTime } from "./numbers.js";
import { consumptionChart } from "./chart.js";

const kindNames = {
  original_budget: "Oprindeligt budget",
  prior_estimate_shift: "Overførsel fra 3. AR",
  carry_over: "Overførsel",
  council_decision: "KB-beslutning",
  technical_reallocation: "Teknisk omplacering",
  estimate_appropriation: "Bevilling fra budgetopfølgning",
};

const activityNames = [
  ["", "Ikke relevant"],
  ["passive", "Passiv"],
  ["job-oriented", "Jobrettet aktivering"],
  ["education", "Ordinær uddannelse"],
  ["partial-return", "Delvis raskmelding"],
];

const stateWords = { open: "åben", submitted: "indsendt", recommended: "anbefalet", approved: "godkendt" };

/**
 * A link within the page (its target in the address's fragment, so Back and bookmarks work). The fragment names the
 * year and round too: an account number is the same in every year, and a bookmark or a reload must not open the
 * account of another year's round with its estimate form.
 */
export function pageLink(text, params, className = "") {
  const link = element("a", className, text);
  const target = () => "#" + new URLSearchParams({ aar: $("year").value, runde: $("round").value, ...params }).toString();
  link.href = target();
  // A link drawn before the lists changed (the new round's tables still being read) leads to what the lists show now,
  // not back to the year and round it was drawn in: its address is taken when it is followed.
  for (const use of ["click", "auxclick", "contextmenu"]) link.addEventListener(use, () => { link.href = target(); });
  return link;
}

function money(value, className = "") {
  const sign = className === "variance" && value ? (value < 0 ? " neg" : " pos") : "";
  return { text: kroner(value), num: true, className: sign.trim() };
}

// ---------------------------------------------------------------------------------------------------------------
// An activity area's or a group's accounts (kroner), each a link to its account view.

/**
 * The accounts of an activity area (or reporting group), from the follow-up by account.
 * `chosen` = {area} or {group}; `rows` = the follow-up's rows by account; `committee` = the chosen committee or "".
 */
export function renderAccountList(section, chosen, rows, committee, roundLabel) {
  const matching = rows.filter((r) => (!committee || r.committee === committee)
    && (chosen.area !== null ? r.activityArea === chosen.area : (r.group ?? "(uden gruppe)") === chosen.group));
  const title = chosen.area !== null ? `Konti i aktivitetsområdet ${chosen.area}` : `Konti i gruppen ${chosen.group}`;
  const heading = elementWith("h2", { id: "accountsTitle", tabindex: "-1" }, `${title} (kr.)`);
  if (!matching.length) {
    section.replaceChildren(heading, element("p", "", "Ingen konti her i det valgte udvalg."));
    return;
  }
  const showCommittee = new Set(matching.map((r) => r.committee)).size > 1;
  // Summed in øre (whole numbers), so that the sum of amounts with øre is exact before it is shown.
  const total = (key) => matching.reduce((sum, r) => sum + Math.round(r[key] * 100), 0) / 100;
  const tableRows = matching.map((r) => ({
    cells: [
      { text: r.account },
      { node: pageLink(r.accountName ?? r.account, { konto: r.account }) },
      ...(showCommittee ? [{ text: r.committee }] : []),
      money(r.correctedBudget), money(r.consumption), money(r.estimate), money(r.varianceToCorrected, "variance"),
      { text: r.estimatesMissing ? "mangler" : "", className: "missing" },
    ],
  }));
  tableRows.push({
    className: "total",
    cells: [{ text: "" }, { text: "I alt" }, ...(showCommittee ? [{ text: "" }] : []),
      money(total("correctedBudget")), money(total("consumption")), money(total("estimate")), money(total("varianceToCorrected"), "variance"), { text: "" }],
  });
  const headers = [{ text: "Konto" }, { text: "Navn" }, ...(showCommittee ? [{ text: "Udvalg" }] : []),
    { text: "Korrigeret budget", num: true }, { text: "Forbrug", num: true }, { text: "Anslået regnskab", num: true },
    { text: "Afvigelse", num: true }, { text: "Estimat" }];
  section.replaceChildren(heading, element("p", "note", `${roundLabel}. Vælg en konto for at se den og registrere estimatet.`),
    dataTable(null, headers, tableRows));
}

// ---------------------------------------------------------------------------------------------------------------
// One account.

/** The estimate form kept between reloads of the page's data while its user is typing in it. */
let form = null;

/** Which read of the account view is the latest (a slower earlier one never overwrites a later one). */
let reads = 0;

/**
 * Shows one account (contract §8). `context`: {year, round, roundState, user, mayEstimate(account), reload(), focus}.
 * Reads the card, the current estimate (with its ETag) and the round comparison.
 */
export async function renderAccount(section, accountId, context) {
  const read = ++reads;
  if (!context.user) {
    form = null;
    section.replaceChildren(elementWith("h2", { id: "accountTitle", tabindex: "-1" }, `Konto ${accountId}`),
      element("p", "message", "Log ind med en API-nøgle for at se kontoen: dens bevægelser og bemærkninger kræver en rolle."));
    return;
  }
  const base = `/api/budget-years/${context.year}`;
  const path = encodeURIComponent(accountId);
  let card, stored, comparison;
  try {
    [card, stored, comparison] = await Promise.all([
      api(`${base}/accounts/${path}?round=${context.round}`),
      currentEstimate(base, context.round, path),
      api(`${base}/round-comparison?by=account`),
    ]);
    // The forecast (contract §11) as of the round's cut-off, beside the estimate; without it the view still stands.
    forecastRow = null;
    const forecast = await api(`${base}/forecast?asOf=${card.asOf}&by=account&round=${context.round}`).catch(() => null);
    forecastRow = forecast?.rows.find((r) => r.account === accountId) ?? null;
  } catch (error) {
    if (read !== reads) return;
    form = null;
    section.replaceChildren(elementWith("h2", { id: "accountTitle", tabindex: "-1" }, `Konto ${accountId}`),
      element("p", "message", error.status === 404 ? `Kontoen ${accountId} findes ikke i ${context.year}.` : `Kunne ikke hente kontoen (${error.message}).`));
    return;
  }
  if (read !== reads) return;

  const account = card.account;
  const back = pageLink(`Tilbage til ${account.activityArea}`, { omraade: account.activityArea }, "back");
  const heading = elementWith("h2", { id: "accountTitle", tabindex: "-1" }, `${account.account} ${account.name}`);
  const meta = element("p", "meta",
    `${account.committee} · ${account.activityArea}` + (account.group ? ` · gruppe ${account.group}` : "")
    + (account.refusionBenefit ? ` · refusionsberettiget ydelse (${account.refusionBenefit})` : "")
    + ` · ${context.round}. budgetopfølgning, opgjort pr. ${danishDate(card.asOf)} · kr.`);

  const top = element("div", "account-top",
    element("div", "", element("h3", "", "Korrigeret budget og estimat"), figuresTable(card)),
    element("div", "", estimatePanel(card, stored, context)));
  section.replaceChildren(back, heading, meta, top,
    element("h3", "", "Forbrug pr. måned"), consumptionChart(card),
    element("h3", "", `Prognose for året pr. ${danishDate(card.asOf)}`), forecastTable(forecastRow),
    element("h3", "", "Bevægelser"), movementsTable(card),
    element("h3", "", `Estimater i ${context.round}. budgetopfølgning`), versionsTable(card),
    element("h3", "", "Runderne 1 → 2 → 3"), comparisonTable(comparison, account.account));
}

async function currentEstimate(base, round, path) {
  try {
    return await request(`${base}/rounds/${round}/estimates/${path}`);
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

/** The chosen account's forecast row (contract §11), or null. */
let forecastRow = null;

const forecastFlags = { over: "mere end 5 % over korrigeret budget", under: "mere end 5 % under korrigeret budget" };

/** The forecast methods beside the consultant's estimate, which they never replace. */
function forecastTable(row) {
  if (!row) return element("p", "note", "Ingen prognose for kontoen.");
  const m = row.methods;
  const growth = row.growthPercent === null || row.growthPercent === undefined ? "" : ` (vækst ${danish(row.growthPercent, 1)} %)`;
  const lines = [
    ["Lineær (forbrug ÷ forløben andel af året)", money(m.linear)],
    ["Profil (tidligere års andel på samme dag)", m.profile === null ? { text: "ingen tidligere år" } : money(m.profile)],
    ["Som sidste år, samme periode" + growth, m.lastYear === null ? { text: "intet sidste år" } : money(m.lastYear)],
    ["Forslag", row.suggested === null ? { text: "intet forslag" } : money(row.suggested)],
    ["Afvigelse ift. korrigeret budget, pct.", { text: row.deviationPercent === null ? "" : danish(row.deviationPercent, 1), num: true }],
    ["Dit estimat", money(row.estimate)],
  ];
  return element("div", "forecast",
    dataTable(null, [{ text: "Metode" }, { text: "Kr.", num: true }], lines.map(([label, value]) => ({ cells: [{ text: label }, value] })), "report figures-forecast"),
    element("p", "note", (row.flag ? `Markering: ${forecastFlags[row.flag]}. ` : "") + "Prognosen står ved siden af estimatet og erstatter det ikke."));
}

function figuresTable(card) {
  const f = card.figures;
  const years = [1, 2, 3, 4].map((i) => card.year + i);
  const rows = [
    ["(1) Oprindeligt budget", f.originalBudget],
    ["(2) Overførsel fra 3. AR", f.priorEstimateShifts],
    ["(3) Overførsler", f.carryOvers],
    ["(4) KB-beslutninger", f.councilDecisions],
    ["(5) Tekniske omplaceringer", f.technicalReallocations],
    ["Bevillinger fra budgetopfølgning", f.estimateAppropriations],
    ["(6) Tillægsbevillinger i alt", f.supplementaryAppropriations, "subtotal"],
    ["(7) Korrigeret budget", f.correctedBudget, "total"],
    [`Forbrug pr. ${danishDate(card.asOf)}`, f.consumption],
  ].map(([name, value, className]) => ({ className, cells: [{ text: name, header: true }, money(value)] }));
  rows.push({ cells: [{ text: "Forbrug pct.", header: true }, { text: f.consumptionPercent === null ? "" : danish(f.consumptionPercent, 1), num: true }] });
  rows.push({ className: "total", cells: [{ text: "(8) Anslået regnskab", header: true }, money(f.estimate)] });
  if (f.estimatesMissing) rows.push({ cells: [{ text: "", header: true }, { text: "Intet estimat endnu: regnes som korrigeret budget", className: "note" }] });
  rows.push({ cells: [{ text: "(9) Afvigelse", header: true }, money(f.varianceToCorrected, "variance")] });
  rows.push({ cells: [{ text: "Afvigelse ift. oprindeligt budget", header: true }, money(f.varianceToOriginal, "variance")] });
  f.outYears.forEach((value, i) => rows.push({ cells: [{ text: `Konsekvens ${years[i]} (overslagsår ${i + 1})`, header: true }, money(value)] }));
  return dataTable(null, [{ text: "" }, { text: "Kr.", num: true }], rows, "report figures");
}

function movementsTable(card) {
  if (!card.movements.length) return element("p", "note", "Ingen bevægelser.");
  const rows = card.movements.map((m) => ({
    className: m.counted ? "" : "later",
    cells: [
      { text: danishDate(m.decidedOn) },
      { text: (kindNames[m.kind] ?? m.kind) + (m.counted ? "" : ` (efter ${danishDate(card.asOf)}: tæller ikke med)`) },
      money(m.amount),
      { text: m.reference ?? "" },
      { text: m.decidedBy ?? "" },
    ],
  }));
  return dataTable(null, [{ text: "Dato" }, { text: "Art" }, { text: "Beløb", num: true }, { text: "Sag" }, { text: "Besluttet af" }], rows);
}

function versionsTable(card) {
  if (!card.estimates.length) return element("p", "note", "Intet estimat registreret i runden endnu.");
  const rows = [...card.estimates].reverse().map((e) => ({
    cells: [
      { text: String(e.version), num: true },
      { text: danishTime(e.recordedAt) },
      money(e.estimate),
      { text: e.gross ? kroner(e.gross.amount) : "", num: true },
      ...e.outYears.map((v) => money(v)),
      { text: e.explanation, className: "explanation" },
    ],
  }));
  const years = [1, 2, 3, 4].map((i) => ({ text: String(card.year + i), num: true }));
  return dataTable(null, [{ text: "Version", num: true }, { text: "Registreret" }, { text: "Anslået", num: true }, { text: "Brutto", num: true }, ...years, { text: "Bemærkning" }], rows);
}

function comparisonTable(comparison, accountId) {
  const row = comparison.rows.find((r) => r.account === accountId);
  if (!row) return element("p", "note", "Kontoen er ikke med i sammenligningen.");
  const rows = row.rounds.map((r, i) => r === null
    ? { cells: [{ text: `${i + 1}. runde`, header: true }, { text: "ikke opgjort" }, { text: "" }, { text: "" }, { text: "" }, { text: "ingen estimater i runden endnu", className: "note" }] }
    : {
      cells: [
        { text: `${r.round}. runde`, header: true },
        { text: danishDate(r.asOf) },
        money(r.correctedBudget),
        { text: kroner(r.estimate) + (r.estimatesMissing ? " (intet estimat)" : ""), num: true },
        money(r.varianceToCorrected, "variance"),
        { text: r.explanation ?? "", className: "explanation" },
      ],
    });
  for (const c of row.changes) {
    rows.push({
      className: "change",
      cells: [{ text: `Ændring ${c.from} → ${c.to}`, header: true }, { text: "" }, money(c.correctedBudget), money(c.estimate), money(c.varianceToCorrected, "variance"), { text: "" }],
    });
  }
  return dataTable(null, [{ text: "" }, { text: "Opgjort pr." }, { text: "Korrigeret budget", num: true }, { text: "Anslået regnskab", num: true }, { text: "Afvigelse", num: true }, { text: "Bemærkning" }], rows);
}

// ---------------------------------------------------------------------------------------------------------------
// The estimate form.

function estimatePanel(card, stored, context) {
  const account = card.account;
  if (!context.mayEstimate(account)) {
    form = null;
    const scope = context.user?.committees;
    return element("p", "note", context.roundState !== "open" && context.mayEstimateSomewhere
      ? `Runden er ${stateWords[context.roundState] ?? context.roundState}: estimaterne er låst.`
      : context.mayEstimateSomewhere && scope
        ? `Kontoen hører under ${account.committee}; du registrerer estimater for ${scope.join(", ")}.`
        : "Estimatet registreres af konsulenter og økonomi, mens runden er åben.");
  }
  const key = `${context.year}/${context.round}/${account.account}`;
  if (form && form.key === key && form.dirty && form.node) {
    // The user is typing: the data around the form is read again, the form and the ETag it read stay as they are.
    return form.node;
  }
  form = { key, etag: stored?.etag ?? null, current: stored?.body ?? null, dirty: false, node: null, notice: form?.key === key ? form.notice : "" };
  form.node = buildForm(card, context);
  fill(form.current);
  return form.node;
}

/** An id of the form's fields, for labels, errors and aria-describedby. */
const id = (name) => `est-${name}`;

/** An element of the estimate form by its id; found in the form itself, which is built before it is shown. */
const inForm = (elementId) => form.node.querySelector(`#${CSS.escape(elementId)}`);

/** A field of the estimate form by its short name. */
const f = (name) => inForm(id(name));

function field(name, label, input, hints = []) {
  input.id = id(name);
  const error = elementWith("p", { className: "field-error", id: id(name) + "-error", hidden: true });
  input.setAttribute("aria-describedby", [...hints, error.id].join(" "));
  return element("div", "field", elementWith("label", { for: input.id }, label), input, error);
}

function amountInput() {
  return elementWith("input", { type: "text", inputmode: "decimal", autocomplete: "off", maxlength: "40", spellcheck: "false" });
}

function buildForm(card, context) {
  const account = card.account;
  const benefit = Boolean(account.refusionBenefit);
  const node = elementWith("form", { id: "estimateForm", className: "estimate", novalidate: true, "aria-labelledby": "estimateTitle" },
    elementWith("h3", { id: "estimateTitle" }, `Estimat i ${context.round}. budgetopfølgning`),
    elementWith("p", { className: "hint", id: id("hint") }, "Beløb i kroner, fx 1.150.000 eller 1150000,50; + er merudgift, − mindreudgift."));

  if (benefit) {
    const choice = elementWith("fieldset", { className: "mode" }, element("legend", "", "Angives som"));
    for (const [value, text] of [["net", "Netto"], ["gross", "Brutto og personer"]]) {
      const radio = elementWith("input", { type: "radio", name: "mode", value, id: id(`mode-${value}`) });
      radio.addEventListener("change", () => setMode(value));
      choice.append(element("span", "radio", radio, elementWith("label", { for: radio.id }, text)));
    }
    node.append(choice);
  }

  node.append(field("estimate", "Anslået regnskab", amountInput(), [id("hint"), id("estimate-note")]),
    elementWith("p", { className: "hint", id: id("estimate-note") }, form.current ? "" : `Intet estimat endnu: kontoen regnes som korrigeret budget ${kroner(card.figures.correctedBudget)} kr.`));

  if (benefit) {
    const persons = element("tbody", "");
    persons.id = id("persons");
    const add = element("button", "secondary", "Tilføj række");
    add.type = "button";
    add.addEventListener("click", () => { addPerson(persons, {}); form.dirty = true; persons.querySelector("tr:last-child input")?.focus(); });
    const personsError = elementWith("p", { className: "field-error", id: id("gross-error"), hidden: true });
    node.append(elementWith("fieldset", { id: id("gross"), className: "gross", "aria-describedby": personsError.id },
      element("legend", "", `Brutto og helårspersoner pr. anciennitet (${account.refusionBenefit})`),
      field("grossAmount", "Brutto", amountInput(), [id("hint")]),
      element("table", "persons",
        element("thead", "", element("tr", "", ...["Anciennitetsuge", "Aktivitet", "Helårspersoner", ""].map((t) => elementWith("th", { scope: "col" }, t)))),
        persons),
      add, personsError));
  }

  const explanation = elementWith("textarea", { rows: "3", maxlength: "4000" });
  node.append(field("explanation", "Bemærkning", explanation));

  const outYears = elementWith("fieldset", { className: "out-years" }, element("legend", "", "Konsekvenser i overslagsårene (kr.)"));
  for (let i = 1; i <= 4; i++) {
    const yearHint = elementWith("span", { className: "hint", id: id(`outYear${i}-year`) }, String(card.year + i));
    const block = field(`outYear${i}`, `Overslagsår ${i}`, amountInput(), [id(`outYear${i}-year`), id("hint")]);
    block.querySelector("label").after(yearHint);
    outYears.append(block);
  }
  node.append(outYears);

  const save = element("button", "", "Gem");
  save.type = "submit";
  node.append(element("div", "form-actions", save, elementWith("span", { id: "estimateMessage", role: "status" }, form.notice)),
    elementWith("div", { id: "estimateConflict", className: "conflict", role: "alert", hidden: true }));

  node.addEventListener("input", () => { form.dirty = true; });
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    await saveEstimate(card, context);
  });
  return node;
}

function addPerson(tbody, person) {
  const index = tbody.rows.length;
  const row = element("tr", "");
  const cell = (name, label, input) => {
    input.id = id(`person-${index}-${name}`);
    input.setAttribute("aria-label", `${label}, række ${index + 1}`);
    const error = elementWith("p", { className: "field-error", id: input.id + "-error", hidden: true });
    input.setAttribute("aria-describedby", error.id);
    return element("td", "", input, error);
  };
  const week = elementWith("input", { type: "number", min: "1", max: "10000", step: "1", inputmode: "numeric" });
  week.value = person.anciennityWeek ?? "";
  const activity = element("select", "", ...activityNames.map(([value, text]) => new Option(text, value)));
  activity.value = person.activity ?? "";
  const persons = elementWith("input", { type: "text", inputmode: "decimal", autocomplete: "off", maxlength: "20" });
  persons.value = person.fullYearPersons === undefined ? "" : String(person.fullYearPersons).replace(".", ",");
  const remove = elementWith("button", { type: "button", className: "secondary", "aria-label": `Fjern række ${index + 1}` }, "Fjern");
  remove.addEventListener("click", () => {
    const kept = readPersons(tbody).filter((_, i) => i !== index);
    tbody.replaceChildren();
    for (const p of kept) addPerson(tbody, p);
    form.dirty = true;
    tbody.closest("fieldset").querySelector("button.secondary:not([aria-label])")?.focus();
  });
  row.append(cell("anciennityweek", "Anciennitetsuge", week), cell("activity", "Aktivitet", activity), cell("fullyearpersons", "Helårspersoner", persons), element("td", "", remove));
  tbody.append(row);
}

/** The persons' rows as typed (text), for rebuilding after a removal. */
function readPersons(tbody) {
  return [...tbody.rows].map((row) => {
    const [week, activity, persons] = row.querySelectorAll("input, select");
    return { anciennityWeek: week.value, activity: activity.value, fullYearPersons: persons.value.replace(",", ".") };
  });
}

function setMode(mode) {
  const gross = f("gross");
  if (!gross) return;
  f(`mode-${mode}`).checked = true;
  gross.hidden = mode !== "gross";
  gross.disabled = mode !== "gross";
  f("estimate").disabled = mode === "gross";
}

/** Puts a stored estimate (the API's EstimateDto) into the form, or empties it. */
function fill(current) {
  f("estimate").value = current && !current.gross ? toInput(current.estimate) : "";
  f("explanation").value = current?.explanation ?? "";
  for (let i = 1; i <= 4; i++) f(`outYear${i}`).value = current ? toInput(current.outYears[i - 1]) : "";
  const persons = f("persons");
  if (persons) {
    persons.replaceChildren();
    for (const p of current?.gross?.persons ?? [{}]) addPerson(persons, p);
    f("grossAmount").value = current?.gross ? toInput(current.gross.amount) : "";
    if (current?.gross) f("estimate").value = toInput(current.estimate);
    setMode(current?.gross ? "gross" : "net");
  }
}

function clearErrors() {
  for (const error of form.node.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const invalid of form.node.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
  inForm("estimateMessage").textContent = "";
  inForm("estimateConflict").hidden = true;
  inForm("estimateConflict").replaceChildren();
}

/** Shows a message beside its field (the field's error element, named in its aria-describedby). */
function showError(fieldId, message) {
  const error = inForm(fieldId + "-error");
  if (!error) return false;
  error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
  error.hidden = false;
  inForm(fieldId)?.setAttribute("aria-invalid", "true");
  return true;
}

/** Which field of the form an API error key names (ProblemDetails `errors`; keys as the validators write them). */
function fieldOf(key) {
  const k = key.toLowerCase();
  let match;
  if (k === "estimate") return id("estimate");
  if (k === "explanation") return id("explanation");
  if ((match = /^outyears\[(\d)\]$/.exec(k))) return id(`outYear${Number(match[1]) + 1}`);
  if (k === "outyears") return id("outYear1");
  if (k === "gross.amount") return id("grossAmount");
  if ((match = /^gross\.persons\[(\d+)\]\.(anciennityweek|activity|fullyearpersons)$/.exec(k))) return id(`person-${match[1]}-${match[2]}`);
  if (k === "gross" || k.startsWith("gross.")) return id("gross");
  return null;
}

const notANumber = "Skriv et beløb i kroner med dansk talformat, fx 1.150.000 eller 1150000,50.";

/** Reads the form into the request body (JSON text, amounts as their decimal text); null after showing the errors. */
function requestBody() {
  const errors = [];
  const amount = (name, required, message) => {
    const text = f(name).value.trim();
    if (!text) {
      if (required) errors.push([id(name), message]);
      return required ? null : "0";
    }
    const value = parseDanish(text);
    if (value === null) errors.push([id(name), notANumber]);
    return value;
  };
  const gross = f("gross") && !f("gross").disabled;
  const estimate = gross ? null : amount("estimate", true, "Angiv det anslåede regnskab for året.");
  const outYears = [1, 2, 3, 4].map((i) => amount(`outYear${i}`, false));
  let grossPart = null;
  if (gross) {
    const grossAmount = amount("grossAmount", true, "Angiv bruttoudgiften for året.");
    const persons = [];
    for (const row of f("persons").rows) {
      const [week, activity, count] = row.querySelectorAll("input, select");
      if (!week.value.trim() && !count.value.trim()) continue;
      if (!/^\d{1,5}$/.test(week.value.trim())) errors.push([week.id, "Angiv anciennitetsugen som et helt tal, fx 1 eller 53."]);
      const value = parseDanish(count.value);
      if (value === null) errors.push([count.id, "Angiv helårspersoner som et tal, fx 520,5."]);
      persons.push(`{"anciennityWeek":${Number(week.value.trim())},"activity":${JSON.stringify(activity.value || null)},"fullYearPersons":${value}}`);
    }
    if (!persons.length) errors.push([id("gross"), "Angiv helårspersoner for mindst én anciennitet."]);
    grossPart = `{"amount":${grossAmount},"persons":[${persons.join(",")}]}`;
  }
  if (errors.length) {
    for (const [field, message] of errors) showError(field, message);
    inForm(errors[0][0])?.focus();
    return null;
  }
  const parts = [];
  if (estimate !== null) parts.push(`"estimate":${estimate}`);
  parts.push(`"explanation":${JSON.stringify(f("explanation").value)}`);
  parts.push(`"outYears":[${outYears.join(",")}]`);
  if (grossPart) parts.push(`"gross":${grossPart}`);
  return `{${parts.join(",")}}`;
}

async function saveEstimate(card, context) {
  clearErrors();
  const body = requestBody();
  if (body === null) return;
  const path = `/api/budget-years/${context.year}/rounds/${context.round}/estimates/${encodeURIComponent(card.account.account)}`;
  const button = form.node.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const saved = await request(path, { method: "PUT", body, ifMatch: form.etag });
    form.etag = saved.etag;
    form.current = saved.body;
    form.dirty = false;
    form.notice = `Gemt: ${kroner(saved.body.estimate)} kr. (version ${saved.body.version}).`;
    inForm("estimateMessage").textContent = form.notice;
    await context.reload();
    // The form was built again from what was saved: the keyboard goes on from its Gem button.
    form?.node?.querySelector("button[type=submit]")?.focus();
  } catch (error) {
    await refused(error, path);
  } finally {
    button.disabled = false;
  }
}

async function refused(error, path) {
  if (error.status === 412 || error.status === 428) {
    // Someone else saved first: show what they saved, keep what this user typed, and overwrite nothing.
    let other = null;
    try { other = await request(path); } catch { /* shown without the value */ }
    showConflict(other);
    return;
  }
  const errors = error.problem?.errors;
  if (error.status === 400 && errors) {
    const elsewhere = [];
    for (const [key, messages] of Object.entries(errors)) {
      const field = fieldOf(key);
      for (const message of messages) if (!field || !showError(field, message)) elsewhere.push(message);
    }
    if (elsewhere.length) inForm("estimateMessage").textContent = `Ikke gemt: ${elsewhere.join(" ")}`;
    else inForm("estimateMessage").textContent = "Ikke gemt: ret felterne markeret med en fejl.";
    form.node.querySelector("[aria-invalid=true]")?.focus();
    return;
  }
  inForm("estimateMessage").textContent = `Ikke gemt (${error.message}).`;
}

function showConflict(other) {
  const box = inForm("estimateConflict");
  const parts = [element("strong", "", "Estimatet er ændret af en anden")];
  if (other) {
    const e = other.body;
    parts.push(element("p", "", `Gemt af en anden (version ${e.version}, ${danishTime(e.recordedAt)}): `,
      element("span", "other-value", `Anslået regnskab ${kroner(e.estimate)} kr.`),
      e.gross ? ` (brutto ${kroner(e.gross.amount)} kr.)` : "",
      `; overslagsår ${e.outYears.map((v) => kroner(v)).join(" / ")} kr.`,
      e.explanation ? `; bemærkning: »${e.explanation}«` : ""));
    const use = element("button", "secondary", "Brug den gemte værdi");
    use.type = "button";
    use.addEventListener("click", () => {
      form.etag = other.etag;
      form.current = e;
      form.dirty = false;
      clearErrors();
      fill(e);
      inForm("estimateMessage").textContent = `Formularen viser nu version ${e.version}. Ret den og gem igen.`;
      f("explanation").focus();
    });
    parts.push(element("p", "", "Dine tal står stadig i formularen og er ikke gemt. "), use);
  } else {
    parts.push(element("p", "", "Dine tal er ikke gemt. Hent siden igen for at se den gemte værdi."));
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}
