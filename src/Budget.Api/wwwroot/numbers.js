// Danish numbers and dates, independent of the browser's locale (the server runs with invariant globalization too).

/** 287892 → "287.892", -5025 → "-5.025", 14.7 → "14,7" with one decimal. */
export function danish(value, decimals = 0) {
  if (value === null || value === undefined) return "";
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const negative = value < 0 && Number(fixed) !== 0;
  return (negative ? "-" : "") + grouped + (fraction ? "," + fraction : "");
}

/** Kroner as the account view shows them: "1.150.000", with øre only when there are any ("1.150.000,50"). */
export function kroner(value) {
  if (value === null || value === undefined) return "";
  return danish(value, Math.abs(value).toFixed(2).endsWith(".00") ? 0 : 2);
}

const danishNumber = /^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;

/**
 * A Danish number as typed ("1.150.000", "1150000,50", "50.000", "-1.234,5"; a typographic minus counts) → the
 * plain decimal text the API reads ("1150000.50"), or null when it is not one. The value travels as that text to the
 * request body, never through a binary floating-point number. How many decimals and how large is the API's to judge,
 * so its answer names the field.
 */
export function parseDanish(text) {
  const match = danishNumber.exec(String(text).trim().replace(/\u2212/g, "-"));
  if (!match) return null;
  const whole = match[2].replace(/\./g, "").replace(/^0+(?=\d)/, "");
  return match[1] + whole + (match[3] ? "." + match[3] : "");
}

/** The API's amount (a JSON number of kroner) as a Danish input value: 1150000.5 → "1.150.000,50". */
export function toInput(value) {
  return value === null || value === undefined ? "" : kroner(value);
}

/** "2014-03-31" → "31.03.2014". */
export function danishDate(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.split("-");
  return `${day}.${month}.${year}`;
}

/** An instant ("2014-04-10T09:00:00Z") as "10.04.2014 11:00" in the browser's time zone. */
export function danishTime(instant) {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const two = (n) => String(n).padStart(2, "0");
  return `${two(at.getDate())}.${two(at.getMonth() + 1)}.${at.getFullYear()} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

export const monthNames = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
