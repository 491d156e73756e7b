"""Partial resumable uploads on disk, as tusd's filestore keeps them: `<id>.part` holds the bytes
received so far, `<id>.info` beside it a small JSON record; no database row until the last byte.

The offset of an upload is the size of its part file, so a process that dies between writing bytes
and rewriting the record still reports exactly what it holds. Pure: no Django, no settings.
"""

import errno
import fcntl
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

UPLOAD_ID_RE = re.compile(r"[0-9a-f]{32}")
COPY_CHUNK_BYTES = 256 * 1024
SUFFIXES = (".part", ".info", ".lock")


class UploadBusy(Exception):
    """Another request is writing this upload right now."""


class TooManyBytes(Exception):
    """The request carried more bytes than the upload's declared length leaves room for."""


@dataclass
class UploadInfo:
    id: str
    length: int
    metadata: dict[str, str]
    owner_key: str = ""
    session_id: str | None = None  # the id the client asked for, None for a server-made one
    created_at: float = 0.0
    touched_at: float = 0.0  # last creation or PATCH: the expiry runs from here
    format: str = ""  # the sniffed format's name, once the first bytes arrived
    written: int = 0  # bytes written to the part file, over all requests (a resumed chunk counts twice)
    requests: int = 0  # PATCH requests that wrote
    finished_session: str = ""  # set when the last byte arrived and the session was created
    offset: int = field(default=0, compare=False)  # not stored: the part file's size

    def expires_at(self, ttl_seconds: float) -> float:
        return self.touched_at + ttl_seconds


def is_valid_upload_id(value: object) -> bool:
    return isinstance(value, str) and UPLOAD_ID_RE.fullmatch(value) is not None


class TusStore:
    """The folder of partial uploads; every method that changes an upload wants its lock held."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def part_path(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.part"

    def _info_path(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.info"

    def create(self, *, length: int, metadata: dict[str, str], owner_key: str = "",
               session_id: str | None = None, now: float | None = None) -> UploadInfo:
        """A new, empty upload of `length` bytes."""
        self.root.mkdir(parents=True, exist_ok=True)
        now = time.time() if now is None else now
        info = UploadInfo(id=secrets.token_hex(16), length=length, metadata=metadata, owner_key=owner_key,
                          session_id=session_id, created_at=now, touched_at=now)
        self.part_path(info.id).touch(exist_ok=False)
        try:
            self.save(info)
        except BaseException:
            self.part_path(info.id).unlink(missing_ok=True)
            raise
        return info

    def get(self, upload_id: str) -> UploadInfo | None:
        """The upload's record with its current offset, or None for an unknown (or malformed) id."""
        if not is_valid_upload_id(upload_id):
            return None
        try:
            stored = json.loads(self._info_path(upload_id).read_text())
        except (FileNotFoundError, ValueError):
            return None
        stored.pop("offset", None)
        info = UploadInfo(**stored)
        if info.finished_session:
            info.offset = info.length
        else:
            try:
                info.offset = self.part_path(upload_id).stat().st_size
            except FileNotFoundError:
                return None
        return info

    def save(self, info: UploadInfo) -> None:
        """Write the record atomically (a reader never sees half of it)."""
        record = asdict(info)
        record.pop("offset")
        temporary = self.root / f".{info.id}.info.{secrets.token_hex(4)}"
        try:
            temporary.write_text(json.dumps(record))
            os.replace(temporary, self._info_path(info.id))
        except BaseException:
            temporary.unlink(missing_ok=True)  # a full disk leaves no half-written record behind
            raise

    @contextmanager
    def locked(self, upload_id: str) -> Iterator[None]:
        """Hold the upload's lock (across processes: flock); UploadBusy if another request has it."""
        if not is_valid_upload_id(upload_id):
            raise ValueError(f"not an upload id: {upload_id!r}")
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / f"{upload_id}.lock", "a+b")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    raise UploadBusy(upload_id) from None
                raise
            yield
        finally:
            handle.close()  # releases the lock

    def append(self, info: UploadInfo, stream: BinaryIO, *, now: float | None = None) -> int:
        """Copy `stream` to the end of the part file in chunks; return the bytes written.

        Whatever was written before the stream failed (a client gone) stays: the offset grows by it.
        More bytes than the declared length leaves room for: the part file is cut back to where it
        was, TooManyBytes. Writing the bytes or their record failed (a full disk: OSError): cut back
        too, so nothing of this body stays and the record is as it was; the OSError is raised.
        """
        start = info.offset
        room = info.length - start
        path = self.part_path(info.id)
        writing = False  # True while an OSError would be the disk's, not the stream's
        try:
            with open(path, "r+b") as part:
                part.seek(start)
                part.truncate()  # drop a tail no record counts (cannot happen while offset is the size)
                received = 0
                while chunk := stream.read(COPY_CHUNK_BYTES):
                    received += len(chunk)
                    if received > room:
                        writing = True  # cutting back flushes first
                        part.truncate(start)
                        raise TooManyBytes(info.id)
                    writing = True
                    part.write(chunk)
                    writing = False
                writing = True  # closing flushes the last bytes
            writing = False
        except OSError:
            if writing:
                self._cut(info.id, start)
            raise
        finally:
            info.offset = self._size(info.id)
            written = info.offset - start
            if written > 0:
                info.written += written
                info.requests += 1
                info.touched_at = time.time() if now is None else now
                try:
                    self.save(info)
                except OSError:
                    self._cut(info.id, start)  # no record of these bytes: they are not kept either
                    info.offset = start
                    raise
        return written

    def _size(self, upload_id: str) -> int:
        try:
            return self.part_path(upload_id).stat().st_size
        except FileNotFoundError:
            return 0

    def _cut(self, upload_id: str, size: int) -> None:
        """Cut the part file back to `size` bytes (truncating frees room, even on a full disk)."""
        try:
            os.truncate(self.part_path(upload_id), size)
        except FileNotFoundError:
            pass

    def head(self, upload_id: str, size: int) -> bytes:
        with open(self.part_path(upload_id), "rb") as part:
            return part.read(size)

    def delete(self, upload_id: str) -> None:
        """Remove every file of the upload (those already gone are fine)."""
        for suffix in SUFFIXES:
            (self.root / f"{upload_id}{suffix}").unlink(missing_ok=True)

    def finish(self, info: UploadInfo, session_id: str) -> None:
        """Keep only the record, marked finished, so a client that lost the last answer can ask again."""
        info.finished_session = session_id
        self.save(info)
        self.part_path(info.id).unlink(missing_ok=True)

    def upload_ids(self) -> set[str]:
        """Every upload with a file in the folder (a record, a part file, or both)."""
        if not self.root.is_dir():
            return set()
        return {name.split(".")[0] for name in os.listdir(self.root) if is_valid_upload_id(name.split(".")[0])}

    def sweep(self, *, ttl_seconds: float, now: float | None = None) -> list[str]:
        """Delete the uploads idle for longer than `ttl_seconds` (and stray files as old); return their ids.

        An upload some request is writing right now is skipped: it is not abandoned.
        """
        now = time.time() if now is None else now
        removed = []
        for upload_id in sorted(self.upload_ids()):
            try:
                with self.locked(upload_id):
                    info = self.get(upload_id)
                    if info is not None:
                        last = info.touched_at
                    else:  # a part without its record, or a record without its part: by the files' age
                        last = max((path.stat().st_mtime for path in self._files(upload_id)), default=0.0)
                    if now - last > ttl_seconds:
                        self.delete(upload_id)
                        removed.append(upload_id)
            except UploadBusy:
                continue
        for stray in self.root.glob(".*.info.*") if self.root.is_dir() else ():
            if now - stray.stat().st_mtime > ttl_seconds:
                stray.unlink(missing_ok=True)
        return removed

    def _files(self, upload_id: str) -> list[Path]:
        return [path for suffix in (".part", ".info") if (path := self.root / f"{upload_id}{suffix}").exists()]
