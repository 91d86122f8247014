"""The corpus store: checked disclosures in a database (DuckDB file by default, PostgreSQL for
teams), for comparisons, corpus statistics, queries and exports (docs/store.md).

>>> from juesuan import store
>>> with store.open_store("corpus.duckdb") as s:
...     results = s.ingest(["a.pdf", "b.xlsx"])
...     print(s.stats())

Each document is stored in one transaction: a failure leaves nothing of it behind. The same file
(same content, sha256) twice is one document; a new file for the same department, year, kind and
scope supersedes the current one, which is kept (``documents.supersedes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import InputError, JuesuanError
from ..results import Report
from .dialect import Dialect, StoreError, default_path, is_postgres, open_dialect
from .rows import DocumentRows, claim_rows, document_rows, sha256_of
from .schema import COLUMNS, MIGRATIONS, TABLES, VIEWS

__all__ = [
    "IngestResult",
    "Store",
    "StoreError",
    "default_path",
    "document_rows",
    "is_postgres",
    "open_store",
    "VIEWS",
]


@dataclass
class IngestResult:
    """One file's outcome: ``added`` (with its id and the id it supersedes), ``exists`` (the same
    content is already stored: nothing done), or ``failed`` (``error`` says why)."""

    file: str
    status: str
    document: int | None = None
    supersedes: int | None = None
    error: JuesuanError | None = None
    errors: int = 0


class Store:
    def __init__(self, url: str | Path | None = None, read_only: bool = False):
        self.db: Dialect = open_dialect(url, read_only)
        self.url = str(url) if url is not None else str(default_path())
        if not read_only:
            self.migrate()
        else:
            version = self.version()
            if version == 0:
                raise StoreError(
                    f"数据库中还没有入库的文件：{self.url}（先用 juesuan ingest 入库）", code="store_missing"
                )
            if version < len(MIGRATIONS):
                raise StoreError(
                    f"数据库的结构版本为 {version}，低于当前的 {len(MIGRATIONS)}：{self.url}"
                    "（运行一次 juesuan ingest 即自动升级，已入库的内容保留）",
                    code="store_missing",
                )

    # ------------------------------------------------------------------ schema
    def version(self) -> int:
        try:
            rows = self.db.execute("SELECT MAX(version) FROM schema_version")
        except Exception:  # noqa: BLE001 — no schema_version table yet: version 0
            return 0
        return int(rows[0][0] or 0)

    def migrate(self) -> None:
        """Apply the migrations not applied yet, each in one transaction."""
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
        current = self.version()
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            self.db.begin()
            try:
                for sql in statements:
                    self.db.execute(sql)
                self.db.execute("INSERT INTO schema_version VALUES (?, CURRENT_TIMESTAMP)", [number])
                self.db.commit()
            except BaseException:
                self.db.rollback()
                raise
        for sql in self.db.indexes:
            self.db.execute(sql)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ ingest
    def find_sha(self, sha256: str) -> int | None:
        rows = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256])
        return int(rows[0][0]) if rows else None

    def _known(self, docs: Sequence[DocumentRows]) -> tuple[dict[str, int], dict[tuple[Any, ...], int]]:
        """The stored ids of the batch's content hashes, and the current version of each department,
        year, kind and scope of the batch (a few queries, whatever the batch's size)."""
        shas = sorted({d.sha256 for d in docs})
        known: dict[str, int] = {}
        for i in range(0, len(shas), 500):
            part = shas[i : i + 500]
            marks = ", ".join("?" * len(part))
            rows = self.db.execute(f"SELECT sha256, id FROM documents WHERE sha256 IN ({marks})", part)
            known.update((str(sha), int(doc_id)) for sha, doc_id in rows)
        deps = sorted({d.meta["department"] for d in docs if d.meta.get("department")})
        current: dict[tuple[Any, ...], int] = {}
        for i in range(0, len(deps), 500):
            part = deps[i : i + 500]
            marks = ", ".join("?" * len(part))
            rows = self.db.execute(
                "SELECT d.department, d.year, d.kind, d.scope, MAX(d.id) FROM documents d"
                f" WHERE d.department IN ({marks})"
                " AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = d.id)"
                " GROUP BY d.department, d.year, d.kind, d.scope",
                part,
            )
            for dep, year, kind, scope, doc_id in rows:
                current[(dep, year, kind, scope)] = int(doc_id)
        return known, current

    @staticmethod
    def _version_key(meta: dict[str, Any]) -> tuple[Any, ...] | None:
        if not meta.get("department") or not meta.get("year"):
            return None
        return (meta["department"], meta["year"], meta["kind"], meta["scope"])

    def _write(self, docs: Sequence[DocumentRows]) -> list[IngestResult]:
        """Store ``docs`` inside the open transaction (rows of all of them in one load per table)."""
        if self.db.name == "postgresql":
            self.db.execute("LOCK TABLE documents IN SHARE ROW EXCLUSIVE MODE")
        next_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) FROM documents")[0][0]) + 1
        known, current = self._known(docs)
        results: list[IngestResult] = []
        batch: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
        for d in docs:
            existing = known.get(d.sha256)
            if existing is not None:
                results.append(IngestResult(d.file_name, "exists", existing))
                continue
            doc_id = next_id
            next_id += 1
            key = self._version_key(d.meta)
            supersedes = current.get(key) if key else None
            if key:
                current[key] = doc_id  # a later document of the batch supersedes this one
            known[d.sha256] = doc_id
            meta = dict(d.meta, id=doc_id, sha256=d.sha256, file_name=d.file_name, supersedes=supersedes)
            batch["documents"].append(tuple(meta[c] for c in COLUMNS["documents"]))
            for table, rows in d.tables.items():
                batch[table].extend((doc_id, *r) for r in rows)
            results.append(IngestResult(d.file_name, "added", doc_id, supersedes, errors=int(d.meta["errors"])))
        for table in TABLES:
            self.db.bulk_insert(table, COLUMNS[table], batch[table])
        return results

    def add(self, docs: Sequence[DocumentRows]) -> list[IngestResult]:
        """Store checked documents: all in one transaction; when that fails, each in its own, so a
        document that cannot be stored leaves nothing behind and does not hold back the others."""
        if not docs:
            return []
        try:
            return self._transaction(docs)
        except Exception:  # noqa: BLE001 — retried one by one below, which says which failed
            if len(docs) == 1:
                raise
        results = []
        for d in docs:
            try:
                results.extend(self._transaction([d]))
            except Exception as exc:  # noqa: BLE001
                results.append(IngestResult(d.file_name, "failed", error=_store_failure(d.file_name, exc)))
        return results

    def _transaction(self, docs: Sequence[DocumentRows]) -> list[IngestResult]:
        self.db.begin()
        try:
            results = self._write(docs)
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise
        return results

    def add_report(
        self, report: Report, sha256: str, file_name: str, claims: list[tuple[Any, ...]] | None = None
    ) -> IngestResult:
        """Store one checked document (``report``) under its content hash."""
        return self.add([document_rows(report, sha256, file_name, claims)])[0]

    def ingest(
        self,
        paths: Iterable[str | Path],
        progress: Callable[[str], None] | None = None,
        published_on: date | None = None,
    ) -> list[IngestResult]:
        """Read, check and store each file (a file already stored is not read again);
        ``published_on``: the date the files were published (publication tracking)."""
        from .. import api

        out = []
        for p in paths:
            path = Path(p)
            name = path.name
            try:
                if not path.is_file():
                    raise InputError(f"文件不存在或不是文件：{path}", code="file_not_found")
                sha = sha256_of(path)
                existing = self.find_sha(sha)
                if existing is not None:
                    out.append(IngestResult(name, "exists", existing))
                    continue
                if progress:
                    progress(name)
                report = api.check(path)
                rows = document_rows(report, sha, name, claim_rows(report.document), published_on)
            except JuesuanError as err:
                out.append(IngestResult(name, "failed", error=err))
                continue
            except OSError as exc:
                out.append(IngestResult(name, "failed", error=InputError(f"无法读取文件：{path}（{exc.strerror}）")))
                continue
            try:
                out.extend(self.add([rows]))
            except Exception as exc:  # noqa: BLE001 — the transaction was rolled back: nothing stored
                out.append(IngestResult(name, "failed", error=_store_failure(name, exc)))
        return out

    # ------------------------------------------------------------------ batch (juesuan.batch)
    def known_hashes(self) -> set[str]:
        """The content hashes of every stored document."""
        return {str(r[0]) for r in self.db.execute("SELECT sha256 FROM documents")}

    def failed_hashes(self) -> set[str]:
        """The content hashes of the files a batch could not process (``batch_failures``)."""
        return {str(r[0]) for r in self.db.execute("SELECT sha256 FROM batch_failures WHERE sha256 IS NOT NULL")}

    def record_failures(self, failures: Sequence[tuple[str, str, str, str | None]]) -> None:
        """Record files a batch could not process: (sha256 or "", path, reason, message); a file
        recorded before keeps only its latest failure."""
        from .. import __version__

        if not failures:
            return
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        rows = [
            (sha or None, path, Path(path).name, reason, msg, now, __version__) for sha, path, reason, msg in failures
        ]
        self.db.begin()
        try:
            self._forget_failures([r[0] for r in rows if r[0]])
            self.db.bulk_insert(
                "batch_failures",
                ("sha256", "path", "file_name", "reason", "message", "failed_at", "juesuan_version"),
                rows,
            )
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    def clear_failures(self, hashes: Sequence[str]) -> None:
        """Forget the failures of files now stored (a retried file that succeeded)."""
        if hashes:
            self.db.begin()
            try:
                self._forget_failures(hashes)
                self.db.commit()
            except BaseException:
                self.db.rollback()
                raise

    def _forget_failures(self, hashes: Sequence[str]) -> None:
        for i in range(0, len(hashes), 500):
            part = list(hashes[i : i + 500])
            self.db.execute(f"DELETE FROM batch_failures WHERE sha256 IN ({', '.join('?' * len(part))})", part)

    # ------------------------------------------------------------------ lookup, analysis, export
    def resolve(self, ref: str | int) -> int:
        """A stored document by id or by file name (the latest of that name)."""
        text = str(ref).strip()
        if text.isdigit():
            rows = self.db.execute("SELECT id FROM documents WHERE id = ?", [int(text)])
            if rows:
                return int(rows[0][0])
        rows = self.db.execute("SELECT MAX(id) FROM documents WHERE file_name = ?", [Path(text).name])
        if rows and rows[0][0] is not None:
            return int(rows[0][0])
        raise StoreError(f"库中没有这份文件：{ref}（可用编号或文件名指定）", code="document_not_found")

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        try:
            return self.db.query(sql)
        except JuesuanError:
            raise
        except Exception as exc:  # noqa: BLE001 — the database's own message says what is wrong
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(
                "查询无法执行（SQL 有误，或试图修改只读的数据库）", code="query_failed", database=detail
            ) from None

    def compare(self, a: str | int, b: str | int) -> Any:
        from .analysis import compare

        return compare(self, self.resolve(a), self.resolve(b))

    def stats(self) -> Any:
        from .analysis import stats

        return stats(self)

    def scorecard(self, document: str | int | None = None) -> Any:
        """Transparency scores (:mod:`.scorecard`) of the current documents, or of one document."""
        from .scorecard import scorecard

        return scorecard(self, self.resolve(document) if document is not None else None)

    def import_expected(self, path: Path) -> int:
        """Import an expected-publisher CSV (:mod:`.publication`); the number of rows."""
        from .publication import import_expected

        return import_expected(self, path)

    def publication(self, year: int | None = None) -> Any:
        """Each expected publisher with its status: missing, late, on time, date unknown."""
        from .publication import publication

        return publication(self, year)

    def export(self, view: str, fmt: str, out: Path) -> int:
        from .export import export

        return export(self, view, fmt, out)

    def datapackage(self, out: Path) -> Path:
        from .export import datapackage

        return datapackage(self, out)


def _store_failure(name: str, exc: BaseException) -> JuesuanError:
    if isinstance(exc, JuesuanError):
        return exc
    return StoreError(f"入库失败，已撤销这份文件的全部写入：{name}（{exc}）", code="store_failed")


def open_store(url: str | Path | None = None, read_only: bool = False) -> Store:
    """The store at ``url`` (a DuckDB file or postgresql:// URL; default: :func:`default_path`),
    migrated to the current schema unless ``read_only``."""
    return Store(url, read_only)
