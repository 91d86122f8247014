"""The PDF reader's page geometry under public names, for tests and tools that build or inspect
page items directly (synthetic lines, border-less alignment, continuation grids).

The reader's modules keep their own (private) names; this module is the supported way to reach
them from outside ``juesuan.readers``, so the reader may reorganize its modules freely. Every
threshold these functions use is a field of :class:`~juesuan.readers.settings.ReaderSettings`.

* :class:`Item` — one line of a page before it becomes a ``RawLine`` (cells with boxes);
  :class:`Page` — a page's items and size; :data:`Box` — ``(x0, top, x1, bottom)`` in PDF points,
  origin top-left.
* :func:`group_lines`, :func:`split_cells`, :func:`line_text`, :func:`cell_text`,
  :func:`free_items`, :func:`is_amount` — characters → lines → cells.
* :func:`align_borderless` — put a border-less (three-line) table's lines on common columns.
* :func:`map_continuations`, :func:`drop_furniture` — across pages.
"""

from __future__ import annotations

from .borderless import _align_borderless as align_borderless
from .geometry import Box
from .geometry import _cell_text as cell_text
from .geometry import _free_items as free_items
from .geometry import _group_lines as group_lines
from .geometry import _is_amount as is_amount
from .geometry import _Item as Item
from .geometry import _line_text as line_text
from .geometry import _Page as Page
from .geometry import _split_cells as split_cells
from .pdf import _drop_furniture as drop_furniture
from .pdf import _map_continuations as map_continuations

__all__ = [
    "Box",
    "Item",
    "Page",
    "align_borderless",
    "cell_text",
    "drop_furniture",
    "free_items",
    "group_lines",
    "is_amount",
    "line_text",
    "map_continuations",
    "split_cells",
]
