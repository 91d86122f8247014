"""The example fill-in workbooks in ``examples/workbooks/``: a fictional department of our own per variant
(the figures of :func:`.spec.example_spec`, the department renamed; the Shanghai one those
of :func:`.spec.funded_example_spec`: every income source, 政府性基金 and 国有资本经营预算
appropriations, carry-overs), one reason left empty on purpose so the built 情况说明 shows a
【请填写：…】 marker.

``python -m juesuan.generate.examples OUTDIR`` writes ``填报-national.xlsx``, ``填报-shanghai.xlsx``
and ``填报-yunnan.xlsx``.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from .spec import DisclosureSpec, example_spec, funded_example_spec
from .workbook import VARIANTS, write_template

DEPARTMENTS = {
    "national": "示例数据服务中心",
    "shanghai": "上海市示例数据服务中心",
    "yunnan": "云南省示例数据服务中心",
}

FUNDED = ("shanghai",)  # the examples with every income source and carry-overs


def example(variant: str) -> DisclosureSpec:
    """The example department of ``variant``; its 决算与预算差异 reason is left to fill in."""
    spec = funded_example_spec() if variant in FUNDED else example_spec()
    assert spec.narrative is not None
    return replace(spec, department=DEPARTMENTS[variant], narrative=replace(spec.narrative, reason_budget=""))


def file_name(variant: str) -> str:
    return f"填报-{variant}.xlsx"


def write_examples(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    return [write_template(outdir / file_name(v), v, example(v).year, spec=example(v)) for v in VARIANTS]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("用法：python -m juesuan.generate.examples 输出目录", file=sys.stderr)
        return 64
    for path in write_examples(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
