// Builds the upload cards and the result views; metadata is untrusted text, so only textContent is used.

const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"];
const CONNECTION_TEXT = {
  connecting: "Connecting...",
  live: "Live",
  reconnecting: "Reconnecting...",
  polling: "Reconnecting... (checking by polling)",
  closed: "",
};
const LONG_VALUE = 240;

/** document.createElement with attributes, properties and children in one call. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key in element && typeof value !== "string") element[key] = value;
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return "";
  const units = ["bytes", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

let cardCount = 0;

/** A card for one file: header, progress bar, status line, and room for an error or the results. */
export function createCard(file, { onRetry, onRemove, onCancel }) {
  cardCount += 1;
  const id = `card-${cardCount}`;
  const name = h("h3", { class: "card-name", id: `${id}-name`, text: file.name || "(unnamed file)" });
  const bar = h("progress", { class: "card-bar", max: 100, value: 0, "aria-labelledby": `${id}-name` });
  const percent = h("span", { class: "card-percent", text: "0%" });
  // Bytes, speed and time left while uploading: not a live region (it changes many times a second).
  const transfer = h("p", { class: "card-transfer", id: `${id}-transfer`, hidden: true });
  const status = h("p", { class: "card-status", role: "status", "aria-live": "polite", text: "Waiting..." });
  const connection = h("span", { class: "connection", dataset: { state: "connecting" } },
    h("span", { class: "connection-dot", "aria-hidden": "true" }),
    h("span", { class: "connection-text", text: "" }));
  const problem = h("div", { class: "card-problem", hidden: true });
  // The server's thumbnail (HEIC and raws too, which browsers cannot draw); the heading names the file.
  const preview = h("img", { class: "card-preview", alt: "", width: 96, height: 96, decoding: "async", hidden: true });
  const cancel = h("button", {
    type: "button", class: "button card-cancel", "aria-label": `Cancel ${file.name}`, onclick: () => onCancel(),
  }, "Cancel");
  const results = h("div", { class: "card-results", hidden: true });
  // Says once, politely, that the clean copy is ready; empty until then (a live region must exist first).
  const announcer = h("p", { class: "visually-hidden card-announcer", role: "status", "aria-live": "polite" });
  const root = h("li", { class: "card", id, dataset: { phase: "waiting" } },
    h("div", { class: "card-head" },
      preview,
      h("div", { class: "card-title" }, name, h("p", { class: "card-size", text: formatBytes(file.size) })),
      h("button", {
        type: "button", class: "button icon", "aria-label": `Remove ${file.name}`, title: "Remove",
        onclick: () => onRemove(),
      }, "✕")),
    h("div", { class: "card-progress" }, bar,
      h("div", { class: "card-line" }, status, h("span", { class: "card-meta" }, percent, connection)),
      h("div", { class: "card-actions" }, transfer, cancel)),
    problem,
    results,
    announcer);
  return { root, bar, percent, status, connection, problem, results, announcer, preview, cancel, transfer, onRetry,
           rendered: {} };
}

/** Show a session's state on its card. */
export function updateCard(card, state) {
  const { root, bar, percent, status, connection } = card;
  root.dataset.phase = state.phase;
  if (state.sessionId) root.dataset.sessionId = state.sessionId;
  const percentText = `${Math.round(state.percent)}%`;
  const transferText = state.phase === "uploading" ? transferWords(state) : "";
  bar.value = state.percent;
  bar.setAttribute("aria-valuetext", [percentText, state.statusText, transferText].filter(Boolean).join(", "));
  card.transfer.hidden = !transferText;
  if (card.transfer.textContent !== transferText) card.transfer.textContent = transferText;
  root.dataset.resumable = state.resumable ? "true" : "false";
  percent.textContent = percentText;
  if (status.textContent !== state.statusText) status.textContent = state.statusText;
  connection.dataset.state = state.connection;
  connection.querySelector(".connection-text").textContent = CONNECTION_TEXT[state.connection] ?? "";

  showPreview(card, state.previewUrl || null);
  // Cancel while the file waits, uploads or is processed; not once it has ended.
  card.cancel.hidden = !CANCELLABLE.has(state.phase);
  card.cancel.disabled = Boolean(state.cancelling);

  const failed = state.phase === "failed" || state.phase === "rejected" || state.phase === "cancelled";
  card.root.querySelector(".card-progress").hidden = failed;
  if (failed && card.rendered.error !== state.error) {
    card.rendered.error = state.error;
    renderProblem(card, state);
  } else if (!failed) {
    card.problem.hidden = true;
    card.rendered.error = undefined; // a retry that ends the same way again shows it again
  }
  if (state.result && card.rendered.result !== state.result) {
    card.rendered.result = state.result;
    card.results.hidden = false;
    card.summarySection = renderSummary(state.result.summary || {}, state.fullResult, cardName(card));
    card.cleanSlot = h("div", { class: "clean-slot" });
    card.rendered.cleanUrl = undefined;
    card.results.replaceChildren(card.cleanSlot, card.summarySection,
      renderFindings(state.result.findings || [], cardName(card)));
    card.metadataSlot = h("div", { class: "metadata-slot" }, h("p", { class: "muted", text: "Loading all metadata..." }));
    card.results.append(card.metadataSlot);
  }
  if (state.result && card.cleanSlot && card.rendered.cleanUrl !== (state.cleanUrl || null)) {
    showClean(card, state.result.clean, state.cleanUrl || null);
  }
  if (state.fullResult && card.rendered.fullResult !== state.fullResult && card.metadataSlot) {
    card.rendered.fullResult = state.fullResult;
    // The full record carries `printed`: the summary now shows ExifTool's words instead of codes.
    const summary = renderSummary(state.result?.summary || state.fullResult.summary || {}, state.fullResult,
                                  cardName(card));
    card.summarySection.replaceWith(summary);
    card.summarySection = summary;
    card.metadataSlot.replaceChildren(renderMetadata(state.fullResult, card.root.querySelector(".card-name").textContent));
  }
}

/** "12.0 MB of 30.0 MB · 2.1 MB/s · 9 s left" (speed and time once they can be measured). */
export function transferWords({ sent = 0, total = 0, rate = null, secondsLeft = null }) {
  const parts = [`${formatBytes(sent)} of ${formatBytes(total)}`];
  if (rate === 0 && sent < total) parts.push("stalled");
  else if (rate > 0 && sent < total) {
    parts.push(`${formatBytes(rate)}/s`);
    if (secondsLeft !== null) parts.push(`${durationWords(secondsLeft)} left`);
  }
  // Each part stays on one line; a narrow card wraps between them.
  return parts.map((part) => part.replaceAll(" ", "\u00a0")).join(" · ");
}

export function durationWords(seconds) {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    const rest = Math.round(seconds % 60);
    return rest && minutes < 10 ? `${minutes} min ${rest} s` : `${Math.round(seconds / 60)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

const CANCELLABLE = new Set(["waiting", "connecting", "uploading", "processing"]);

/** The preview image while the server names one; a new session (a retry) starts without. */
function showPreview(card, url) {
  if (card.rendered.previewUrl === url) return;
  card.rendered.previewUrl = url;
  if (url) {
    card.preview.src = url;
    card.preview.hidden = false;
  } else {
    card.preview.hidden = true;
    card.preview.removeAttribute("src");
  }
}

// -- the clean copy ------------------------------------------------------------------------------

function cardName(card) {
  return card.root.querySelector(".card-name").textContent;
}

/** What the clean copy removed and kept, and its download link while the server keeps it. */
function showClean(card, clean, cleanUrl) {
  card.rendered.cleanUrl = cleanUrl;
  delete card.root.dataset.cleanUrl;
  if (!clean) {
    card.cleanSlot.replaceChildren(); // this server makes no clean copies
    return;
  }
  if (!clean.ok) {
    const message = clean.error?.message || "No clean copy could be made of this file.";
    card.cleanSlot.replaceChildren(cleanSection(card, "refused",
      h("p", { class: "clean-refusal" }, h("strong", { text: "No clean copy." }), " ", message)));
    return;
  }
  const sentence = clean.summary || cleanSentence(clean.removed || [], clean.kept || []);
  const parts = [h("p", { class: "clean-summary", text: sentence })];
  if (clean.verified) {
    parts.push(h("p", { class: "clean-verified",
                        text: "Checked: the copy was read back and nothing identifying is left." }));
  }
  if (!cleanUrl) {
    parts.push(h("p", { class: "muted clean-gone", text: "The clean copy is no longer kept on the server." }));
    card.cleanSlot.replaceChildren(cleanSection(card, "gone", ...parts));
    return;
  }
  card.root.dataset.cleanUrl = cleanUrl;
  parts.push(h("div", { class: "actions" },
    h("a", { class: "button primary clean-download", href: cleanUrl, download: "",
             "aria-label": `Download clean copy of ${cardName(card)}` }, "Download clean copy")));
  card.cleanSlot.replaceChildren(cleanSection(card, "ready", ...parts));
  if (!card.rendered.cleanAnnounced) {
    card.rendered.cleanAnnounced = true;
    card.announcer.textContent = `Clean copy of ${cardName(card)} ready to download.`;
  }
}

/** The card's "Clean copy" region, named "Clean copy <file name>": two cards' regions never share a name. */
function cleanSection(card, state, ...parts) {
  const titleId = `${card.root.id}-clean-title`;
  return h("section", { class: "clean", "aria-labelledby": `${titleId} ${card.root.id}-name`, dataset: { state } },
    h("h4", { id: titleId, text: "Clean copy" }), ...parts);
}

function cleanSentence(removed, kept) {
  const start = removed.length ? `Removed: ${removed.join(", ")}.` : "Nothing identifying was found.";
  return kept.length ? `${start} Kept: ${kept.join(", ")}.` : start;
}

function renderProblem(card, state) {
  card.problem.hidden = false;
  if (state.phase === "cancelled") {
    card.problem.replaceChildren(h("p", { class: "card-cancelled", text: "Cancelled. Nothing of this file is kept on the server." }));
  } else {
    renderAlert(card, state);
  }
  if (state.retryable) {
    card.problem.append(h("button", {
      type: "button", class: "button card-retry", "aria-label": `Retry ${cardName(card)}`, onclick: () => card.onRetry(),
    }, "Retry"));
  }
}

function renderAlert(card, state) {
  const error = state.error || { code: "failed", message: "Something went wrong." };
  const title = state.phase === "rejected" ? "Not uploaded" : "Extraction failed";
  card.problem.replaceChildren(
    h("div", { class: "alert", role: "alert" },
      h("p", { class: "alert-title", text: title }),
      h("p", { class: "alert-message", text: error.message }),
      h("p", { class: "alert-code", text: `Error code: ${error.code}` })));
}

// -- the summary ---------------------------------------------------------------------------------

function toNumber(value) {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === "number")) {
    return value[0] + value[1] / 60 + value[2] / 3600; // degrees, minutes, seconds
  }
  return null;
}

function trimNumber(value, digits = 2) {
  return String(Number(value.toFixed(digits)));
}

function formatExposure(seconds) {
  const value = toNumber(seconds);
  if (value === null || value <= 0) return seconds === undefined ? null : String(seconds);
  if (value < 1) return `1/${Math.round(1 / value)} s`;
  return `${trimNumber(value, 1)} s`;
}

function formatDate(value) {
  if (typeof value !== "string") return value === undefined ? null : String(value);
  // EXIF writes "YYYY:MM:DD HH:MM:SS"; show it as an ISO-like date, untouched by time zones.
  return value.replace(/^(\d{4}):(\d{2}):(\d{2})/, "$1-$2-$3");
}

function cameraText(make, model) {
  const m = typeof make === "string" ? make.trim() : make;
  const n = typeof model === "string" ? model.trim() : model;
  if (m && n) return String(n).toLowerCase().startsWith(String(m).toLowerCase()) ? String(n) : `${m} ${n}`;
  return m || n ? String(m || n) : null;
}

export function mapUrl(lat, lon) {
  return `https://www.openstreetmap.org/?mlat=${lat.toFixed(6)}&mlon=${lon.toFixed(6)}#map=15/${lat.toFixed(6)}/${lon.toFixed(6)}`;
}

// Where a summary field's printed words are looked up: the group whose stored value is the summary's.
const PRINTED_GROUPS = ["Composite", "EXIF", "XMP", "MakerNotes", "QuickTime", "APP1", "PNG", "IPTC"];

function sameValue(a, b) {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (Array.isArray(b) && !Array.isArray(a)) return b.length > 0 && sameValue(a, b[0]);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** ExifTool's printed words for a summary field, from the group that holds the same stored value. */
export function printedFor(full, tag, value) {
  if (!full || !full.printed || !full.groups || value === undefined || value === null) return null;
  for (const group of PRINTED_GROUPS) {
    const stored = full.groups[group]?.[tag];
    const printed = full.printed[group]?.[tag];
    if (stored !== undefined && printed !== undefined && printed !== null && sameValue(value, stored)) {
      return Array.isArray(printed) ? printed.join(", ") : String(printed);
    }
  }
  return null;
}

function storedText(value) {
  if (value === null || value === undefined) return "";
  return Array.isArray(value) ? value.join(" ") : String(value);
}

const ZERO_DATE = /^[0\s:]*$/; // "0000:00:00 00:00:00" or "    :  :     :  :  ": a camera that was never set

/** "Where the zone came from", in words; the tag itself stays in the title. */
export function zoneSourceText(source) {
  if (typeof source !== "string" || !source) return "";
  if (source.includes("GPSDateStamp") || source.includes("GPSTimeStamp")) return "derived from GPS time";
  if (source.startsWith("MakerNotes:")) return `from the camera's maker note (${source.slice("MakerNotes:".length)})`;
  return `from ${source}`;
}

function takenValue(summary) {
  const stored = summary.DateTimeOriginal;
  if (stored === undefined || stored === null || stored === "") return null;
  if (typeof stored === "string" && ZERO_DATE.test(stored)) {
    return { node: h("span", { class: "muted", text: `Not set in the file (${stored.trim() || "blank"})` }), title: "" };
  }
  const zone = typeof summary.TimeZone === "string" ? summary.TimeZone : null;
  // A date that carries its own offset (FLIR, XMP) shows it once, as the zone.
  const local = formatDate(zone ? String(stored).replace(/\s*(Z|[+-]\d{2}:?\d{2})$/, "") : stored);
  const node = h("span", { class: "taken" }, h("span", { class: "taken-time", text: local }));
  if (zone) {
    node.append(" ", h("span", { class: "time-zone", text: zone }),
      h("span", { class: "muted zone-source", text: ` (time zone ${zoneSourceText(summary.TimeZoneSource)})` }));
  } else {
    node.append(h("span", { class: "muted zone-source", text: " (no time zone in the file)" }));
  }
  const title = `DateTimeOriginal ${stored}` + (zone ? `, TimeZone ${zone} from ${summary.TimeZoneSource || "?"}` : "");
  return { node, title };
}

function renderSummary(summary, full, fileName) {
  const rows = [];
  const add = (label, value, key, title) => {
    if (value !== null && value !== undefined && value !== "") rows.push([label, value, key, title]);
  };
  const printed = (tag) => printedFor(full, tag, summary[tag]);
  add("Camera", cameraText(summary.Make, summary.Model), "camera");
  add("Lens", summary.LensModel, "lens");
  const exposure = printed("ExposureTime");
  const fNumber = printed("FNumber");
  const iso = printed("ISO");
  const focal = printed("FocalLength");
  const settings = [
    exposure !== null ? `${exposure} s` : formatExposure(summary.ExposureTime),
    fNumber !== null ? `f/${fNumber}` : toNumber(summary.FNumber) !== null ? `f/${trimNumber(toNumber(summary.FNumber), 1)}` : null,
    iso !== null ? `ISO ${iso}` : summary.ISO !== undefined ? `ISO ${Array.isArray(summary.ISO) ? summary.ISO[0] : summary.ISO}` : null,
    focal !== null ? focal : toNumber(summary.FocalLength) !== null ? `${trimNumber(toNumber(summary.FocalLength), 1)} mm` : null,
  ].filter(Boolean);
  const storedSettings = ["ExposureTime", "FNumber", "ISO", "FocalLength"]
    .filter((tag) => summary[tag] !== undefined).map((tag) => `${tag} ${storedText(summary[tag])}`).join(", ");
  add("Exposure", settings.join(" · "), "exposure", storedSettings);
  const taken = takenValue(summary);
  if (taken) add("Taken", taken.node, "date", taken.title);
  const orientation = printed("Orientation");
  if (orientation !== null) add("Orientation", orientation, "orientation", `Orientation ${storedText(summary.Orientation)}`);
  const width = toNumber(summary.ImageWidth);
  const height = toNumber(summary.ImageHeight);
  if (width && height) add("Dimensions", `${width} × ${height} px (${trimNumber((width * height) / 1e6, 1)} MP)`, "dimensions");
  add("Software", summary.Software, "software");

  const lat = toNumber(summary.GPSLatitude);
  const lon = toNumber(summary.GPSLongitude);
  if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    const alt = toNumber(summary.GPSAltitude);
    const latText = printed("GPSLatitude");
    const lonText = printed("GPSLongitude");
    const altText = alt !== null ? printed("GPSAltitude") : null;
    const where = latText !== null && lonText !== null ? `${latText}, ${lonText}` : `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
    const altitude = alt === null ? "" : ` · ${altText !== null ? altText : `${trimNumber(alt, 1)} m`}`;
    add("Location", h("span", {}, `${where}${altitude} `,
      h("a", { href: mapUrl(lat, lon), target: "_blank", rel: "noopener noreferrer", class: "map-link" },
        "Open map")), "location", `GPSLatitude ${lat}, GPSLongitude ${lon}${alt !== null ? `, GPSAltitude ${alt}` : ""}`);
  }

  const list = h("dl", { class: "summary-list" });
  for (const [label, value, key, title] of rows) {
    list.append(h("div", { class: "summary-row", dataset: { field: key } },
      h("dt", { text: label }), h("dd", { title: title || undefined }, value)));
  }
  if (!rows.length) list.append(h("p", { class: "muted", text: "No camera details in this file." }));
  return h("section", { class: "summary", "aria-label": `Summary of ${fileName}` }, h("h4", { text: "Summary" }), list);
}

function severityRank(severity) {
  const index = SEVERITY_ORDER.indexOf(severity);
  return index === -1 ? SEVERITY_ORDER.length : index;
}

function renderFindings(findings, fileName) {
  if (!findings.length) return h("section", { class: "findings", hidden: true });
  const sorted = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return h("section", { class: "findings", "aria-label": `Findings of ${fileName}` },
    h("h4", { text: "Findings" }),
    h("ul", { class: "findings-list" }, sorted.map((finding) => {
      const severity = /^[a-z]+$/.test(finding.severity || "") ? finding.severity : "other";
      return h("li", { class: `finding sev-${severity}`, dataset: { code: finding.code || "" } },
        h("span", { class: "severity", text: finding.severity || "note" }),
        h("span", { class: "finding-message", text: finding.message || finding.code || "" }));
    })));
}

// -- the full metadata ---------------------------------------------------------------------------

function valueText(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
    return value.join(", ");
  }
  return JSON.stringify(value);
}

function valueCell(text, stored) {
  const cell = text.length <= LONG_VALUE ? h("td", {}, h("span", { class: "printed-value", text }))
    : h("td", {}, h("details", { class: "long-value" },
      h("summary", { text: `${text.slice(0, 80)}… (${text.length} characters)` }),
      h("span", { class: "printed-value", text })));
  if (stored !== null && stored !== text && stored.length <= LONG_VALUE) {
    // The number behind the words (exiftool -n), for whoever compares or scripts against the JSON.
    cell.title = `Stored value: ${stored}`;
    cell.append(h("div", { class: "muted raw-value", text: `stored as ${stored}` }));
  }
  return cell;
}

function download(result, fileName) {
  const blob = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: `${fileName.replace(/\.[^.]*$/, "") || "image"}.metadata.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // The Clipboard API needs a secure context; a phone on the LAN over http still gets a copy.
  const area = h("textarea", { class: "visually-hidden", readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

function renderMetadata(result, fileName) {
  const groups = result.groups && typeof result.groups === "object" ? result.groups : {};
  const printedGroups = result.printed && typeof result.printed === "object" ? result.printed : {};
  const table = h("table", { class: "metadata-table" },
    h("colgroup", {}, h("col", { class: "col-tag" }), h("col", { class: "col-value" })),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Tag" }), h("th", { scope: "col", text: "Value" }))));
  const rows = [];
  for (const [group, tags] of Object.entries(groups)) {
    if (!tags || typeof tags !== "object") continue;
    const body = h("tbody", { dataset: { group } },
      h("tr", { class: "group-row" }, h("th", { colspan: 2, scope: "rowgroup", text: group })));
    const printedTags = printedGroups[group] && typeof printedGroups[group] === "object" ? printedGroups[group] : {};
    for (const [tag, value] of Object.entries(tags)) {
      const stored = valueText(value);
      const text = tag in printedTags ? valueText(printedTags[tag]) : stored;
      const row = h("tr", {}, h("th", { scope: "row", text: tag }), valueCell(text, text === stored ? null : stored));
      rows.push({ row, body, haystack: `${group} ${tag} ${text} ${stored}`.toLowerCase() });
      body.append(row);
    }
    table.append(body);
  }
  const count = h("p", { class: "metadata-count", "aria-live": "polite", text: `${rows.length} tags` });
  const search = h("input", {
    type: "search", class: "metadata-search", placeholder: "Search tags and values",
    "aria-label": `Search the metadata of ${fileName}`,
    oninput: () => {
      const query = search.value.trim().toLowerCase();
      let shown = 0;
      for (const item of rows) {
        item.row.hidden = query !== "" && !item.haystack.includes(query);
        if (!item.row.hidden) shown += 1;
      }
      for (const body of table.tBodies) body.hidden = ![...body.rows].some((row) => !row.hidden && !row.classList.contains("group-row"));
      count.textContent = query ? `${shown} of ${rows.length} tags` : `${rows.length} tags`;
    },
  });
  const feedback = h("span", { class: "copy-feedback", role: "status", "aria-live": "polite" });
  const json = JSON.stringify(result, null, 2);
  const actions = h("div", { class: "actions" },
    h("button", { type: "button", class: "button", onclick: () => download(result, fileName) }, "Download JSON"),
    h("button", {
      type: "button", class: "button",
      onclick: async () => {
        try {
          await copyText(json);
          feedback.textContent = "Copied";
        } catch {
          feedback.textContent = "Could not copy";
        }
        setTimeout(() => { feedback.textContent = ""; }, 3000);
      },
    }, "Copy"),
    feedback);
  return h("section", { class: "metadata", "aria-label": `All metadata of ${fileName}` },
    actions,
    h("details", { class: "metadata-details" },
      h("summary", { class: "button-like", text: `All metadata (${rows.length} tags)` }),
      h("div", { class: "metadata-tools" }, search, count),
      h("div", { class: "table-wrap" }, table)));
}
