// Building the page from nodes: every value is a text node or an attribute, never markup (contract §8).

export const $ = (id) => document.getElementById(id);

/** An element with its class and children; strings become text nodes, so a database value is never read as HTML. */
export function element(tag, className, ...children) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  made.append(...children.filter((c) => c !== null && c !== undefined));
  return made;
}

/** An element with attributes (set one by one, never as markup) and children. */
export function elementWith(tag, attributes, ...children) {
  const made = element(tag, "", ...children);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") made.className = value;
    else made.setAttribute(name, value === true ? "" : String(value));
  }
  return made;
}

const svgNamespace = "http://www.w3.org/2000/svg";

/** An SVG element made through createElementNS, attributes set one by one. */
export function svgElement(tag, attributes = {}, ...children) {
  const made = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
  made.append(...children);
  return made;
}

/** A table: a caption (may be null), column headers ({text, num}) and rows of cells ({text or node, num, className}). */
export function dataTable(caption, headers, rows, className = "report") {
  const head = element("tr", "", ...headers.map((h) => elementWith("th", { scope: "col", className: h.num ? "num" : "" }, h.text)));
  const body = element("tbody", "", ...rows.map((row) => {
    const line = element("tr", row.className ?? "");
    for (const c of row.cells) {
      const cell = element(c.header ? "th" : "td", [c.num ? "num" : "", c.className ?? ""].join(" ").trim(), c.node ?? c.text ?? "");
      if (c.header) cell.setAttribute("scope", "row");
      line.append(cell);
    }
    return line;
  }));
  const table = element("table", className, ...(caption ? [element("caption", "", caption)] : []), element("thead", "", head), body);
  return table;
}
