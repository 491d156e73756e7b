"""Faults for end-to-end tests, loaded by a server process through `tests.support.fault_settings`.

`FullDiskStorage` is the uploads storage on a disk with room for FAULT_DISK_ROOM_BYTES in all: it
writes for real, and a write past the room raises ENOSPC partway, leaving a partial file as a full
disk does (a tiny tmpfs cannot be mounted here).
"""

import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    def _used(self) -> int:
        total = 0
        for folder, _, names in os.walk(self.location):
            total += sum(os.path.getsize(os.path.join(folder, name)) for name in names)
        return total

    def _save(self, name, content):
        room = int(os.environ["FAULT_DISK_ROOM_BYTES"]) - self._used()
        full_path = self.path(name)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "xb") as out:
            for chunk in content.chunks():
                if len(chunk) > room:
                    out.write(chunk[: max(room, 0)])
                    out.flush()
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), full_path)
                out.write(chunk)
                room -= len(chunk)
        return name
