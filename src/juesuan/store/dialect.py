"""One connection interface over DuckDB (the default, an embedded file) and PostgreSQL (psycopg 3,
for teams): statements are written once with ``?`` parameters; each dialect runs them, opens and
ends transactions and bulk-loads rows its own fast way (DuckDB scans column arrays, PostgreSQL takes
``COPY … FROM STDIN``)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import JuesuanError


class StoreError(JuesuanError):
    """The store cannot be opened or used (locked, unreachable, a bad query): exit status 2."""

    code = "store_unavailable"


def default_path() -> Path:
    """$JUESUAN_DB, else juesuan.duckdb in the user data folder ($XDG_DATA_HOME or ~/.local/share)."""
    env = os.environ.get("JUESUAN_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "juesuan" / "juesuan.duckdb"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


class Dialect:
    name = ""
    # extra statements after a migration (indexes where the database needs them)
    indexes: tuple[str, ...] = ()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a user's statement (no parameters)."""
        raise NotImplementedError

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def bulk_insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def restrict(self) -> None:
        """From now on, statements reach the database only (no files, no extensions)."""

    def close(self) -> None:
        raise NotImplementedError


def _locked_message(path: Path, detail: str) -> str:
    m = re.search(r"PID (\d+)", detail)
    who = f"（进程号 {m.group(1)}）" if m else ""
    return f"数据库文件正被另一个进程使用{who}，请等它结束后重试：{path}"


class DuckDB(Dialect):
    name = "duckdb"

    def __init__(self, path: Path, read_only: bool = False):
        import duckdb

        self.path = path
        if not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建数据库所在的文件夹：{path.parent}（{exc.strerror}）") from None
        elif not path.exists():
            raise StoreError(f"数据库文件不存在：{path}（先用 juesuan ingest 入库）", code="store_missing")
        try:
            self.con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(_locked_message(path, text), code="store_locked") from None
            raise StoreError(f"无法打开数据库文件：{path}（{text}）") from None
        except duckdb.Error as exc:
            raise StoreError(f"无法打开数据库文件（不是 DuckDB 数据库或已损坏）：{path}（{exc}）") from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.con.execute(sql, list(params))
        try:
            return cur.fetchall()
        except Exception:  # noqa: BLE001 — a statement without a result
            return []

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description or []]
        return names, cur.fetchall() if names else []

    def bulk_insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        import numpy as np

        arrays = {}
        for col, values in zip(columns, zip(*rows)):
            kinds = set(map(type, values))
            if kinds <= {int}:
                arrays[col] = np.fromiter(values, dtype=np.int64, count=len(values))
                continue
            arr = np.empty(len(values), dtype=object)
            # text and NULL as they are; any other value as text the INSERT casts to the column's type
            arr[:] = values if kinds <= {str, type(None)} else [_text(v) for v in values]
            arrays[col] = arr
        name = f"_juesuan_load_{table}"
        self.con.register(name, arrays)
        try:
            cols = ", ".join(columns)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
        finally:
            self.con.unregister(name)

    def restrict(self) -> None:
        self.con.execute("SET enable_external_access = false")

    def close(self) -> None:
        self.con.close()


class Postgres(Dialect):
    name = "postgresql"
    indexes = (
        "CREATE INDEX IF NOT EXISTS cells_document ON cells (document)",
        "CREATE INDEX IF NOT EXISTS findings_document ON findings (document)",
        "CREATE INDEX IF NOT EXISTS finding_cells_document ON finding_cells (document)",
        "CREATE INDEX IF NOT EXISTS rule_statuses_document ON rule_statuses (document)",
        "CREATE INDEX IF NOT EXISTS documents_supersedes ON documents (supersedes)",
    )

    def __init__(self, url: str, read_only: bool = False):
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "使用 PostgreSQL 需要安装 psycopg：pip install 'juesuan[postgres]'", code="store_unavailable"
            ) from None
        self.url = url
        try:
            self.con = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"无法连接 PostgreSQL 数据库（{str(exc).strip()}）") from None
        self.read_only = read_only

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), list(params) or None)
            return cur.fetchall() if cur.description else []

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self.con.cursor() as cur:
            if self.read_only:
                cur.execute("BEGIN READ ONLY")
            try:
                cur.execute(sql)
                names = [d.name for d in cur.description or []]
                rows = cur.fetchall() if cur.description else []
            finally:
                if self.read_only:
                    cur.execute("ROLLBACK")
        return names, rows

    def bulk_insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with self.con.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)

    def close(self) -> None:
        self.con.close()


def open_dialect(url: str | Path | None, read_only: bool = False) -> Dialect:
    """The connection for ``url``: a postgresql:// URL, a DuckDB file path, or None for the default file."""
    if url is None:
        return DuckDB(default_path(), read_only)
    text = str(url)
    if is_postgres(text):
        return Postgres(text, read_only)
    return DuckDB(Path(text).expanduser(), read_only)


def rows_text(rows: Iterable[Sequence[Any]]) -> list[tuple[str | None, ...]]:
    """Rows with every value as text (for comparing results across databases)."""
    return [tuple(_text(v) for v in r) for r in rows]
