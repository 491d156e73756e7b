"""extraction/tus_store.py: partial uploads on disk, with no Django and no database."""

import io

import pytest

from extraction.tus_store import COPY_CHUNK_BYTES, TooManyBytes, TusStore, UploadBusy


class CutStream(io.RawIOBase):
    """A request body whose connection drops after `keep` bytes."""

    def __init__(self, data: bytes, keep: int):
        self.data, self.keep, self.position = data, keep, 0

    def read(self, size=-1):
        if self.position >= self.keep:
            raise ConnectionResetError("the client went away")
        chunk = self.data[self.position:min(self.keep, self.position + size)]
        self.position += len(chunk)
        return chunk


def test_a_body_cut_mid_way_keeps_what_arrived_and_the_offset_says_so(tmp_path):
    store = TusStore(tmp_path)
    data = bytes(range(256)) * 8192  # 2 MiB
    info = store.create(length=len(data), metadata={"filename": "a.jpg"})
    keep = 3 * COPY_CHUNK_BYTES + 1000
    with pytest.raises(ConnectionResetError):
        store.append(info, CutStream(data, keep))
    again = store.get(info.id)
    assert again.offset == keep and again.written == keep and again.requests == 1
    assert store.part_path(info.id).read_bytes() == data[:keep]
    store.append(again, io.BytesIO(data[keep:]))
    assert store.part_path(info.id).read_bytes() == data
    assert store.get(info.id).written == len(data)  # no byte written twice


def test_more_bytes_than_declared_are_refused_and_the_part_file_is_cut_back(tmp_path):
    store = TusStore(tmp_path)
    info = store.create(length=COPY_CHUNK_BYTES * 2, metadata={})
    store.append(info, io.BytesIO(b"a" * 10))
    with pytest.raises(TooManyBytes):
        store.append(info, io.BytesIO(b"b" * (COPY_CHUNK_BYTES * 2)))
    assert store.get(info.id).offset == 10
    assert store.part_path(info.id).read_bytes() == b"a" * 10


def test_the_lock_is_held_across_file_handles(tmp_path):
    store = TusStore(tmp_path)
    info = store.create(length=1, metadata={})
    with store.locked(info.id):
        with pytest.raises(UploadBusy):
            with store.locked(info.id):
                pass
    with store.locked(info.id):  # released
        pass
    with pytest.raises(ValueError):
        with store.locked("../escape"):
            pass


def test_a_record_is_never_read_half_written_and_unknown_ids_are_none(tmp_path):
    store = TusStore(tmp_path)
    info = store.create(length=5, metadata={"k": "v"}, owner_key="owner", session_id="chosen-id-1")
    loaded = store.get(info.id)
    assert (loaded.length, loaded.metadata, loaded.owner_key, loaded.session_id) == (5, {"k": "v"}, "owner", "chosen-id-1")
    assert store.get("f" * 32) is None and store.get("not-an-id") is None
    assert not list(tmp_path.glob(".*"))  # no temporary record left beside the real one
