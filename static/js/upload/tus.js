// A small tus 1.0 client (core, creation, termination) for large files: sends one file in chunks
// and, after a dropped connection, asks the server how much it holds and goes on from there.

const TUS_VERSION = "1.0.0";
// daphne hands a request to the app only once its body is whole, so a cut PATCH keeps nothing of
// itself: the chunk is what travels twice after a drop. A few MiB keeps that small and the requests few.
export const CHUNK_BYTES = 2 * 1024 * 1024;
const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 10000;
// Failures in a row while the browser says it is online before we give up (about a minute);
// while it says offline we wait for it to come back, however long that takes.
const ONLINE_ATTEMPTS = 8;
const OFFLINE_CHECK_MS = 5000; // `online` is not fired everywhere; look again now and then

function b64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function encodeMetadata(metadata) {
  return Object.entries(metadata).map(([key, value]) => `${key} ${b64(String(value))}`).join(",");
}

function retryDelay(attempt) {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function errorOf(xhr) {
  let body = null;
  try {
    body = JSON.parse(xhr.responseText);
  } catch {
    body = null;
  }
  if (body && body.error) return { code: body.error, message: body.message || body.error, status: xhr.status };
  return { code: `http_${xhr.status}`, message: `The server answered ${xhr.status} ${xhr.statusText}.`.trim(),
           status: xhr.status };
}

/**
 * One resumable upload. Callbacks: onProgress(sentBytes), onStall({offline}) when the connection is
 * lost, onResume(offset) when the server told us where to go on, onSuccess(body) with the last PATCH's
 * JSON (the session, as `POST /extract` answers), onError({code, message, status}) when it cannot go on.
 */
export class TusUpload {
  constructor(file, { endpoint, metadata = {}, chunkBytes = CHUNK_BYTES, onProgress = () => {},
                      onStall = () => {}, onResume = () => {}, onSuccess = () => {}, onError = () => {},
                      onLastBodySent = () => {} }) {
    Object.assign(this, { file, endpoint, metadata, chunkBytes, onProgress, onStall, onResume, onSuccess,
                          onError, onLastBodySent });
    this.url = null;
    this.offset = 0;
    this.xhr = null;
    this.timer = null;
    this.failures = 0;
    this.stopped = false;
    this.onOnline = () => this.wakeUp();
  }

  start() {
    this.create();
  }

  /** Stop every request and timer; with `terminate`, also ask the server to delete what it holds. */
  abort({ terminate = true } = {}) {
    this.stopped = true;
    this.stopWaiting();
    if (this.xhr) {
      this.xhr.onload = null;
      this.xhr.onerror = null;
      this.xhr.abort();
      this.xhr = null;
    }
    if (terminate && this.url) return this.terminate(this.url);
    return Promise.resolve();
  }

  // -- requests ---------------------------------------------------------------------------------

  request(method, url, { headers = {}, body = null, onUploadProgress = null, onBodySent = null } = {}) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", TUS_VERSION);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      if (onUploadProgress) {
        xhr.upload.onprogress = (event) => onUploadProgress(event.loaded);
      }
      if (onBodySent) xhr.upload.onload = onBodySent;
      xhr.onload = () => {
        this.xhr = null;
        resolve(xhr);
      };
      xhr.onerror = () => {
        this.xhr = null;
        resolve(null); // no answer: the connection went
      };
      xhr.send(body);
    });
  }

  async create() {
    if (this.stopped) return;
    const xhr = await this.request("POST", this.endpoint, {
      headers: { "Upload-Length": String(this.file.size), "Upload-Metadata": encodeMetadata(this.metadata) },
    });
    if (this.stopped) return;
    if (xhr === null || xhr.status >= 500 || xhr.status === 423) {
      this.retry(() => this.create(), xhr === null);
      return;
    }
    if (xhr.status !== 201 || !xhr.getResponseHeader("Location")) {
      this.fail(errorOf(xhr));
      return;
    }
    this.url = new URL(xhr.getResponseHeader("Location"), location.href).href;
    this.failures = 0;
    this.patch();
  }

  async patch() {
    if (this.stopped) return;
    const start = this.offset;
    const end = Math.min(this.file.size, start + this.chunkBytes);
    const last = end === this.file.size;
    const xhr = await this.request("PATCH", this.url, {
      headers: { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(start) },
      body: this.file.slice(start, end),
      onUploadProgress: (loaded) => this.onProgress(Math.min(end, start + loaded)),
      onBodySent: last ? () => this.onLastBodySent() : null,
    });
    if (this.stopped) return;
    // offset_mismatch: we are behind or ahead of the server; upload_finished: our last PATCH made the
    // session but its answer was lost. HEAD tells which, and where to go on.
    const resyncCodes = ["offset_mismatch", "upload_finished"];
    if (xhr === null || xhr.status >= 500 || xhr.status === 423 || xhr.status === 409 && resyncCodes.includes(errorOf(xhr).code)) {
      this.retry(() => this.resync(), xhr === null);
      return;
    }
    if (xhr.status === 200) {
      this.offset = this.file.size;
      this.onProgress(this.offset);
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      this.finish(body || sessionFromHeaders(xhr));
      return;
    }
    if (xhr.status !== 204) {
      this.fail(errorOf(xhr));
      return;
    }
    this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
    this.failures = 0;
    this.onProgress(this.offset);
    this.patch();
  }

  /** After a drop: HEAD tells how many bytes the server holds (or that the upload already finished). */
  async resync() {
    if (this.stopped) return;
    const xhr = await this.request("HEAD", this.url);
    if (this.stopped) return;
    if (xhr === null || xhr.status >= 500 || xhr.status === 423) {
      this.retry(() => this.resync(), xhr === null);
      return;
    }
    if (xhr.status !== 200) {
      // HEAD answers carry no body: say what a 404 means here.
      this.fail(xhr.status === 404
        ? { code: "upload_not_found", message: "The server no longer holds this upload; retry to send it again.",
            status: 404 }
        : errorOf(xhr));
      return;
    }
    const session = sessionFromHeaders(xhr);
    this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
    this.onResume(this.offset);
    if (session) {
      this.finish(session); // the last PATCH arrived but its answer was lost
      return;
    }
    this.patch();
  }

  terminate(url) {
    // Fire and forget, but retried while another request (an aborted PATCH the server still reads) holds it.
    const attempt = async (left) => {
      try {
        // keepalive: a DELETE sent as the page goes away (pagehide) still reaches the server.
        const response = await fetch(url, { method: "DELETE", keepalive: true, headers: { "Tus-Resumable": TUS_VERSION } });
        if (response.status === 423 && left > 0) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return attempt(left - 1);
        }
      } catch {
        // Offline: the server deletes it after UPLOAD_EXPIRY_SECONDS.
      }
      return undefined;
    };
    return attempt(10);
  }

  // -- waiting and ending -----------------------------------------------------------------------

  retry(next, noAnswer) {
    const offline = navigator.onLine === false;
    if (!offline) this.failures += 1;
    if (this.failures > ONLINE_ATTEMPTS) {
      this.fail({ code: "network_error", message: "The upload did not reach the server. Check the connection and retry.",
                  status: 0 });
      return;
    }
    if (noAnswer) this.onStall({ offline });
    this.next = next;
    window.addEventListener("online", this.onOnline);
    this.timer = setTimeout(() => this.wakeUp(), offline ? OFFLINE_CHECK_MS : retryDelay(this.failures - 1));
  }

  wakeUp() {
    if (this.stopped || !this.next) return;
    if (navigator.onLine === false) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wakeUp(), OFFLINE_CHECK_MS);
      return;
    }
    const next = this.next;
    this.stopWaiting();
    next();
  }

  stopWaiting() {
    this.next = null;
    clearTimeout(this.timer);
    this.timer = null;
    window.removeEventListener("online", this.onOnline);
  }

  finish(body) {
    this.stopped = true;
    this.stopWaiting();
    this.onSuccess(body);
  }

  fail(error) {
    this.stopped = true;
    this.stopWaiting();
    this.onError(error);
  }
}

function sessionFromHeaders(xhr) {
  const sessionId = xhr.getResponseHeader("Imgmvp-Session-Id");
  if (!sessionId) return null;
  return { sessionId, status: "processing", token: xhr.getResponseHeader("Imgmvp-Token"),
           statusUrl: xhr.getResponseHeader("Imgmvp-Status-Url"),
           progressUrl: xhr.getResponseHeader("Imgmvp-Progress-Url") };
}
