"""The store commands of the command line (docs/store.md): ``juesuan ingest``, ``compare``,
``stats``, ``query`` and ``export``. :func:`register` adds them to the typer app of :mod:`.cli`.

Exit status: 0 done; 2 a file could not be stored, the database cannot be opened (locked by another
process, unreachable) or a query fails; 64 usage error."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from .clirun import _as_error, _emit_error, check_output, expand, progress, write_stdout
from .errors import EXIT_OK, EXIT_UNUSABLE, JuesuanError, UsageError

_DB_HELP = (
    "数据库：DuckDB 文件路径，或 postgresql://… 连接串；默认为环境变量 JUESUAN_DB，"
    "否则 ~/.local/share/juesuan/juesuan.duckdb"
)


class OutFormat(str, Enum):
    text = "text"
    json = "json"


class QueryFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    fdp = "fdp"


def _run(fn: Callable[[], Any], as_json: bool = False) -> Any:
    try:
        return _as_error(fn)
    except JuesuanError as err:
        code = _emit_error(err, None, as_json)
        if err.details.get("database"):  # the database's own words (English): what is wrong in the SQL
            typer.echo(f"数据库的说明：{err.details['database']}", err=True)
        raise typer.Exit(code) from None


def _json(data: Any) -> None:
    write_stdout(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _analysis(
    db: Optional[str],
    query: Callable[[Any], Any],
    chart: Optional[Path],
    draw: Callable[[Any, Path], Any],
    as_json: bool,
) -> None:
    """The work of `compare` and `stats`: ``query`` on the store opened read-only, the chart drawn
    with ``draw`` when one is asked for (its path checked first), the result as JSON or text."""
    from . import store

    if chart is not None:
        check_output(chart, [])
    with store.open_store(db, read_only=True) as s:
        result = query(s)
    if chart is not None:
        draw(result, chart)
    if as_json:
        _json(result.to_dict())
    else:
        typer.echo(result.text())


def _cell(v: Any) -> str:
    from .store.dialect import _text

    t = _text(v)
    return "" if t is None else t


def register(app: typer.Typer) -> None:
    @app.command(options_metavar="[选项]")
    def ingest(
        paths: list[Path] = typer.Argument(
            ..., metavar="文件...", show_default=False, help="要入库的公开文件：一个或多个；文件夹表示其中的全部文件"
        ),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
        published: Optional[str] = typer.Option(
            None, "--published", metavar="日期", help="这些文件的公开日期（YYYY-MM-DD），用于判断是否逾期公开"
        ),
    ) -> None:
        """审核并入库：读取、审核每份文件，把表格金额、文字说明、审核发现和规则状态存入数据库。

        同一文件（内容相同）再次入库不做任何改动；同一部门同一年度的新文件作为新版本入库，旧版本保留。
        每份文件在一个事务中写入：失败时这份文件不留下任何记录。
        退出码：0 全部入库（或已在库中）；2 有文件未能入库，或数据库无法打开（如被另一进程占用）。"""
        from . import store

        as_json = format == OutFormat.json

        def run() -> int:
            published_on = _parse_date(published)
            files = expand(paths)
            with store.open_store(db) as s, progress() as prog:
                results = s.ingest(files, progress=lambda name: prog(f"审核并入库 {name}"), published_on=published_on)
            code = EXIT_OK
            for r in results:
                if r.status == "failed":
                    code = EXIT_UNUSABLE
                    msg = str(r.error) if r.error else "未知原因"
                    if not as_json:
                        typer.echo(f"未入库：{r.file}：{msg}", err=True)
                elif not as_json:
                    if r.status == "exists":
                        typer.echo(f"已在库中，未改动：{r.file}（编号 {r.document}）")
                    else:
                        newer = f"，是编号 {r.supersedes} 的新版本" if r.supersedes else ""
                        typer.echo(f"已入库：{r.file}（编号 {r.document}，错误 {r.errors} 条{newer}）")
            if as_json:
                _json(
                    {
                        "schema": "juesuan.ingest/1",
                        "results": [
                            {
                                "file": r.file,
                                "status": r.status,
                                "document": r.document,
                                "supersedes": r.supersedes,
                                "errors": r.errors,
                                "error": {"code": r.error.code, "message": str(r.error)} if r.error else None,
                            }
                            for r in results
                        ],
                    }
                )
            else:
                added = sum(r.status == "added" for r in results)
                kept = sum(r.status == "exists" for r in results)
                failed = sum(r.status == "failed" for r in results)
                typer.echo(f"入库 {added} 份，已在库中 {kept} 份，未能入库 {failed} 份。")
            return code

        raise typer.Exit(_run(run, as_json))

    @app.command(options_metavar="[选项]")
    def compare(
        a: str = typer.Argument(..., metavar="甲", show_default=False, help="库中的文件：编号或文件名"),
        b: str = typer.Argument(..., metavar="乙", show_default=False, help="库中的文件：编号或文件名"),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
        chart: Optional[Path] = typer.Option(
            None, "--chart", metavar="图.png|图.svg", help="另存一张图：金额变动最大的各行（需安装 matplotlib）"
        ),
    ) -> None:
        """逐行比较库中的两份文件：金额变动（差额和百分比）、新增和删去的行。

        两份是同一部门同一年度的两个版本时，还列出已改正、仍存在和新出现的问题。"""
        as_json = format == OutFormat.json

        def run() -> None:
            from .store.charts import compare_chart

            _analysis(db, lambda s: s.compare(a, b), chart, compare_chart, as_json)

        _run(run, as_json)

    @app.command(options_metavar="[选项]")
    def stats(
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
        chart: Optional[Path] = typer.Option(
            None,
            "--chart",
            metavar="图.png|图.svg",
            help="另存一张图：问题最多的规则、各部门“三公”经费（需安装 matplotlib）",
        ),
    ) -> None:
        """全库统计（现行版本）：按规则和级别的问题数、表格齐全情况、各部门“三公”经费和机关运行经费。"""
        as_json = format == OutFormat.json

        def run() -> None:
            from .store.charts import stats_chart

            _analysis(db, lambda s: s.stats(), chart, stats_chart, as_json)

        _run(run, as_json)

    @app.command(options_metavar="[选项]")
    def scorecard(
        document: Optional[str] = typer.Argument(
            None, metavar="[文件]", show_default=False, help="只评一份入库文件（编号或文件名），默认全部现行版本"
        ),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
    ) -> None:
        """透明度评分：完整性（表格、章节）、一致性（按严重程度加权的勾稽规则）、文字说明质量，0–100 分。"""
        from . import store
        from .store import scorecard as sc

        as_json = format == OutFormat.json

        def run() -> None:
            with store.open_store(db, read_only=True) as s:
                scores = s.scorecard(document)
            if as_json:
                _json({"schema": "juesuan.scorecard/1", "documents": [x.to_dict() for x in scores]})
            else:
                typer.echo(sc.text(scores))

        _run(run, as_json)

    @app.command(options_metavar="[选项]")
    def publication(
        import_: Optional[Path] = typer.Option(
            None,
            "--import",
            metavar="名单.csv",
            help="先导入应公开名单（CSV：department/部门、year/年度，可选 kind、scope、due_date/截止日期、"
            "approved_on/批复日期、region/地区）",
        ),
        year: Optional[int] = typer.Option(None, "--year", metavar="年度", help="只看这一年度"),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
    ) -> None:
        """公开情况跟踪：按地区列出应公开名单中未公开、逾期公开的部门，以及已公开文件缺少的表格或部分。

        截止日期未给出时按批复日期后 20 日计；逾期与否依据入库时 --published 给出的公开日期。"""
        from . import store
        from .store import publication as pub

        as_json = format == OutFormat.json

        def run() -> None:
            with store.open_store(db, read_only=import_ is None) as s:
                if import_ is not None:
                    n = s.import_expected(import_)
                    if not as_json:
                        typer.echo(f"已导入应公开名单 {n} 行：{import_}")
                items = s.publication(year)
            if as_json:
                _json({"schema": "juesuan.publication/1", "expected": [e.to_dict() for e in items]})
            else:
                typer.echo(pub.text(items))

        _run(run, as_json)

    @app.command(options_metavar="[选项]")
    def query(
        sql: str = typer.Argument(
            ..., metavar="SQL", show_default=False, help="只读的 SQL 查询（视图见 docs/store.md）"
        ),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        format: QueryFormat = typer.Option(QueryFormat.text, "--format", "-f", help="输出格式：text、csv 或 json"),
    ) -> None:
        """对数据库执行只读 SQL 查询（视图 v_documents、v_cells、v_findings 等，见 docs/store.md）。"""
        from . import store

        as_json = format == QueryFormat.json

        def run() -> None:
            with store.open_store(db, read_only=True) as s:
                s.db.restrict()  # the statement reads the store, nothing else (no file access)
                names, rows = s.query(sql)
            from .store.export import _csv_cell

            if format == QueryFormat.json:
                _json([dict(zip(names, (_cell(v) if v is not None else None for v in r))) for r in rows])
            elif format == QueryFormat.csv:
                w = csv.writer(sys.stdout)
                w.writerow(names)
                w.writerows([_csv_cell(v) for v in r] for r in rows)
            else:
                _table(names, rows)

        _run(run, as_json)

    @app.command("export", options_metavar="[选项]")
    def export_(
        view: Optional[str] = typer.Argument(
            None, metavar="[视图]", show_default=False, help="要导出的视图或表（如 v_cells）；--format fdp 时不需要"
        ),
        output: Path = typer.Option(
            ..., "--output", "-o", show_default=False, help="输出文件（fdp：输出文件夹，写入 datapackage.json 和 CSV）"
        ),
        format: ExportFormat = typer.Option(
            ExportFormat.csv, "--format", "-f", help="csv、parquet，或 fdp（财政数据包 Fiscal Data Package）"
        ),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
    ) -> None:
        """导出视图为 CSV 或 Parquet，或把现行版本的全部金额导出为财政数据包（datapackage.json + CSV）。"""
        from . import store

        def run() -> None:
            if format == ExportFormat.fdp:
                if output.exists() and not output.is_dir():
                    from .errors import OutputError

                    raise OutputError(f"财政数据包的输出应是文件夹：{output}")
                with store.open_store(db, read_only=True) as s:
                    path = s.datapackage(output)
                typer.echo(f"已写出财政数据包：{path}")
                return
            if view is None:
                raise UsageError("请给出要导出的视图或表（如 v_cells；可导出的视图见 docs/store.md）")
            check_output(output, [])
            with store.open_store(db, read_only=True) as s:
                n = s.export(view, format.value, output)
            typer.echo(f"已导出 {view}：{n} 行 → {output}")

        _run(run)


def _parse_date(text: Optional[str]) -> Optional[date]:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"日期“{text}”无效：应为 YYYY-MM-DD") from None


def _table(names: list[str], rows: list[tuple[Any, ...]]) -> None:
    from .clitext import cells as display_width

    texts = [[_cell(v) for v in r] for r in rows]
    widths = [max([display_width(n)] + [display_width(r[i]) for r in texts]) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(names), "  ".join("-" * w for w in widths)] + [line(r) for r in texts]
    out.append(f"（{len(rows)} 行）")
    typer.echo("\n".join(out))
