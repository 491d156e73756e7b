// The upload page: turns chosen or dropped files into cards, each driven by its own UploadSession.

import { createCard, formatBytes, updateCard } from "./render.js";
import { UploadSession } from "./session.js";

const MAX_PARALLEL_UPLOADS = 3; // the rest wait their turn, so each bar moves at a useful speed

const uploader = document.getElementById("uploader");
const input = document.getElementById("file-input");
const cardList = document.getElementById("cards");
const toolbar = document.getElementById("toolbar");
const countText = document.getElementById("upload-count");
const startOverButton = document.getElementById("start-over");
const downloadAll = document.getElementById("download-all");

const config = uploader.dataset;
const urls = {
  extract: config.extractUrl,
  tus: config.tusUrl,
  status: (id) => config.statusUrl.replace("SESSION_ID", encodeURIComponent(id)),
  cancel: (id) => config.cancelUrl.replace("SESSION_ID", encodeURIComponent(id)),
  socket: (id) => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}${config.progressPath}${encodeURIComponent(id)}`;
  },
};

/** Every card on the page: { file, card, session, waiting }. */
const entries = new Set();
const queue = [];
let activeUploads = 0;

// setTimeout keeps delays in 32 bits: a longer retention simply shows no countdown on the page.
const MAX_TIMER_MS = 2 ** 31 - 1;

function maxUploadBytes() {
  return Number(config.maxUploadBytes) || Infinity;
}

/** Files this large or larger go over tus (the server's RESUMABLE_UPLOAD_MIN_BYTES). */
function resumableMinBytes() {
  const value = Number(config.resumableMinBytes);
  return value > 0 ? value : Infinity;
}

function refreshToolbar() {
  toolbar.hidden = entries.size === 0;
  const done = [...entries].filter((entry) => entry.card.root.dataset.phase === "complete").length;
  const count = entries.size ? `${done} of ${entries.size} done` : "";
  if (countText.textContent !== count) countText.textContent = count; // a live region: rewrite only a change
  refreshDownloadAll(done);
}

/** With two or more finished cards, one link to the streamed ZIP of every clean copy still kept. */
function refreshDownloadAll(done) {
  const ids = [...entries]
    .map((entry) => entry.card.root)
    .filter((root) => root.dataset.phase === "complete" && root.dataset.cleanUrl)
    .map((root) => root.dataset.sessionId);
  const show = done >= 2 && ids.length > 0;
  downloadAll.hidden = !show;
  if (show) downloadAll.href = `${config.cleanZipUrl}?${ids.map((id) => `s=${encodeURIComponent(id)}`).join("&")}`;
  else downloadAll.removeAttribute("href");
}

/** When the server's retention ends, the card stops offering its clean copy. */
function watchCleanCopy(entry, state) {
  if (entry.cleanDeadline || state.phase !== "complete" || !state.cleanUrl) return;
  const delay = Number(config.cleanCopySeconds) * 1000;
  if (!(delay > 0) || delay > MAX_TIMER_MS) return;
  entry.cleanState = state;
  entry.cleanDeadline = Date.now() + delay;
  armCleanTimer(entry);
}

function armCleanTimer(entry) {
  clearTimeout(entry.cleanTimer);
  entry.cleanTimer = setTimeout(() => {
    entry.cleanTimer = null;
    entry.cleanExpired = true;
    updateCard(entry.card, { ...entry.cleanState, cleanUrl: null });
    refreshToolbar();
  }, Math.max(0, entry.cleanDeadline - Date.now()));
}

function addFiles(files) {
  for (const file of files) {
    const entry = { file, session: null, waiting: false };
    entry.card = createCard(file, {
      onRetry: () => retry(entry), onRemove: () => remove(entry), onCancel: () => cancel(entry),
    });
    entries.add(entry);
    cardList.append(entry.card.root);
    begin(entry);
  }
  refreshToolbar();
}

/** Check what the browser can know before uploading; the server still has the last word. */
function clientProblem(file) {
  if (file.size === 0) return { code: "empty_file", message: "The file is empty." };
  if (file.size > maxUploadBytes()) {
    return {
      code: "file_too_large",
      message: `The file is ${formatBytes(file.size)}, more than the ${formatBytes(maxUploadBytes())} allowed.`,
    };
  }
  return null;
}

function begin(entry) {
  const problem = clientProblem(entry.file);
  if (problem) {
    updateCard(entry.card, {
      phase: "rejected", percent: 0, statusText: problem.message, connection: "closed", error: problem,
      retryable: false,
    });
    refreshToolbar();
    return;
  }
  updateCard(entry.card, { phase: "waiting", percent: 0, statusText: "Waiting to upload...", connection: "closed" });
  entry.waiting = true;
  queue.push(entry);
  pump();
}

function pump() {
  while (activeUploads < MAX_PARALLEL_UPLOADS && queue.length) {
    const entry = queue.shift();
    entry.waiting = false;
    activeUploads += 1;
    let settled = false;
    const release = () => {
      if (settled) return;
      settled = true;
      activeUploads -= 1;
      pump();
    };
    entry.release = release;
    entry.session = new UploadSession(entry.file, {
      urls,
      csrfToken: config.csrfToken,
      resumableMinBytes: resumableMinBytes(),
      onChange: (state) => {
        updateCard(entry.card, state);
        watchCleanCopy(entry, state);
        refreshToolbar();
      },
      onUploadSettled: release,
    });
    entry.session.start();
  }
}

function stop(entry) {
  if (entry.waiting) {
    queue.splice(queue.indexOf(entry), 1);
    entry.waiting = false;
  }
  if (entry.session) {
    entry.session.dispose();
    entry.session = null;
  }
  entry.release?.(); // a disposed upload no longer holds a slot
  entry.release = null;
  clearTimeout(entry.cleanTimer); // pageshow arms it again from its deadline
  entry.cleanTimer = null;
}

/** Cancel one file: still in our queue, nothing was sent; otherwise its session aborts or asks the server. */
function cancel(entry) {
  if (entry.waiting) {
    stop(entry);
    updateCard(entry.card, {
      phase: "cancelled", percent: 0, statusText: "Cancelled", connection: "closed", error: null, retryable: true,
    });
    refreshToolbar();
    return;
  }
  entry.session?.cancel();
}

/** Upload the same file again (the card keeps it): after a failure, a rejection worth retrying, or a cancel. */
function retry(entry) {
  stop(entry);
  begin(entry);
}

function remove(entry) {
  stop(entry);
  entries.delete(entry);
  const next = entry.card.root.nextElementSibling || entry.card.root.previousElementSibling;
  entry.card.root.remove();
  refreshToolbar();
  (next?.querySelector("button") || input).focus();
}

function startOver() {
  queue.length = 0;
  for (const entry of entries) {
    entry.waiting = false;
    stop(entry);
  }
  entries.clear();
  cardList.replaceChildren();
  input.value = "";
  refreshToolbar();
  input.focus();
}

input.addEventListener("change", () => {
  addFiles([...input.files]);
  input.value = ""; // choosing the same file again is a new upload
});

startOverButton.addEventListener("click", startOver);

// The whole page takes drops, so a near miss does not make the browser open the image instead.
let dragDepth = 0;
document.addEventListener("dragenter", (event) => {
  if (!event.dataTransfer?.types.includes("Files")) return;
  event.preventDefault();
  dragDepth += 1;
  uploader.classList.add("dragging");
});
document.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) uploader.classList.remove("dragging");
});
document.addEventListener("dragover", (event) => {
  if (!event.dataTransfer?.types.includes("Files")) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "copy";
});
document.addEventListener("drop", (event) => {
  const transfer = event.dataTransfer;
  if (!transfer?.types.includes("Files")) return;
  event.preventDefault();
  dragDepth = 0;
  uploader.classList.remove("dragging");
  // Entries must be taken now: the drop's items are emptied once this handler returns.
  const entries = [...(transfer.items || [])].filter((item) => item.kind === "file")
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (!entries.some((entry) => entry?.isDirectory)) {
    addFiles([...transfer.files]);
    return;
  }
  Promise.all(entries.map((entry) => (entry?.isDirectory ? folderImages(entry) : entry ? fileOf(entry).then((file) => [file], () => []) : [])))
    .then((lists) => addFiles(lists.flat()));
});

// In a folder, the images only: by type, or by extension where the browser names no type (HEIC, DNG).
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|tiff?|gif|bmp|heic|heif|avif|dng)$/i;

function isImage(file) {
  return !file.name.startsWith(".") && (file.type.startsWith("image/") || IMAGE_EXTENSIONS.test(file.name));
}

function fileOf(entry) {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every image in a dropped folder and its subfolders, in name order. */
async function folderImages(directory) {
  const found = [];
  const walk = async (folder) => {
    const reader = folder.createReader();
    const children = [];
    for (;;) {
      // readEntries answers in batches (100 in Chromium) until it gives an empty one.
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      children.push(...batch);
    }
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      if (child.isDirectory) await walk(child);
      else {
        const file = await fileOf(child);
        if (isImage(file)) found.push(file);
      }
    }
  };
  try {
    await walk(directory);
  } catch {
    // An unreadable folder gives what was read before it.
  }
  return found;
}

// Ctrl/Cmd+V with an image on the clipboard (a screenshot, an image copied from another page).
document.addEventListener("paste", (event) => {
  const files = [...(event.clipboardData?.files || [])];
  if (!files.length) return; // text pasted into the search box stays text
  event.preventDefault();
  addFiles(files.map(namedPaste));
});

let pasteCount = 0;

/** Browsers name every clipboard bitmap "image.png"; give each paste a name of its own. */
function namedPaste(file) {
  if (file.name && !/^image\.\w+$/.test(file.name)) return file;
  pasteCount += 1;
  const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return new File([file], `pasted-${stamp}-${pasteCount}.${extension}`, { type: file.type });
}

if (/Mac|iPhone|iPad/.test(navigator.platform)) {
  for (const key of document.querySelectorAll(".paste-key")) key.textContent = "⌘";
}

// Back online or back in view: reconnect now rather than after the backoff.
function reconnectAll() {
  for (const entry of entries) entry.session?.reconnectNow();
}
window.addEventListener("online", reconnectAll);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") reconnectAll();
});

const FINISHED = new Set(["complete", "failed", "rejected", "cancelled"]);

// Leaving the page closes every socket and timer.
window.addEventListener("pagehide", () => {
  queue.length = 0;
  for (const entry of entries) {
    entry.interrupted = !FINISHED.has(entry.card.root.dataset.phase);
    entry.waiting = false;
    stop(entry);
  }
});
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  // Back from the back/forward cache: what was still running was stopped on the way out.
  for (const entry of entries) {
    if (entry.cleanDeadline && !entry.cleanExpired) armCleanTimer(entry);
    if (!entry.interrupted) continue;
    entry.interrupted = false;
    updateCard(entry.card, {
      phase: "failed", percent: 0, statusText: "Interrupted", connection: "closed", retryable: true,
      error: { code: "interrupted", message: "This upload stopped when you left the page." },
    });
  }
});

document.documentElement.classList.add("js");
