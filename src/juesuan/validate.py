"""``juesuan validate-data``: every data file against its schema (:mod:`juesuan.dataload`), then
the references between the files (rules and lexicon against the layouts, variants against the rule
packs). It sits above the loader because it loads the layouts, the rule packs and the lexicon."""

from __future__ import annotations

from . import dataload

_ZH = [
    ("unknown table", "未知的表"),
    ("unknown column", "未知的列"),
    ("unknown row concept", "未知的行概念"),
    ("unknown kind", "未知的类型"),
    ("unknown op", "未知的比较符"),
    ("unknown rule pack", "未知的规则包"),
    ("unknown match", "未知的匹配方式"),
    ("unknown basis", "未知的口径"),
    ("unknown severity", "未知的级别"),
    ("is not text", "不是文本"),
    ("context words without units", "有上下文词但没有计量单位"),
    ("bad left", "左侧引用有误"),
    ("bad right", "右侧引用有误"),
    (" of ", "，属于表 "),
    (" in ", "，见 "),
    ("variant ", "版式 "),
    ("concept ", "概念 "),
    ("duplicate rule id", "规则编号重复"),
]


def _zh(message: str) -> str:
    for en, zh in _ZH:
        message = message.replace(en, zh)
    return message


def validate_all() -> list[str]:
    """Everything ``juesuan validate-data`` checks over the data path (the package data and the
    ``JUESUAN_DATA_PATH`` directories): every file against its schema; when they all pass, the
    references between files (rules and lexicon against the layouts, variants against the rule
    packs). Returns Chinese problems, ``file:line：message`` where a line is known."""
    import importlib
    import re

    problems = dataload.validate()
    if problems:
        return problems
    from . import layouts as layouts_mod
    from .narrative import validate as validate_narrative

    nsettings = importlib.import_module("juesuan.narrative.settings")  # the package exports a settings()
    from .rules import engine

    for fn in (
        layouts_mod.load,
        engine.load_packs,
        nsettings.lexicon,
        nsettings.settings,
        nsettings.performance_settings,
    ):
        fn.cache_clear()
    try:
        layouts = layouts_mod.load()
        engine.load_packs()
        nsettings.settings()
        nsettings.performance_settings()
        nsettings.lexicon(None)
    except dataload.DataError as exc:
        return exc.problems
    except (ValueError, KeyError, TypeError, re.error) as exc:
        return [f"数据文件有误：{_zh(str(exc))}"]
    where = dataload.rule_lines()
    for p in engine.validate_packs(layouts):
        loc = where.get(p.split(":", 1)[0])
        problems.append(f"{loc}：{_zh(p)}" if loc else _zh(p))
    lexicon_files = "、".join(str(p) for p in dataload.yaml_files("lexicon"))
    problems += [f"{lexicon_files}：{_zh(p)}" for p in validate_narrative(layouts)]
    from . import checksheet  # the check sheet's items (data/checksheet)

    checksheet.load_items.cache_clear()
    problems += checksheet.validate_items()
    return problems
