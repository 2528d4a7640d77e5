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

/** A small horizontal bar chart of a row's variance, centred on zero (inline SVG). */
function varianceBar(value, max) {
  const width = 120, half = width / 2;
  const length = max === 0 ? 0 : Math.round(Math.abs(value) / max * (half - 2));
  const x = value < 0 ? half - length : half;
  return `<svg class="variance" width="${width}" height="12" role="img" aria-label="afvigelse ${danish(value)}">` +
    `<rect class="${value < 0 ? "neg" : "pos"}" x="${x}" y="2" width="${length}" height="8"></rect>` +
    `<line x1="${half}" x2="${half}" y1="0" y2="12"></line></svg>`;
}

function render(table, element, options = {}) {
  const columns = table.columns;
  const varianceKey = "varianceToCorrected";
  const max = Math.max(0, ...table.rows.map((r) => Math.abs(r.cells[varianceKey] ?? 0)));
  let html = "<thead><tr>" + columns.map((c) => `<th class="${c.kind === "text" ? "" : "num"}">${c.header}</th>`).join("");
  if (options.chart) html += "<th>Afvigelse</th>";
  html += "</tr></thead><tbody>";
  for (const row of table.rows) {
    html += `<tr class="${row.kind}">`;
    for (const c of columns) {
      const value = row.cells[c.key];
      if (c.kind === "text") { html += `<td>${value ?? ""}</td>`; continue; }
      if (c.kind === "percent") {
        const width = Math.max(0, Math.min(100, value ?? 0));
        html += `<td class="num"><span class="bar${value > 100 ? " over" : ""}" style="width:${width / 2}px"></span>${danish(value, 1)}</td>`;
        continue;
      }
      const sign = c.key.startsWith("variance") && value ? (value < 0 ? " neg" : " pos") : "";
      html += `<td class="num${sign}">${danish(value)}</td>`;
    }
    if (options.chart) html += `<td>${row.kind === "detail" ? varianceBar(row.cells[varianceKey] ?? 0, max) : ""}</td>`;
    html += "</tr>";
  }
  element.innerHTML = html + "</tbody>";
}

function exportLinks(year) {
  const list = $("exports");
  list.innerHTML = "";
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
        window.open(url, "_blank");
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
    $("committeeNotes").innerHTML = table.tables[0].notes.map((n) => `<p>${n}</p>`).join("");
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

$("apiKey").addEventListener("change", async () => {
  const key = $("apiKey").value.trim();
  if (key) sessionStorage.setItem(keyStore, key); else sessionStorage.removeItem(keyStore);
  await start();
});
$("year").addEventListener("change", async () => { await loadCommittees(); await show(); });
$("round").addEventListener("change", show);
$("committee").addEventListener("change", show);
start();
