"""The one loader of the YAML data files (``juesuan/data`` and every ``JUESUAN_DATA_PATH`` directory).

Each data folder has a schema (one place per file kind, in ``SCHEMAS`` / ``RULE_KINDS`` below):
unknown keys, wrong types and missing required keys are rejected with the file and line
(:class:`DataError`, Chinese message ``文件:行：问题``). To add a key to a data file, declare it in
the schema of its file kind here.

Parsed and validated documents are cached in the user cache directory, one pickle per data file
keyed by the hash of the file's content, the schemas and the juesuan version, so a changed data
file is parsed again and a corrupt, unreadable or unwritable cache falls back to parsing
(with libyaml's C loader when PyYAML has it). ``JUESUAN_CACHE_DIR`` sets the cache directory;
``JUESUAN_CACHE_DIR=off`` disables the cache. The key of a file whose size, times and inode have not
changed since it was last hashed is remembered in the cache directory too (:func:`_digest`), so a
process does not hash every data file again.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import JuesuanError

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Callable

try:  # the C unpickler and pickler alone: the pickle module (its Python pickler and unpickler,
    # ≈ 4 M instructions to import) is not needed to read the caches
    from _pickle import dump as _pickle_dump, load as _pickle_load
except ImportError:  # another Python
    from pickle import dump as _pickle_dump, load as _pickle_load

try:  # CPython's own SHA-256 (hashlib's fallback): the same digests without loading OpenSSL's
    from _sha256 import sha256  # libcrypto at every start (≈ 11 M instructions, docs/benchmarks.md)
except ImportError:  # another Python (3.12 names it _sha2)
    from hashlib import sha256

# Part of the cache key: bump when loading changes what a validated document looks like (a change
# of the schemas themselves already changes the key, see _schema_key).
SCHEMA_VERSION = 1


class DataError(JuesuanError):
    """A data file is malformed. ``problems`` holds every ``file:line：message``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("数据文件有误：\n" + "\n".join(problems))


# --------------------------------------------------------------------------------------------
# Schemas: a small vocabulary checked against PyYAML nodes (which carry line numbers)


@dataclass(frozen=True)
class T:
    """A scalar of one of the YAML types ``names`` (str, int, float, bool, null)."""

    names: tuple[str, ...]


STR = T(("str",))
INT = T(("int",))
NUM = T(("int", "float"))
BOOL = T(("bool",))


@dataclass(frozen=True)
class List:
    """A list whose every item follows one schema."""

    item: Any


@dataclass(frozen=True)
class Map:
    """A mapping with free (string) keys, every value of one schema."""

    value: Any


@dataclass(frozen=True)
class Obj:
    """A mapping with a fixed set of keys; ``required`` must be present."""

    fields: dict[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class OneOf:
    """A value that follows any one of several schemas."""

    options: tuple[Any, ...]


@dataclass(frozen=True)
class RuleSpec:
    """A table rule: common keys plus the keys of its ``kind`` (see RULE_KINDS)."""


REF = OneOf((STR, List(STR)))  # a cell reference, or a list of references summed
REFS = OneOf((STR, List(REF)))
COLUMN = Obj({"id": STR, "header": STR, "aliases": List(STR), "optional": BOOL}, ("id",))

LAYOUTS = Obj(
    {
        "tables": Map(
            Obj(
                {
                    "name": STR,
                    "titles": List(STR),
                    "structure": STR,
                    # the classification scheme of the printed codes (documentation of the table)
                    "scheme": STR,
                    "columns": List(COLUMN),
                    "variants": List(List(COLUMN)),
                    "blocks": List(Obj({"id": STR, "header": STR, "columns": List(COLUMN)}, ("id",))),
                    "block_start": List(STR),
                    "rows": Map(Obj({"aliases": List(STR), "block": STR, "after": STR, "label": STR, "absent": STR})),
                    "class_rows": Obj({"block": STR}),
                    "label_headers": List(STR),
                },
                ("name",),
            )
        ),
        # form: how `juesuan build` prints the 绩效 table, its parts as rows of cells (generate.draft)
        "performance": Map(
            Obj({"titles": List(STR), "form": Obj({p: List(List(STR)) for p in ("other", "funds", "indicators")})})
        ),
        # words that start or mark the sections of a 绩效 self-assessment table
        "performance_sections": Map(Obj({"starts": List(STR), "contains": List(STR)})),
    }
)

VARIANT = Obj(
    {
        "id": STR,
        "name": STR,
        "kind": STR,
        "tables": List(Obj({"table": STR, "form": STR, "name": STR, "print_form": STR}, ("table",))),
        "performance": List(STR),
        "rule_packs": List(STR),
        "detect": Obj({"score": INT, "tables_any": List(STR), "text_any": List(STR)}),
        # regular expressions for printed form numbers; named group ``n`` is the sequence number
        "form_numbers": List(STR),
    },
    ("id",),
)

RULE_COMMON = {"id": STR, "kind": STR, "severity": STR, "description": STR}
_SIDE = Obj({"table": STR, "col": STR, "block": STR}, ("table", "col"))
# The keys of a table rule, by kind (besides RULE_COMMON). A new kind or key is declared here.
RULE_KINDS: dict[str, dict[str, Any]] = {
    "compare": {
        "left": REFS,
        "right": REFS,
        "table": STR,
        "col": STR,
        "for_columns": List(STR),
        "when": Map(STR),
        "op": STR,
    },
    "row_sum": {"table": STR, "left": STR, "right": List(STR), "block": STR},
    "hierarchy": {"table": STR, "columns": OneOf((STR, List(STR))), "block": STR, "total_row": STR, "levels": BOOL},
    "match_rows": {"left": _SIDE, "right": _SIDE, "level": INT, "op": STR},
    "presence": {"mode": STR, "a": STR, "b": List(STR)},
    "completeness": {"check": STR, "words": List(STR), "tables": List(STR)},
    "codes": {"table": STR, "scheme": STR, "check": STR, "prefixes": List(STR), "scheme_name": STR},
}
RULE_REQUIRED: dict[str, tuple[str, ...]] = {
    "compare": ("left", "right"),
    "row_sum": ("table", "left", "right"),
    "hierarchy": ("table",),
    "match_rows": ("left", "right"),
    "presence": ("a", "b"),
    "completeness": ("check",),
    "codes": ("table", "check"),
}

RULE_PACK = Obj({"pack": STR, "rules": List(RuleSpec())})

_REFMAP = Map(List(REF))
LEXICON = Obj(
    {
        "concepts": Map(
            Obj(
                {
                    "label": STR,
                    "kind": STR,
                    "synonyms": List(STR),
                    "patterns": List(STR),
                    "refs": _REFMAP,
                    "upper": List(REF),
                    "severity": STR,
                    "units": List(STR),
                    "context": List(STR),
                    "exclude": List(STR),
                    "unique": BOOL,
                    "match": STR,
                    "standalone": BOOL,
                }
            )
        ),
        "classes": Obj({"kind": STR, "match": STR, "refs": _REFMAP}),
        "items": Obj({"kind": STR, "match": STR, "refs": _REFMAP}),
    }
)

NARRATIVE_RULES = Obj(
    {"rules": List(Obj({"id": STR, "severity": STR, "description": STR, "rounding_severity": STR}, ("id",)))}
)

_WORDS = List(STR)
NARRATIVE_SETTINGS = Obj(
    {
        "basis": Map(_WORDS),
        "budget_context_ignore": _WORDS,
        "change_words": Map(_WORDS),
        "comparison_words": _WORDS,
        "share_words": _WORDS,
        "completion_words": _WORDS,
        "breakdowns": List(Obj({"labels": _WORDS, "less": STR, "units": _WORDS})),
        "placeholders": List(Obj({"pattern": STR, "severity": STR, "what": STR}, ("pattern",))),
        "truncated_patterns": _WORDS,
        "old_names": List(Obj({"code": STR, "old": STR, "new": STR, "since": INT}, ("code", "old"))),
        "scope_words": Map(_WORDS),
        "org_suffixes": _WORDS,
        "achievement_words": _WORDS,
        "statistic_date_words": _WORDS,
        # regular expressions of figures printed malformed ("总计,867.48", "共计 ,0 个")
        "malformed_numbers": _WORDS,
        # what makes a file a whole disclosure rather than a fragment (juesuan.coverage)
        "coverage": Obj({"full_min_share": OneOf((NUM, STR))}),
    }
)

PERFORMANCE_SETTINGS = Obj(
    {
        "grades": Map(List(Obj({"label": STR, "min": NUM}, ("label", "min")))),
        "aliases": Map(STR),
        "weights": Obj({"execution": INT, "total": INT}),
        "negative_words": _WORDS,
        "negative_exceptions": _WORDS,
        "vague_patterns": List(Obj({"pattern": STR, "what": STR}, ("pattern",))),
        "percent_value": STR,
        "operators": Map(_WORDS),
        "empty_reasons": _WORDS,
        "table_names": Obj({"project": STR, "department": STR, "target": STR}),
        "header_words": _WORDS,
        "header_anywhere": _WORDS,
        "task_concepts": Map(Obj({"words": _WORDS, "refs": List(REF)})),
        "narrative": Map(OneOf((STR, _WORDS))),
    }
)

# what kind of disclosure (预算/决算) a document is, told by its own titles (see data/kinds/kinds.yaml)
KINDS = Obj(
    {
        "max_line_chars": INT,
        "min_hits": INT,
        "ratio": NUM,
        "kinds": Map(Obj({"label": STR, "lines": List(STR)}, ("lines",))),
        "fragment": Obj({"min_hits": INT, "budget": List(STR), "final": List(STR)}),
    }
)

# the reviewer's check sheet (公开情况检查表): its items and which findings they take
# (see data/checksheet/checksheet.yaml and juesuan/checksheet.py)
CHECKSHEET = Obj(
    {
        "items": List(
            Obj(
                {
                    "id": STR,
                    "name": STR,
                    "kind": STR,
                    "requirement": STR,
                    "headings": List(STR),
                    "rules": List(STR),
                    "title": STR,
                    "deadline_days": INT,
                    "parts": List(Obj({"id": STR, "name": STR, "headings": List(STR)}, ("id", "name", "headings"))),
                    "sections": List(STR),
                },
                ("id", "name", "kind"),
            )
        )
    },
    ("items",),
)

# data folder -> schema, or {file stem: schema, "*": schema for the other files}
SCHEMAS: dict[str, Any] = {
    "layouts": LAYOUTS,
    "variants": VARIANT,
    "rules": RULE_PACK,
    "lexicon": LEXICON,
    "kinds": KINDS,
    "checksheet": CHECKSHEET,
    "narrative": {"rules": NARRATIVE_RULES, "performance": PERFORMANCE_SETTINGS, "*": NARRATIVE_SETTINGS},
}


def schema_for(sub: str, stem: str) -> Any:
    s = SCHEMAS[sub]
    if isinstance(s, dict):
        return s.get(stem, s["*"])
    return s


_TYPE_NAMES = {
    "str": "字符串",
    "int": "整数",
    "float": "小数",
    "bool": "布尔值",
    "null": "空值",
    "map": "映射（键: 值）",
    "seq": "列表",
}


def _node_type(node: Any) -> str:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return "map"
    if isinstance(node, yaml.SequenceNode):
        return "seq"
    return node.tag.rsplit(":", 1)[-1]


def _want(schema: Any) -> str:
    if isinstance(schema, T):
        return "或".join(_TYPE_NAMES[n] for n in schema.names)
    if isinstance(schema, List):
        return _TYPE_NAMES["seq"]
    if isinstance(schema, (Map, Obj, RuleSpec)):
        return _TYPE_NAMES["map"]
    return "或".join(dict.fromkeys(_want(o) for o in schema.options))


def _check(node: Any, schema: Any, where: str, out: list[tuple[int, str]]) -> None:
    """Append (line, message) for every problem of ``node`` against ``schema``."""
    line = node.start_mark.line + 1
    kind = _node_type(node)
    if isinstance(schema, OneOf):
        for opt in schema.options:
            trial: list[tuple[int, str]] = []
            _check(node, opt, where, trial)
            if not trial:
                return
        # report against the option of the node's shape, else the type mismatch
        for opt in schema.options:
            if _want(opt) == _TYPE_NAMES.get(kind) or (isinstance(opt, T) and kind in opt.names):
                _check(node, opt, where, out)
                return
        out.append((line, f"{where}的类型应为{_want(schema)}，实为{_TYPE_NAMES.get(kind, kind)}"))
        return
    if isinstance(schema, T):
        if kind not in schema.names:
            out.append((line, f"{where}的类型应为{_want(schema)}，实为{_TYPE_NAMES.get(kind, kind)}"))
        return
    if isinstance(schema, List):
        if kind != "seq":
            out.append((line, f"{where}的类型应为列表，实为{_TYPE_NAMES.get(kind, kind)}"))
            return
        for i, item in enumerate(node.value):
            _check(item, schema.item, f"{where}第{i + 1}项", out)
        return
    if kind != "map":
        out.append((line, f"{where}的类型应为映射（键: 值），实为{_TYPE_NAMES.get(kind, kind)}"))
        return
    pairs = [(k, v) for k, v in node.value]
    for k, _ in pairs:
        if _node_type(k) != "str":
            out.append((k.start_mark.line + 1, f"{where}的键“{k.value}”应为字符串"))
    if isinstance(schema, Map):
        for k, v in pairs:
            _check(v, schema.value, f"{where}“{k.value}”", out)
        return
    if isinstance(schema, RuleSpec):
        keys = {k.value: v for k, v in pairs}
        kind_node = keys.get("kind")
        rule_kind = kind_node.value if kind_node is not None and _node_type(kind_node) == "str" else None
        if kind_node is not None and rule_kind is not None and rule_kind not in RULE_KINDS:
            out.append(
                (kind_node.start_mark.line + 1, f"{where}的规则类型“{rule_kind}”未知（可用：{'、'.join(RULE_KINDS)}）")
            )
            rule_kind = None
        if rule_kind is None:  # unknown or missing kind: check only the common keys
            fields = dict(RULE_COMMON)
            required: tuple[str, ...] = ("id", "kind")
            pairs = [(k, v) for k, v in pairs if k.value in RULE_COMMON]
        else:
            fields = {**RULE_COMMON, **RULE_KINDS[rule_kind]}
            required = ("id", "kind", *RULE_REQUIRED.get(rule_kind, ()))
        rid = keys.get("id")
        label = f"{where}（{rid.value}）" if rid is not None and _node_type(rid) == "str" else where
        _check_obj(node, pairs, Obj(fields, required), label, out)
        return
    _check_obj(node, pairs, schema, where, out)


def _check_obj(node: Any, pairs: list[tuple[Any, Any]], schema: Obj, where: str, out: list[tuple[int, str]]) -> None:
    seen = set()
    for k, v in pairs:
        name = k.value
        seen.add(name)
        if name not in schema.fields:
            allowed = "、".join(schema.fields)
            out.append((k.start_mark.line + 1, f"{where}有未知的键“{name}”（可用的键：{allowed}）"))
            continue
        _check(v, schema.fields[name], f"{where}的“{name}”", out)
    for name in schema.required:
        if name not in seen:
            out.append((node.start_mark.line + 1, f"{where}缺少必需的键“{name}”"))


# --------------------------------------------------------------------------------------------
# Files and parsing


# juesuan's own data files, beside its modules (what ``importlib.resources.files("juesuan")`` gives
# for the installed package, without importing importlib.resources and zipfile at every start)
PACKAGE_DATA = Path(__file__).parent / "data"


def data_dirs() -> list[Path]:
    dirs = [PACKAGE_DATA]
    extra = os.environ.get("JUESUAN_DATA_PATH", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return dirs


def yaml_files(sub: str, dirs: list[Path] | None = None) -> list[Path]:
    files: list[Path] = []
    for d in data_dirs() if dirs is None else dirs:
        folder = d / sub
        if folder.is_dir():
            files += sorted(folder.glob("*.yaml"))
    return files


def _shown(path: Path) -> str:
    return str(path)


def parse(path: Path, sub: str, text: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Parse and validate one data file: (document, problems as ``file:line：message``)."""
    import yaml

    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return {}, [f"{_shown(path)}：无法读取（{exc}）"]
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, []
        problems: list[tuple[int, str]] = []
        _check(node, schema_for(sub, path.stem), "文件", problems)
        if problems:
            return {}, [f"{_shown(path)}:{line}：{msg}" for line, msg in problems]
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        return {}, [f"{_shown(path)}{line}：YAML 语法错误（{getattr(exc, 'problem', exc)}）"]
    finally:
        loader.dispose()
    return data or {}, []


def cache_dir() -> Path | None:
    env = os.environ.get("JUESUAN_CACHE_DIR")
    if env:
        return None if env.lower() in ("off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "juesuan"


def _cache_read(file: Path) -> Any:
    try:
        with open(file, "rb") as fh:
            data = _pickle_load(fh)
    except Exception:  # absent, unreadable or corrupt: parse instead
        return None
    return data if isinstance(data, dict) else None


def _cache_write(folder: Path, file: Path, data: Any) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when the cache is written

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                _pickle_dump(data, fh, protocol=-1)  # the highest protocol
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # read-only or full: the cache is an optimisation only
        pass


_MEMO: dict[str, dict[str, Any]] = {}
_KEY: list[bytes] = []


def _schema_key() -> bytes:
    """What the cache key holds besides a file's content: juesuan and schema versions and the
    schemas themselves (a key added to or removed from a schema invalidates cached files)."""
    if not _KEY:
        schemas = repr((SCHEMA_VERSION, SCHEMAS, RULE_COMMON, RULE_KINDS, RULE_REQUIRED))
        _KEY.append(f"{__version__}\0{sha256(schemas.encode()).hexdigest()}\0".encode())
    return _KEY[0]


# A file's key is remembered only when its modification and status-change times are this much older
# than the moment it was read: a write in the same tick of the file system's clock as the reading
# (same size, same times) could otherwise go unseen; any later write gives the file later times.
SETTLED_NS = 2_000_000_000
MAX_DIGESTS = 1024  # a bound on the remembered keys (files since removed are not dropped otherwise)
_DIGESTS: dict[str, Any] = {}  # the remembered keys, as read from (and written to) ``_DIGESTS["file"]``


def _digests(folder: Path) -> dict[str, Any]:
    """The remembered keys of the cache directory ``folder`` (read once per process and folder)."""
    from ._dccache import read_table

    file = str(folder / f"data-digests-{sha256(_schema_key()).hexdigest()[:16]}.marshal")
    if _DIGESTS.get("file") != file:
        read = read_table(file)  # absent or corrupt: empty, every file is hashed
        _DIGESTS.clear()
        _DIGESTS.update(file=file, table={k: v for k, v in read.items() if isinstance(k, str) and _entry(v)})
    table: dict[str, Any] = _DIGESTS["table"]
    return table


def _entry(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 6
        and all(type(v) is int for v in value[:5])
        and isinstance(value[5], str)
        and len(value[5]) == 64
    )


def _digest(path: Path, sub: str, folder: Path | None) -> tuple[str, bytes | None]:
    """The cache key of a data file — SHA-256 of the schema key, its folder, its name and its
    content — and its content when it was read to compute it (None: the key was remembered).

    Like git's index, the key is remembered in the cache directory with the file's size,
    modification and status-change times (ns), inode and device, and given again while all of these
    are unchanged; remembered only for a file left untouched for ``SETTLED_NS`` before it was read.
    Without a cache directory every file is hashed."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # (bytes as they are, on Windows too)
    except OSError as exc:
        raise DataError([f"{_shown(path)}：无法读取（{exc}）"]) from exc
    raw: bytes | None = None
    try:
        st = os.fstat(fd)
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        name = f"{sub}\0{os.path.abspath(path)}"
        table = _digests(folder) if folder is not None else None
        known = table.get(name) if table is not None else None
        if known is not None and known[:5] == stamp:
            return known[5], None
        now = time.time_ns()
        with open(fd, "rb", closefd=False) as fh:
            raw = fh.read()
    except OSError:
        table = None  # (a folder named *.yaml …: read by its path below, for the error it gives)
    finally:
        os.close(fd)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DataError([f"{_shown(path)}：无法读取（{exc}）"]) from exc
    digest = sha256(_schema_key() + f"{sub}\0{path.stem}\0".encode() + raw).hexdigest()
    if table is not None and now - max(st.st_mtime_ns, st.st_ctime_ns) >= SETTLED_NS:
        from ._dccache import write_table

        if len(table) >= MAX_DIGESTS:
            table.clear()
        table[name] = (*stamp, digest)
        write_table(_DIGESTS["file"], table)  # nothing when the directory is read-only
    return digest, raw


def load_file(path: Path, sub: str) -> dict[str, Any]:
    """One validated data file, from the in-process memo, the disk cache or parsed. Raises
    DataError when the file is malformed."""
    folder = cache_dir()
    digest, raw = _digest(path, sub, folder)
    hit = _MEMO.get(digest)
    if hit is not None:
        return hit
    file = folder / f"{digest}.pickle" if folder is not None else None
    data = _cache_read(file) if file is not None else None
    if data is None:
        if raw is None:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise DataError([f"{_shown(path)}：无法读取（{exc}）"]) from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError([f"{_shown(path)}：不是 UTF-8 文本（{exc}）"]) from exc
        data, problems = parse(path, sub, text)
        if problems:
            raise DataError(problems)
        if folder is not None and file is not None:
            _cache_write(folder, file, data)
    _MEMO[digest] = data
    return data


def documents(sub: str) -> list[tuple[Path, dict[str, Any]]]:
    """Every data file of folder ``sub`` in data-path order, validated: (path, document)."""
    return [(p, load_file(p, sub)) for p in yaml_files(sub)]


def validate(dirs: list[Path] | None = None) -> list[str]:
    """Parse and validate every data file of ``dirs`` (default: the data path) without the cache.
    Returns the problems, ``file:line：message`` in Chinese (empty when every file is sound)."""
    problems: list[str] = []
    for sub in SCHEMAS:
        for path in yaml_files(sub, dirs):
            problems += parse(path, sub)[1]
    return problems


def rule_lines(dirs: list[Path] | None = None) -> dict[str, str]:
    """``file:line`` of each table rule id (for messages about a rule)."""
    import yaml

    where: dict[str, str] = {}
    for path in yaml_files("rules", dirs):
        try:
            node = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if node is None or _node_type(node) != "map":
            continue
        for k, v in node.value:
            if k.value != "rules" or _node_type(v) != "seq":
                continue
            for item in v.value:
                if _node_type(item) != "map":
                    continue
                for rk, rv in item.value:
                    if rk.value == "id" and _node_type(rv) == "str":
                        where[rv.value] = f"{_shown(path)}:{item.start_mark.line + 1}"
    return where


# --------------------------------------------------------------------------------------------
# Cached derived data (catalog indexes, the Traditional-character set)


def cached(name: str, sources: list[Path], build: Callable[[], Any]) -> Any:
    """``build()``, cached in the user cache directory under ``name`` and the size and mtime of
    ``sources`` (the files it is built from, and the modules that build it) and the juesuan
    version. Any failure to use the cache falls back to building."""
    folder = cache_dir()
    file = None
    if folder is not None:
        try:
            stamp = "\0".join(f"{p}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}" for p in sources)
        except OSError:
            stamp = None
        if stamp is not None:
            digest = sha256(_schema_key() + f"{name}\0{stamp}".encode()).hexdigest()
            file = folder / f"{name}-{digest}.pickle"
            try:
                with open(file, "rb") as fh:
                    return _pickle_load(fh)
            except Exception:  # absent, unreadable or corrupt: build
                pass
    value = build()
    if folder is not None and file is not None:
        _cache_write(folder, file, value)
    return value
