// Consumption by month as an inline SVG chart, built node by node (createElementNS), never from markup.
import { danish, kroner, danishDate, monthNames } from "./numbers.js";
import { element, elementWith, svgElement, dataTable } from "./dom.js";

const width = 720, height = 300;
const margin = { left: 84, right: 16, top: 14, bottom: 34 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

/** A step of 1, 2 or 5 × 10^n giving about `count` intervals over `span`. */
function niceStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/** A tick label: whole kroner below a million, otherwise millions ("1,5 mio."). */
function tickLabel(value, step) {
  if (Math.abs(step) < 1e6 && Math.abs(value) < 1e7) return danish(value);
  const decimals = step >= 1e6 ? 0 : step >= 1e5 ? 1 : 2;
  return `${danish(value / 1e6, decimals)} mio.`;
}

/**
 * The chart of an account card: consumption cumulative from 1 January, this year through the card's date and last
 * year (when the database holds it), and the straight line from 0 to the corrected budget over the year.
 * `card` is the API's account card.
 */
export function consumptionChart(card) {
  const corrected = card.figures.correctedBudget;
  const thisYear = card.months.filter((m) => m.thisYear !== null);
  const lastYear = card.lastYear === null ? [] : card.months.filter((m) => m.lastYear !== null);
  const values = [0, corrected, ...thisYear.map((m) => m.thisYear), ...lastYear.map((m) => m.lastYear)];
  let low = Math.min(...values), high = Math.max(...values);
  if (high === low) high = low + 1000;
  const step = niceStep(high - low, 4);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const x = (month) => margin.left + (month / 12) * plotWidth;
  const y = (value) => margin.top + ((high - value) / (high - low)) * plotHeight;
  const points = (list, key) => [[0, 0], ...list.map((m) => [m.month, m[key]])].map(([m, v]) => `${x(m).toFixed(1)},${y(v).toFixed(1)}`).join(" ");

  const titleId = `chartTitle-${card.account.account}`;
  const descId = `chartDesc-${card.account.account}`;
  const last = thisYear.at(-1);
  const description = `Forbrug ${card.year} til og med ${danishDate(card.asOf)}: ${kroner(last?.thisYear ?? 0)} kr.`
    + (card.lastYear === null ? "" : ` Forbrug ${card.lastYear} hele året: ${kroner(card.months[11].lastYear)} kr.`)
    + ` Korrigeret budget: ${kroner(corrected)} kr.`;
  const chart = svgElement("svg", { class: "consumption", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${titleId} ${descId}` },
    svgElement("title", { id: titleId }, `Forbrug pr. måned for ${card.account.account} ${card.account.name}, akkumuleret`),
    svgElement("desc", { id: descId }, description));

  for (let tick = low; tick <= high + step / 2; tick += step) {
    chart.append(
      svgElement("line", { class: tick === 0 ? "axis" : "grid", x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick) }),
      svgElement("text", { class: "tick", x: margin.left - 6, y: y(tick) + 4, "text-anchor": "end" }, tickLabel(tick, step)));
  }
  monthNames.forEach((name, i) => {
    chart.append(svgElement("text", { class: "tick", x: x(i + 0.5), y: height - margin.bottom + 16, "text-anchor": "middle" }, name));
    chart.append(svgElement("line", { class: "grid month", x1: x(i + 1), x2: x(i + 1), y1: margin.top, y2: height - margin.bottom }));
  });

  chart.append(svgElement("line", { class: "budget", x1: x(0), y1: y(0), x2: x(12), y2: y(corrected) }));
  if (lastYear.length) chart.append(svgElement("polyline", { class: "last-year", points: points(lastYear, "lastYear") }));
  if (thisYear.length) {
    chart.append(svgElement("polyline", { class: "this-year", points: points(thisYear, "thisYear") }));
    for (const m of thisYear) {
      chart.append(svgElement("circle", { class: "this-year", cx: x(m.month), cy: y(m.thisYear), r: 3.5 },
        svgElement("title", {}, `${monthNames[m.month - 1]} ${card.year}: ${kroner(m.thisYear)} kr.`)));
    }
  }

  const legend = element("ul", "legend",
    element("li", "", element("span", "swatch this-year"), `Forbrug ${card.year} (til og med ${danishDate(card.asOf)})`),
    card.lastYear === null ? element("li", "", element("span", "swatch none"), "Intet forbrug for året før i databasen")
      : element("li", "", element("span", "swatch last-year"), `Forbrug ${card.lastYear}`),
    element("li", "", element("span", "swatch budget"), `Korrigeret budget ${kroner(corrected)} kr. fordelt jævnt over året`));

  const headers = [{ text: "Måned" }, { text: `${card.year} (kr.)`, num: true }];
  if (card.lastYear !== null) headers.push({ text: `${card.lastYear} (kr.)`, num: true });
  const rows = card.months.map((m) => ({
    cells: [{ text: monthNames[m.month - 1], header: true }, { text: kroner(m.thisYear), num: true },
      ...(card.lastYear === null ? [] : [{ text: kroner(m.lastYear), num: true }])],
  }));
  const numbers = element("details", "chart-numbers", element("summary", "", "Vis tallene bag grafen"),
    dataTable("Forbrug fra 1. januar til og med måneden", headers, rows, "report compact"));

  return elementWith("figure", { className: "chart" }, chart, element("figcaption", "", legend), numbers);
}
