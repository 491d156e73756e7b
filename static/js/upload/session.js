// One file's journey: open its progress socket, upload it, follow the server, recover from drops.

import { formatBytes } from "./render.js";
import { TusUpload } from "./tus.js";

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15000;
const ATTEMPTS_BEFORE_POLLING = 3;
const POLL_INTERVAL_MS = 2000;
const CONNECT_WAIT_MS = 3000; // upload anyway when the socket is slow: snapshots and polling cover the gap
const UPLOAD_SHARE = 40; // the bar's first 40% is bytes sent; the server's 10..100 fills the rest
const CLOSE_INVALID_SESSION_ID = 4400;
// The server pings every PROGRESS_PING_SECONDS (30 by default); this much silence means a dead link
// that the browser has not noticed (a phone changing networks), so we drop it and reconnect.
const SILENCE_LIMIT_MS = 75000;
// A link counts as healthy (backoff reset) only after staying up this long, so a server that accepts
// and at once closes still escalates the backoff and reaches polling.
const HEALTHY_AFTER_MS = 5000;
// The layer may drop a message: a live socket with no state this long, before the end, asks the status URL.
const QUIET_MS = 10000;
// Speed is bytes over the last few seconds of progress events, so a pause shows at once.
const RATE_WINDOW_MS = 3000;
// A cancel sent as the last byte arrived may reach the server before the session's row: ask once more.
const NOT_YET_STORED_MS = 1000;

export function newSessionId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID exists only in secure contexts; a phone on http://192.168.x.x is not one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Exponential backoff with "equal jitter": half the ceiling plus a random half, capped. */
export function backoffDelay(attempt) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Watches and uploads one file. `onChange(state)` gets a fresh copy of the state after every change.
 * `onUploadSettled()` is called once, when the upload request has ended one way or another.
 */
export class UploadSession {
  constructor(file, { urls, csrfToken = "", resumableMinBytes = Infinity, onChange = () => {},
                      onUploadSettled = () => {} }) {
    this.file = file;
    this.urls = urls;
    // Large files go over tus, in chunks that survive a dropped connection; small ones in one request.
    this.resumable = Boolean(urls.tus) && file.size >= resumableMinBytes;
    this.tus = null;
    this.samples = [];
    this.quietUntilByte = -1; // after a drop, the status keeps saying so until bytes pass this
    this.csrfToken = csrfToken;
    this.onChange = onChange;
    this.onUploadSettled = onUploadSettled;
    this.id = newSessionId();
    this.lastSeq = 0;
    this.attempts = 0;
    this.ws = null;
    this.xhr = null;
    this.polling = false;
    this.pollAbort = null;
    this.healAbort = null;
    this.timers = new Set();
    this.uploadStarted = false;
    this.uploadSettled = false;
    this.everConnected = false;
    this.ended = false;
    this.disposed = false;
    this.state = {
      sessionId: this.id, phase: "connecting", percent: 0, statusText: "Connecting...", stage: "",
      connection: "connecting", sent: 0, total: file.size, result: null, fullResult: null, cleanUrl: null,
      previewUrl: null, error: null, retryable: false, cancelling: false, rate: null, secondsLeft: null,
      resumable: this.resumable,
    };
  }

  get statusUrl() {
    return this.urls.status(this.id);
  }

  /** Open the socket first, then upload once it says `connected` (or after a short wait). */
  start() {
    this.emit();
    this.connect();
    this.connectWait = this.later(() => this.upload(), CONNECT_WAIT_MS);
  }

  /** Close the socket, stop every timer and request; nothing of this session runs afterwards. */
  dispose() {
    this.disposed = true;
    this.closeSocket();
    this.stopPolling();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.healAbort?.abort();
    if (this.xhr) {
      this.xhr.abort();
      this.xhr = null;
    }
    if (this.tus) {
      this.tus.abort({ terminate: true }); // removed, started over or left: the server need not keep it
      this.tus = null;
    }
  }

  /** Reconnect now (page visible again, network back) instead of waiting out the backoff. */
  reconnectNow() {
    if (this.disposed || this.ended || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.timers.delete(this.reconnectTimer);
    this.connect();
  }

  // -- the socket ------------------------------------------------------------------------------

  connect() {
    if (this.disposed || this.ended) return;
    const ws = new WebSocket(this.urls.socket(this.id));
    this.ws = ws;
    ws.onmessage = (event) => this.onSocketMessage(ws, event);
    ws.onclose = (event) => this.onSocketClose(ws, event);
    this.watchSilence();
  }

  watchSilence() {
    clearTimeout(this.silenceTimer);
    this.timers.delete(this.silenceTimer);
    this.silenceTimer = this.later(() => {
      const ws = this.ws;
      if (!ws) return;
      this.closeSocket();
      this.onSocketClose(ws, { code: 1006 }, true);
    }, SILENCE_LIMIT_MS);
  }

  closeSocket() {
    const ws = this.ws;
    this.ws = null;
    clearTimeout(this.silenceTimer);
    if (!ws) return;
    ws.onmessage = null;
    ws.onclose = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000);
  }

  onSocketMessage(ws, event) {
    this.watchSilence();
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "connected") {
      this.later(() => {
        if (this.ws === ws) this.attempts = 0;
      }, HEALTHY_AFTER_MS);
      this.everConnected = true;
      this.snapshotNext = true; // the state that follows `connected` may be any seq: not a gap
      this.stopPolling();
      this.set({ connection: "live" });
      if (!this.uploadStarted) this.upload();
      this.watchQuiet();
    } else if (["progress", "complete", "failed", "cancelled"].includes(message.type)) {
      const gap = !this.snapshotNext && message.seq > this.lastSeq + 1;
      this.snapshotNext = false;
      this.apply(message);
      if (gap) this.heal();
      this.watchQuiet();
    }
    // ping, pong and error need nothing from us.
  }

  onSocketClose(ws, event, alreadyDetached = false) {
    if (!alreadyDetached && ws !== this.ws) return;
    this.ws = null;
    clearTimeout(this.silenceTimer);
    if (this.disposed || this.ended) return;
    if (event.code === CLOSE_INVALID_SESSION_ID) {
      this.end("failed", { code: "invalid_session_id", message: "The server refused this session id." }, true);
      return;
    }
    this.attempts += 1;
    if (this.attempts >= ATTEMPTS_BEFORE_POLLING) this.startPolling();
    this.set({ connection: this.polling ? "polling" : "reconnecting" });
    this.reconnectTimer = this.later(() => this.connect(), backoffDelay(this.attempts - 1));
  }

  // -- polling, while the socket is away --------------------------------------------------------

  startPolling() {
    if (this.polling || this.ended || this.disposed) return;
    this.polling = true;
    this.pollOnce();
  }

  stopPolling() {
    this.polling = false;
    clearTimeout(this.pollTimer);
    this.timers.delete(this.pollTimer);
    this.pollAbort?.abort();
    this.pollAbort = null;
  }

  async pollOnce() {
    if (!this.polling) return;
    this.pollAbort = new AbortController();
    try {
      const response = await fetch(this.statusUrl, {
        signal: this.pollAbort.signal, cache: "no-store", credentials: "same-origin",
      });
      // 404 before our upload has landed is expected; anything else that is not OK we simply retry.
      if (response.ok) this.apply(await response.json());
    } catch {
      // Offline or aborted: try again on the next tick.
    }
    if (this.polling && !this.ended && !this.disposed) {
      this.pollTimer = this.later(() => this.pollOnce(), POLL_INTERVAL_MS);
    }
  }

  // -- healing from the row, while the socket is up ---------------------------------------------

  /** After a `seq` gap or a quiet spell, read the saved state once (the socket may have lost messages). */
  async heal() {
    if (this.healAbort || this.ended || this.disposed) return;
    this.healAbort = new AbortController();
    try {
      const response = await fetch(this.statusUrl, {
        signal: this.healAbort.signal, cache: "no-store", credentials: "same-origin",
      });
      if (response.ok) this.apply(await response.json());
    } catch {
      // Offline or aborted: the next quiet spell tries again.
    } finally {
      this.healAbort = null;
    }
  }

  /** (Re)start the quiet timer: no state for QUIET_MS on a live socket before the end means heal. */
  watchQuiet() {
    clearTimeout(this.quietTimer);
    this.timers.delete(this.quietTimer);
    if (this.ended || this.disposed || !this.uploadStarted) return;
    this.quietTimer = this.later(() => {
      if (this.ws && !this.ended) this.heal();
      this.watchQuiet();
    }, QUIET_MS);
  }

  // -- the upload -------------------------------------------------------------------------------

  upload() {
    if (this.uploadStarted || this.disposed || this.ended) return;
    this.uploadStarted = true;
    clearTimeout(this.connectWait);
    if (this.resumable) {
      this.uploadResumable();
      return;
    }
    const xhr = new XMLHttpRequest();
    this.xhr = xhr;
    xhr.open("POST", `${this.urls.extract}?session_id=${encodeURIComponent(this.id)}`);
    xhr.setRequestHeader("Content-Type", this.file.type || "application/octet-stream");
    xhr.setRequestHeader("X-Filename", encodeURIComponent(this.file.name));
    if (this.csrfToken) xhr.setRequestHeader("X-CSRFToken", this.csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) this.uploadProgress(event.loaded, event.total);
    };
    xhr.upload.onload = () => {
      this.bodySent = true;
      this.uploadProgress(this.file.size, this.file.size);
    };
    xhr.onload = () => this.onUploadAnswer(xhr);
    xhr.onerror = () => this.onUploadError(xhr);
    xhr.send(this.file);
    this.set({ phase: "uploading", statusText: "Uploading...", percent: 0 });
  }

  /** The same file over tus: created with our session id, so the socket already watches it. */
  uploadResumable() {
    this.tus = new TusUpload(this.file, {
      endpoint: this.urls.tus,
      metadata: { filename: this.file.name || "upload", session_id: this.id },
      onProgress: (sent) => this.uploadProgress(sent, this.file.size),
      onLastBodySent: () => {
        this.bodySent = true;
      },
      onStall: ({ offline }) => {
        if (this.state.phase !== "uploading") return;
        this.samples = [];
        this.quietUntilByte = Infinity;
        this.set({
          rate: 0, secondsLeft: null,
          statusText: offline ? "Connection lost; the upload goes on when it is back."
            : "Connection lost; trying again...",
        });
      },
      onResume: (offset) => {
        if (this.state.phase !== "uploading") return;
        this.samples = [];
        this.quietUntilByte = offset;
        this.set({ sent: offset, statusText: `Resuming from ${formatBytes(offset)}...` });
      },
      onSuccess: (body) => this.onResumableDone(body),
      onError: (error) => this.onResumableError(error),
    });
    this.set({ phase: "uploading", statusText: "Uploading...", percent: 0 });
    this.tus.start();
  }

  onResumableDone() {
    this.tus = null;
    this.settleUpload();
    if (this.ended || this.disposed) return;
    if (this.state.phase === "uploading") {
      this.set({ phase: "processing", percent: UPLOAD_SHARE, statusText: "Queued on the server...",
                 sent: this.file.size, rate: null, secondsLeft: null });
    }
    if (!this.everConnected) this.startPolling();
    this.watchQuiet();
  }

  onResumableError(error) {
    this.tus = null;
    this.settleUpload();
    if (this.ended || this.disposed) return;
    const retryable = error.status === 0 || error.status >= 500 || error.code === "session_exists"
      || error.code === "upload_not_found";
    this.end("rejected", { code: error.code, message: error.message }, retryable);
  }

  uploadProgress(sent, total) {
    if (this.state.phase !== "uploading") return;
    const fraction = total > 0 ? sent / total : 1;
    const { rate, secondsLeft } = this.measure(sent, total);
    const statusText = fraction >= 1 ? "Upload sent, waiting for the server..."
      : sent > this.quietUntilByte ? "Uploading..." : this.state.statusText;
    this.set({
      sent, total, percent: Math.max(this.state.percent, Math.floor(fraction * UPLOAD_SHARE)),
      statusText, rate, secondsLeft,
    });
  }

  /** Bytes per second over the last RATE_WINDOW_MS, and the seconds left at that speed. */
  measure(sent, total) {
    const now = performance.now();
    this.samples.push({ now, sent });
    while (this.samples.length > 2 && now - this.samples[1].now > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (now - first.now) / 1000;
    if (elapsed < 0.5) return { rate: this.state.rate, secondsLeft: this.state.secondsLeft };
    const rate = Math.max(0, (sent - first.sent) / elapsed);
    return { rate, secondsLeft: rate > 0 ? Math.ceil((total - sent) / rate) : null };
  }

  settleUpload() {
    if (this.uploadSettled) return;
    this.uploadSettled = true;
    this.xhr = null;
    this.onUploadSettled();
  }

  onUploadAnswer(xhr) {
    this.settleUpload();
    if (this.ended || this.disposed) return;
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      body = null;
    }
    if (xhr.status === 202) {
      if (this.state.phase === "uploading") {
        this.set({ phase: "processing", percent: UPLOAD_SHARE, statusText: "Queued on the server..." });
      }
      // The socket has never been up: do not wait for it to learn how this ends. (After a drop,
      // the reconnect's snapshot or the polling that follows failed attempts covers it.)
      if (!this.everConnected) this.startPolling();
      this.watchQuiet();
      return;
    }
    const error = body && body.error
      ? { code: body.error, message: body.message || body.error }
      : { code: `http_${xhr.status}`, message: `The server answered ${xhr.status} ${xhr.statusText}.`.trim() };
    // A bad file stays bad; a server hiccup or a clashing id is worth another go.
    const retryable = xhr.status >= 500 || error.code === "session_exists";
    this.end("rejected", error, retryable);
  }

  onUploadError() {
    this.settleUpload();
    if (this.ended || this.disposed) return;
    this.end("rejected", {
      code: "network_error", message: "The upload did not reach the server. Check the connection and retry.",
    }, true);
  }

  // -- cancelling -------------------------------------------------------------------------------

  /**
   * Stop this file: abort the upload while it is being sent (the server then keeps nothing), or ask
   * the server to cancel the session once it holds it. Ends the card `cancelled` (retryable).
   */
  async cancel() {
    if (this.ended || this.disposed || this.state.cancelling) return;
    let unsure = false; // true when the server may or may not have made a session of this card's bytes
    let deleted = Promise.resolve();
    if (this.tus || !this.uploadStarted || this.xhr) {
      // A state from the server (e.g. "Queued" on the socket before the upload's answer) means it has
      // every byte, whatever the browser's upload events said (Firefox may fire none on loopback).
      const sent = this.bodySent || this.lastSeq > 0;
      clearTimeout(this.connectWait);
      this.uploadStarted = true; // a late `connected` must not start it
      if (this.tus) {
        deleted = this.tus.abort({ terminate: true }); // DELETE: the server drops the bytes it holds
        this.tus = null;
      }
      if (this.xhr) {
        const xhr = this.xhr;
        xhr.onload = null;
        xhr.onerror = null;
        xhr.abort();
      }
      this.settleUpload(); // frees the page's upload slot, sent or not
      if (!sent) {
        this.end("cancelled", null, true); // the server never had the whole file: it keeps nothing
        return;
      }
      // Every byte was sent: the server may be making the session from them right now. Cancel it
      // there too, and say "cancelled" only once the server agrees (or has none).
      unsure = true;
    }
    this.set({ cancelling: true, statusText: "Cancelling..." });
    await deleted; // the DELETE waits while the last PATCH holds the upload
    let answer = await this.postCancel();
    if (unsure && answer && answer.status === 404) {
      await new Promise((resolve) => this.later(resolve, NOT_YET_STORED_MS)); // still being stored?
      answer = await this.postCancel();
    }
    if (this.ended || this.disposed) return;
    this.set({ cancelling: false });
    if (answer && answer.ok) this.apply(answer.state);
    else if (answer && answer.status === 409) this.heal(); // it ended first: show how
    else if (unsure && answer && answer.status === 404) this.end("cancelled", null, true); // none was made
    else this.set({ statusText: "Could not cancel; try again." });
  }

  async postCancel() {
    try {
      const response = await fetch(this.urls.cancel(this.id), {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: this.csrfToken ? { "X-CSRFToken": this.csrfToken } : {},
      });
      let state = null;
      try {
        state = await response.json();
      } catch {
        state = null;
      }
      return { ok: response.ok, status: response.status, state };
    } catch {
      return null;
    }
  }

  // -- the server's state ----------------------------------------------------------------------

  /** Apply a state (socket message or status document: one shape) unless it is not newer than ours. */
  apply(state) {
    if (this.ended || this.disposed) return;
    if (typeof state.seq === "number") {
      if (state.seq <= this.lastSeq) return;
      this.lastSeq = state.seq;
    }
    if (state.previewUrl && state.previewUrl !== this.state.previewUrl) this.set({ previewUrl: state.previewUrl });
    if (state.type === "progress") {
      const server = Math.max(0, Math.min(100, Number(state.progress) || 0));
      this.set({
        phase: "processing",
        percent: Math.max(this.state.percent, Math.round(UPLOAD_SHARE + (server * (100 - UPLOAD_SHARE)) / 100)),
        statusText: state.statusText || "Processing...", stage: state.stage || "",
      });
    } else if (state.type === "complete") {
      const result = state.result || { summary: {}, findings: [] };
      // cleanUrl: the verified clean copy while the server keeps it (our cookie owns the session, as for status).
      this.set({ percent: 100, statusText: state.statusText || "Extraction complete!", stage: "complete",
                 result, fullResult: result, cleanUrl: state.cleanUrl || null });
      this.end("complete", null, false);
    } else if (state.type === "failed") {
      this.end("failed", {
        code: state.error || "failed", message: state.message || "The extraction failed.",
      }, true);
    } else if (state.type === "cancelled") {
      this.end("cancelled", null, true);
    }
  }

  end(phase, error, retryable) {
    this.ended = true;
    this.closeSocket();
    this.stopPolling();
    clearTimeout(this.connectWait);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.quietTimer);
    if (phase === "cancelled") this.set({ statusText: "Cancelled", previewUrl: null, cancelling: false });
    this.set({ phase, error, retryable, connection: "closed" });
  }

  // -- plumbing --------------------------------------------------------------------------------

  later(callback, delay) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delay);
    this.timers.add(timer);
    return timer;
  }

  set(changes) {
    Object.assign(this.state, changes);
    this.emit();
  }

  emit() {
    if (!this.disposed) this.onChange({ ...this.state });
  }
}

