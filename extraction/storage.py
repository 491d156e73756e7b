"""Where uploaded originals live: the `uploads` Django storage, and a local path to read one."""

import errno
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)

# errno values that mean "no room": the disk, or the user's quota, is full.
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class StorageFailed(Exception):
    """Storing an upload failed for the storage's sake, not the file's; `code` is the stable error code:
    `storage_full` (no room), `storage_unavailable` (read-only, missing, not permitted, any other I/O)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def storage_failure(exc: OSError) -> StorageFailed:
    if exc.errno in FULL_ERRNOS:
        return StorageFailed("storage_full", "The server has no room to store the upload; try again later.")
    return StorageFailed("storage_unavailable", "The server cannot store uploads right now; try again later.")


def upload_store(name: str, content) -> str:
    """Save `content` as `name` in the uploads storage; on an OSError remove what was written and raise
    StorageFailed, so a failed save leaves no bytes behind."""
    storage = upload_storage()
    try:
        return storage.save(name, content)
    except OSError as exc:
        logger.warning("could not store upload %s: %s", name, exc)
        try:
            storage.delete(name)  # `name` is random: whatever is there is this save's partial file
        except (FileNotFoundError, NotADirectoryError):
            pass  # nothing was written
        except Exception as delete_exc:
            logger.warning("could not remove the partial upload %s: %s", name, delete_exc)
        raise storage_failure(exc) from exc


def upload_storage() -> Storage:
    return storages["uploads"]


@contextmanager
def local_path(name: str) -> Iterator[str]:
    """Yield a filesystem path for a stored upload (a temporary copy when the storage is remote)."""
    storage = upload_storage()
    try:
        yield storage.path(name)
        return
    except NotImplementedError:
        pass
    with storage.open(name, "rb") as source, tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield copy.name
