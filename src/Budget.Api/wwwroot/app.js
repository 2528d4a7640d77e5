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

function headers() {
  const key = sessionStorage.getItem(keyStore);
  return key ? { "X-Api-Key": key } : {};
}

async function api(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(`${response.status}: ${detail}`);
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
    const [table, grid] = await Promise.all([
      api(`/api/budget-years/${year}/reports/committee-table?${query()}`),
      api(`/api/budget-years/${year}/reports/area-grid?${query()}`),
    ]);
    $("committeeTitle").textContent = `${table.tables[0].title} (1.000 kr.)`;
    render(table.tables[0], $("committeeTable"), { chart: true });
    $("committeeNotes").replaceChildren(...table.tables[0].notes.map((n) => element("p", "", n)));
    render(grid.tables[0], $("areaGrid"));
    exportLinks(year);
  } catch (error) {
    $("status").textContent = `Kunne ikke hente rapporten (${error.message}). Angiv en API-nøgle, hvis læsning kræver det.`;
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

async function start() {
  $("apiKey").value = sessionStorage.getItem(keyStore) ?? "";
  try {
    const years = await api("/api/budget-years");
    const select = $("year");
    select.length = 0;
    for (const y of years) select.add(new Option(y.year ?? y, y.year ?? y));
    if (select.options.length) select.value = select.options[select.options.length - 1].value;
    await loadCommittees();
    await show();
  } catch (error) {
    $("status").textContent = `Kunne ikke hente budgetår (${error.message}). Angiv en API-nøgle, hvis læsning kræver det.`;
  }
}

// The form only groups the choices; Enter in the key field must not reload the page.
$("choice").addEventListener("submit", (event) => event.preventDefault());
$("apiKey").addEventListener("change", async () => {
  const key = $("apiKey").value.trim();
  if (key) sessionStorage.setItem(keyStore, key); else sessionStorage.removeItem(keyStore);
  await start();
});
$("year").addEventListener("change", async () => { await loadCommittees(); await show(); });
$("round").addEventListener("change", show);
$("committee").addEventListener("change", show);
start();
