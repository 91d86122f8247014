"""The remembered keys of the data cache (juesuan.dataload._digest): a data file's content hash is
given again without reading the file while its size, times and inode are unchanged.

Class of input: any data file of the data path, changed or not between two loads. What must hold:
a changed file is picked up even when its size is the same; a file modified shortly before it is
read is not remembered (a second write in the same tick of the clock would not change its times);
a corrupt or unwritable memory of keys falls back to hashing; the cache's keys are the same SHA-256
of the content either way. Files are written here in tmp directories."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from juesuan import dataload

RULE = """pack: extra
rules:
  - id: extra.income_total
    kind: compare
    severity: warning
    description: 收入合计等于财政拨款收入加其他{tail}
    left: income.total.total
    right: [income.total.total]
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path / "cache"))
    dataload._MEMO.clear()
    dataload._DIGESTS.clear()
    yield
    dataload._MEMO.clear()
    dataload._DIGESTS.clear()


def write(tmp_path: Path, tail: str, age_s: float) -> Path:
    """The rule file whose description ends with ``tail`` (收入 or 支出: the same size), its times
    set ``age_s`` seconds back (setting them changes the status-change time to now)."""
    folder = tmp_path / "pack" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "extra.yaml"
    path.write_text(RULE.format(tail=tail), encoding="utf-8")
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def description(path: Path) -> str:
    return str(dataload.load_file(path, "rules")["rules"][0]["description"])


def hashed(monkeypatch) -> list[bytes]:
    """Record what the loader hashes from now on (the schema key is computed beforehand)."""
    dataload._schema_key()
    seen: list[bytes] = []
    real = dataload.sha256

    def counting(data: bytes = b"") -> object:
        seen.append(data)
        return real(data)

    monkeypatch.setattr(dataload, "sha256", counting)
    return seen


def new_process() -> None:
    dataload._MEMO.clear()
    dataload._DIGESTS.clear()


def test_an_unchanged_settled_file_is_not_hashed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(dataload, "SETTLED_NS", 0)  # this test's file counts as settled at once
    path = write(tmp_path, "收入", 100)
    first = dataload.load_file(path, "rules")
    new_process()
    seen = hashed(monkeypatch)
    assert dataload.load_file(path, "rules") == first
    assert not [d for d in seen if d.endswith(path.read_bytes())]  # the content was not hashed
    # the key given again is the content's hash, the one the cache file is named after
    key = dataload.sha256(dataload._schema_key() + b"rules\0extra\0" + path.read_bytes()).hexdigest()
    assert (tmp_path / "cache" / f"{key}.pickle").exists()


def test_a_changed_file_of_the_same_size_is_picked_up(tmp_path, monkeypatch):
    monkeypatch.setattr(dataload, "SETTLED_NS", 0)
    path = write(tmp_path, "收入", 100)
    assert description(path).endswith("收入")
    size = path.stat().st_size
    path = write(tmp_path, "支出", 50)  # same size, other times: read and hashed again
    assert path.stat().st_size == size
    new_process()
    assert description(path).endswith("支出")
    path = write(tmp_path, "收入", 100)
    new_process()
    assert description(path).endswith("收入")


def test_a_file_written_just_before_it_is_read_is_not_remembered(tmp_path, monkeypatch):
    path = write(tmp_path, "收入", 0)  # written now: a write in the same clock tick could follow
    dataload.load_file(path, "rules")
    new_process()
    seen = hashed(monkeypatch)
    dataload.load_file(path, "rules")
    assert [d for d in seen if d.endswith(path.read_bytes())]  # hashed again


def test_a_corrupt_memory_of_keys_falls_back_to_hashing(tmp_path, monkeypatch):
    monkeypatch.setattr(dataload, "SETTLED_NS", 0)
    path = write(tmp_path, "收入", 100)
    good = dataload.load_file(path, "rules")
    (memory,) = (tmp_path / "cache").glob("data-digests-*.marshal")
    memory.write_bytes(b"\x00garbage")
    new_process()
    seen = hashed(monkeypatch)
    assert dataload.load_file(path, "rules") == good
    assert [d for d in seen if d.endswith(path.read_bytes())]
    # a wrong entry (another digest for the same stamp) is what a damaged file could hold: the
    # loader then finds no cache file under it and parses the file again
    new_process()
    table = dataload._digests(tmp_path / "cache")
    name = next(iter(table))
    table[name] = (*table[name][:5], "0" * 64)
    assert dataload.load_file(path, "rules") == good


def test_an_unwritable_cache_directory_hashes_every_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    monkeypatch.setattr(dataload, "SETTLED_NS", 0)
    path = write(tmp_path, "收入", 100)
    assert description(path).endswith("收入")
    path = write(tmp_path, "支出", 50)
    new_process()
    assert description(path).endswith("支出")


def test_an_unreadable_data_file_is_still_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(dataload, "SETTLED_NS", 0)
    path = write(tmp_path, "收入", 100)
    dataload.load_file(path, "rules")
    path.unlink()
    new_process()
    with pytest.raises(dataload.DataError, match="无法读取"):
        dataload.load_file(path, "rules")


def test_a_folder_named_like_a_data_file_is_refused_as_before(tmp_path):
    folder = tmp_path / "pack" / "rules" / "extra.yaml"
    folder.mkdir(parents=True)
    with pytest.raises(OSError) as direct:
        folder.read_bytes()
    with pytest.raises(dataload.DataError) as refused:
        dataload.load_file(folder, "rules")
    assert refused.value.problems == [f"{folder}：无法读取（{direct.value}）"]
