"""Where uploaded originals live: the `uploads` Django storage, and a local path to read one."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import Storage, storages


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
