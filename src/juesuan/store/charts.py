"""Charts of a comparison and of the corpus statistics, PNG or SVG by the file's suffix, drawn by
matplotlib (the optional extra ``charts``) with a CJK font found on the system (Noto CJK, Source
Han, WenQuanYi …; Debian: fonts-noto-cjk)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..textnorm import UNIT_FACTORS
from .dialect import StoreError

if TYPE_CHECKING:
    from .analysis import Comparison, Stats

FORMATS = (".png", ".svg")
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
TOP = 15  # bars per chart
WAN = UNIT_FACTORS["万元"]


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise StoreError("画图需要安装 matplotlib：pip install 'juesuan[charts]'", code="charts_unavailable") from None
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    names = {f.name for f in font_manager.fontManager.ttflist}
    family = next((f for f in CJK_FAMILIES if f in names), None)
    if family is None:
        family = next((n for n in sorted(names) if "CJK" in n and n.endswith("SC")), None)
    if family is None:
        raise StoreError(
            "未找到中文字体，无法画图：请安装中文字体（如 Debian 软件包 fonts-noto-cjk）", code="charts_unavailable"
        )
    plt.rcParams["font.family"] = family
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "none"  # SVG text stays text (searchable, small)
    return plt


def _check(out: Path) -> None:
    if out.suffix.lower() not in FORMATS:
        raise StoreError(f"图表文件应以 .png 或 .svg 结尾：{out}", code="usage")


def _save(plt: Any, fig: Any, out: Path) -> Path:
    try:
        fig.savefig(out, dpi=120, bbox_inches="tight")
    except OSError as exc:
        raise StoreError(f"无法写出图表：{out}（{exc.strerror}）", code="output_unwritable") from None
    finally:
        plt.close(fig)
    return out


def compare_chart(cmp: Comparison, out: Path) -> Path:
    """The largest changes (by amount) of a comparison as horizontal bars."""
    _check(out)
    plt = _pyplot()
    changes = [c for c in cmp.changes if c.difference is not None]
    changes.sort(key=lambda c: abs(c.difference or Decimal(0)), reverse=True)
    changes = changes[:TOP][::-1]
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.42 * max(1, len(changes))))
    if changes:
        labels = [f"{c.table_name[:10]}｜{c.row[:16]}｜{c.column[:10]}" for c in changes]
        values = [float(c.difference or 0) for c in changes]  # drawing only: the amounts stay Decimal
        colors = ["#c0392b" if v > 0 else "#2e86c1" for v in values]
        ax.barh(range(len(values)), values, color=colors)
        ax.set_yticks(range(len(values)), labels, fontsize=8)
        ax.axvline(0, color="#555", linewidth=0.8)
        unit = next((c.unit for c in changes if c.unit), "")
        ax.set_xlabel(f"变动额（{unit}）" if unit else "变动额")
    else:
        ax.text(0.5, 0.5, "表格金额没有变动", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    a, b = cmp.a, cmp.b
    ax.set_title(f"{a['file_name']} → {b['file_name']}：金额变动最大的 {len(changes)} 处", fontsize=10)
    return _save(plt, fig, out)


def stats_chart(stats: Stats, out: Path) -> Path:
    """Findings by rule (errors and warnings) and the 三公 final amounts by department."""
    _check(out)
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 6))
    counts: dict[str, dict[str, int]] = {}
    for rule, severity, n, _docs in stats.findings_by_rule:
        counts.setdefault(rule, {}).setdefault(severity, 0)
        counts[rule][severity] += n
    rules = sorted(counts, key=lambda r: sum(counts[r].values()), reverse=True)[:TOP][::-1]
    if rules:
        errors = [counts[r].get("error", 0) for r in rules]
        warnings = [counts[r].get("warning", 0) for r in rules]
        left.barh(range(len(rules)), errors, color="#c0392b", label="错误")
        left.barh(range(len(rules)), warnings, left=errors, color="#f39c12", label="警告")
        left.set_yticks(range(len(rules)), rules, fontsize=8)
        left.legend(fontsize=8)
        left.set_xlabel("条数")
    else:
        left.text(0.5, 0.5, "没有问题", ha="center", va="center", transform=left.transAxes)
        left.set_axis_off()
    left.set_title(f"问题最多的规则（现行版本 {stats.current} 份）", fontsize=10)
    # in 万元 whatever each table's unit (a table without a known unit is left out)
    amounts = [
        (f"{(r[0] or '部门未知')[:14]} {r[1] or ''}", r[3] * UNIT_FACTORS[r[2]] / WAN)
        for r in stats.three_public
        if r[3] is not None and r[2] in UNIT_FACTORS
    ]
    amounts = sorted(amounts, key=lambda x: x[1], reverse=True)[:TOP][::-1]
    if amounts:
        right.barh(range(len(amounts)), [float(v) for _n, v in amounts], color="#27ae60")
        right.set_yticks(range(len(amounts)), [n for n, _v in amounts], fontsize=8)
        right.set_xlabel("“三公”经费决算数（万元）")
    else:
        right.text(0.5, 0.5, "没有“三公”经费表", ha="center", va="center", transform=right.transAxes)
        right.set_axis_off()
    right.set_title(f"“三公”经费最多的 {len(amounts)} 个部门（年度）", fontsize=10)
    fig.tight_layout()
    return _save(plt, fig, out)
