"""The example budget fill-in workbook in ``examples/workbooks/``: a fictional department of our own
(figures written by us), one reason left empty on purpose so the built 编制说明 shows a
【请填写：…】 marker; four projects with their 项目支出绩效目标表.

``python -m juesuan.generate.budget_examples OUTDIR`` writes ``预算填报-budget_shanghai.xlsx``.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from .budget import (
    BudgetEconomicLine,
    BudgetItem,
    BudgetNotes,
    BudgetSpec,
    PriorBudget,
    TargetProject,
    ThreePublicBudget,
)
from .budget_workbook import write_budget_template

D = Decimal
DEPARTMENTS = {"budget_shanghai": "上海市示例区数据管理局", "budget_national": "示例区数据管理局"}


def example_budget(variant: str = "budget_shanghai", year: int = 2025) -> BudgetSpec:
    """A 部门预算 with every 财政拨款 source, 事业收入 and 其他收入, whole 元 as Shanghai prints;
    the reason for the "三公" change is left to fill in."""
    items = (
        BudgetItem("2010301", general_basic=D(3_214_600), purpose="机关基本运行"),
        BudgetItem("2010302", general_project=D(1_280_000), purpose="数据资源目录编制和共享交换"),
        BudgetItem("2010350", general_project=D(460_500), business=D(120_000), purpose="数据开放平台运行维护"),
        BudgetItem("2080505", general_basic=D(402_300)),
        BudgetItem("2080506", general_basic=D(201_150)),
        BudgetItem("2101101", general_basic=D(188_420)),
        BudgetItem("2120899", fund_project=D(350_000), purpose="城市数字化转型试点"),
        BudgetItem("2239999", capital_project=D(90_000), purpose="国有企业数据治理补助"),
        BudgetItem("2210201", general_basic=D(276_530), other=D(40_000), own_basic=D(40_000)),
    )
    economic = (
        BudgetEconomicLine("30101", personnel=D(1_725_000)),
        BudgetEconomicLine("30102", personnel=D(612_400)),
        BudgetEconomicLine("30103", personnel=D(210_000)),
        BudgetEconomicLine("30108", personnel=D(402_300)),
        BudgetEconomicLine("30109", personnel=D(201_150)),
        BudgetEconomicLine("30110", personnel=D(188_420)),
        BudgetEconomicLine("30113", personnel=D(276_530)),
        BudgetEconomicLine("30201", public=D(320_000)),
        BudgetEconomicLine("30205", public=D(48_000)),
        BudgetEconomicLine("30207", public=D(36_000)),
        BudgetEconomicLine("30217", public=D(12_000)),
        BudgetEconomicLine("30231", public=D(60_000)),
        BudgetEconomicLine("30299", public=D(125_200)),
        BudgetEconomicLine("30302", personnel=D(66_000)),
    )
    return BudgetSpec(
        department=DEPARTMENTS[variant],
        year=year,
        items=items,
        economic=economic,
        three_public=ThreePublicBudget(
            abroad=D("3.00"),
            reception=D("1.20"),
            car_purchase=D("0"),
            car_operation=D("6.00"),
            operation_cost=D("60.12"),
        ),
        prior=PriorBudget(
            income_total=D(6_250_000),
            fiscal=D(6_100_000),
            general=D(5_800_000),
            fund=D(300_000),
            capital=D(0),
            three_public=ThreePublicBudget(
                abroad=D("3.00"), reception=D("1.50"), car_purchase=D("18.00"), car_operation=D("6.00")
            ),
        ),
        notes=BudgetNotes(
            duties="负责本区公共数据资源的统筹管理、共享开放和数据安全监督。",
            organisation="本部门内设办公室、数据资源科、数据应用科3个处室，无下属预算单位。",
            reason_fiscal="新增城市数字化转型试点项目",
            reason_three_public="",
            reason_operation_cost="为1家行政单位",
            procurement=(D(260_000), D(0), D(980_000)),
        ),
        targets=(
            TargetProject(
                "数据资源目录编制和共享交换",
                "2010302",
                D(1_280_000),
                "完成全区公共数据资源目录编制，支撑跨部门数据共享",
                (
                    ("产出指标", "数量指标", "编目数据资源数", "≥1200项"),
                    ("产出指标", "时效指标", "共享申请办结时限", "≤5个工作日"),
                    ("满意度指标", "服务对象满意度指标", "使用部门满意度", "≥90%"),
                ),
            ),
            TargetProject(
                "数据开放平台运行维护",
                "2010350",
                D(460_500),
                "保障数据开放平台全年稳定运行",
                (("产出指标", "质量指标", "平台可用率", "≥99.5%"),),
            ),
            TargetProject(
                "城市数字化转型试点",
                "2120899",
                D(350_000),
                "完成2个街镇数字化转型试点场景建设",
                (("产出指标", "数量指标", "试点场景数", "2个"),),
            ),
            TargetProject(
                "国有企业数据治理补助",
                "2239999",
                D(90_000),
                "支持区属国有企业开展数据治理",
                (("效益指标", "社会效益指标", "完成数据治理的企业数", "≥3家"),),
            ),
        ),
    )


def file_name(variant: str) -> str:
    return f"预算填报-{variant}.xlsx"


def write_budget_examples(outdir: Path, variants: Sequence[str] = ("budget_shanghai",)) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    out = []
    for v in variants:
        spec = example_budget(v)
        out.append(write_budget_template(outdir / file_name(v), v, spec.year, spec=spec))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("用法：python -m juesuan.generate.budget_examples 输出目录", file=sys.stderr)
        return 64
    for path in write_budget_examples(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
