"""The classification catalogs: the same answers built from the CSV and read back from the user
cache, where a catalog is kept as a few strings and its entries are made at their first lookup."""

from __future__ import annotations

import pickle

from juesuan import catalog
from juesuan.catalog import Catalog, Entry


def _built() -> Catalog:
    entries = {
        "201": Entry("201", "一般公共服务支出", 1, None),
        "20101": Entry("20101", "人大事务", 2, "201"),
        "2010101": Entry("2010101", "行政运行", 3, "20101"),
        "20102": Entry("20102", "政协事务", 2, "201"),
        "2010201": Entry("2010201", "行政运行", 3, "20102"),
        "205": Entry("205", "教育支出", 1, None),
    }
    return Catalog("functional", 2023, entries)


def test_a_catalog_read_back_answers_as_the_one_built() -> None:
    built = _built()
    back = pickle.loads(pickle.dumps(built))
    assert (back.scheme, back.year) == ("functional", 2023)
    assert back._made == {}  # nothing made before a lookup
    assert back.get("20101") == Entry("20101", "人大事务", 2, "201")
    assert back.get("999") is None
    # a name shared by two codes: both, in the catalog's order, narrowed by level and prefix
    assert [e.code for e in back.by_name("行政运行")] == ["2010101", "2010201"]
    assert [e.code for e in back.by_name("行政运行", level=3, prefix="20102")] == ["2010201"]
    assert back.by_name("行政运行", level=2) == []
    assert back.by_name("一般公共服务支出") == [Entry("201", "一般公共服务支出", 1, None)]
    assert back.by_name("没有的名称") == []
    assert [e.code for e in back.classes()] == ["201", "205"]
    assert back.class_codes() == {"201", "205"}
    assert back.entries == built.entries
    assert list(back.entries) == list(built.entries)
    # one object per code, whichever way it was reached
    assert back.get("2010101") is back.by_name("行政运行")[0] is back.entries["2010101"]


def test_the_bundled_catalog_from_the_cache_is_the_csv(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path))
    catalog.load.cache_clear()
    try:
        cold = catalog.load("functional", 2023)
        catalog.load.cache_clear()
        warm = catalog.load("functional", 2023)  # read back from the cache written just now
        assert any(p.name.startswith("catalog-functional-2023") for p in tmp_path.iterdir())
        assert warm is not cold
        assert warm._made == {}
        assert warm.entries == cold.entries
        assert [e.code for e in warm.classes()] == [c for c, e in cold.entries.items() if e.level == 1]
        for e in list(cold.entries.values())[::50]:
            assert warm.get(e.code) == e
            assert e in warm.by_name(e.name, level=e.level)
    finally:
        catalog.load.cache_clear()
