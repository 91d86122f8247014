"""The OCR engine's ONNX models rewritten for a CPU core: the same functions in fewer passes.

RapidOCR's PP-OCRv4 detection and recognition models (PP-LCNetV3 backbones, exported from Paddle)
compute each activation in six element-wise passes over the feature map: a learnable scale and
bias after the convolution (``Mul``, ``Add``), hard-swish spelled out (``Add 3``, ``Clip 0..6``,
``Mul``, ``Div 6``), then another learnable scale and bias. ONNX Runtime fuses none of them (the
scale is the ``Mul``'s first input, where its convolution fusion does not look), and on one core
these passes were a third of the recognizer's time (its ``Conv`` nodes 56 %, ``Add``/``Mul``/
``Div``/``Clip`` 30 %, profiled on 48 × 320 lines).

:func:`rewrite` returns the model with, exactly up to float rounding:

* a scale and bias right after a convolution folded into the convolution's weights and bias
  (``a · (W ∗ x + B) + b = (a·W) ∗ x + (a·B + b)``);
* ``x · clip(x + 3, 0, 6) / 6`` as ``x · HardSigmoid(x)`` (``α`` = 1/6, ``β`` = 0.5), two passes;
* a scale and bias right before a 1 × 1 convolution without padding folded into it
  (``W ∗ (c·y + d) + B = (c·W) ∗ y + (B + d·ΣW)``; not before a padded convolution, whose zero
  padding the bias would change).

Only scalar scales and biases (one value for all channels, as these models have) are folded; a node
whose value feeds anything else is left alone, and so is any pattern that does not match in full,
so another model version is run as it is (unchanged or partly rewritten, never wrong). The
recognizer's and detector's outputs are the same as the original models' to about 1e-4 in
probability (tests/test_ocr_model.py compares them on rendered lines).
"""

from __future__ import annotations

import os
from hashlib import sha256
from typing import Any

# changes whenever :func:`rewrite` would give another model: part of the cache key
REWRITE_VERSION = "1"


def folded(path: str) -> bytes | None:
    """The rewritten model of ``path`` (:func:`rewrite`), from the user's cache directory
    (:func:`juesuan.dataload.cache_dir`, ``ocr-models/``, keyed by the model's content and
    :data:`REWRITE_VERSION`) or rewritten and cached; None when it cannot be made (``onnx`` is not
    installed and nothing is cached). Importing ``onnx`` costs more CPU than a page's recognition
    saves, so a process finds the model already rewritten by an earlier one."""
    from ..dataload import cache_dir

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    folder = cache_dir()
    file = None
    if folder is not None:
        digest = sha256(REWRITE_VERSION.encode() + b"\0" + raw).hexdigest()
        file = folder / "ocr-models" / f"{digest}.onnx"
        try:
            return file.read_bytes()
        except OSError:
            pass
    try:
        data = rewrite(path)
    except ImportError:
        return None
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_name(f".tmp-{os.getpid()}-{file.name}")
            tmp.write_bytes(data)
            os.replace(tmp, file)
        except OSError:  # read-only or full: the cache is an optimisation only
            pass
    return data


def rewrite(path: str) -> bytes:
    """The ONNX model at ``path`` with the element-wise passes folded (see the module docstring),
    serialized; the model unchanged (serialized) when nothing matches."""
    import onnx

    model = onnx.load(path)
    _Graph(model.graph).fold()
    return bytes(model.SerializeToString())


class _Graph:
    def __init__(self, graph: Any) -> None:
        from onnx import numpy_helper

        self.graph = graph
        self.nodes: list[Any] = list(graph.node)
        self.consts: dict[str, Any] = {}
        for n in self.nodes:
            if n.op_type == "Constant" and len(n.output) == 1 and n.attribute and n.attribute[0].name == "value":
                self.consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        for init in graph.initializer:
            self.consts[init.name] = numpy_helper.to_array(init)
        self._index()

    def _index(self) -> None:
        self.users: dict[str, list[Any]] = {}
        self.producer: dict[str, Any] = {}
        for n in self.nodes:
            for x in n.input:
                self.users.setdefault(x, []).append(n)
            for y in n.output:
                self.producer[y] = n
        outputs = {o.name for o in self.graph.output}
        for name in outputs:
            self.users.setdefault(name, []).append(None)  # a graph output has an outside user

    # -- helpers ---------------------------------------------------------------------------

    def _only_user(self, name: str) -> Any:
        users = self.users.get(name, [])
        return users[0] if len(users) == 1 else None

    def _scalar(self, name: str) -> float | None:
        v = self.consts.get(name)
        if v is None or v.size != 1:
            return None
        return float(v.reshape(()))

    def _affine(self, name: str, op: str) -> tuple[Any, float] | None:
        """The only user of ``name`` when it is ``op`` (Mul or Add) with a scalar constant."""
        node = self._only_user(name)
        if node is None or node.op_type != op or len(node.input) != 2 or name not in node.input:
            return None
        other = node.input[1] if node.input[0] == name else node.input[0]
        if other == name:
            return None
        value = self._scalar(other)
        return None if value is None else (node, value)

    def _weights(self, conv: Any) -> tuple[Any, Any] | None:
        """A Conv's weight and bias arrays (bias zeros when absent), when both are constants."""
        import numpy as np

        if conv.op_type != "Conv" or len(conv.input) < 2:
            return None
        names = list(conv.input[1:3])
        if any(n not in self.consts for n in names):
            return None
        w = self.consts[names[0]]
        b = self.consts[names[1]] if len(names) > 1 else np.zeros(w.shape[0], dtype=w.dtype)
        if w.dtype != np.float32 or b.shape != (w.shape[0],):
            return None
        return w, b

    def _set_weights(self, conv: Any, w: Any, b: Any) -> None:
        from onnx import helper, numpy_helper

        wname, bname = (
            conv.input[1] + "_folded",
            (conv.input[2] if len(conv.input) > 2 else conv.input[1]) + "_bias_folded",
        )
        for name, value in ((wname, w), (bname, b)):
            self.consts[name] = value
            self.nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name)))
        del conv.input[1:]
        conv.input.extend([wname, bname])

    def _attr(self, node: Any, name: str, default: Any) -> Any:
        from onnx import helper

        for a in node.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default

    def _rename_output(self, node: Any, new: str) -> None:
        del node.output[:]
        node.output.append(new)

    def _drop(self, dropped: set[int]) -> None:
        self.nodes = [n for n in self.nodes if id(n) not in dropped]
        self._index()

    # -- passes ----------------------------------------------------------------------------

    def fold(self) -> None:
        self._fold_after_conv()
        self._hard_swish()
        self._fold_before_pointwise()
        used = {x for n in self.nodes for x in n.input} | {o.name for o in self.graph.output}
        self.nodes = [n for n in self.nodes if n.op_type != "Constant" or n.output[0] in used]
        del self.graph.node[:]
        self.graph.node.extend(self.nodes)

    def _fold_after_conv(self) -> None:
        dropped: set[int] = set()
        for conv in list(self.nodes):
            wb = self._weights(conv) if conv.op_type == "Conv" else None
            if wb is None:
                continue
            w, b = wb
            mul = self._affine(conv.output[0], "Mul")
            if mul is None:
                continue
            node, a = mul
            w, b, last = w * a, b * a, node
            add = self._affine(node.output[0], "Add")
            if add is not None:
                b = b + add[1]
                last = add[0]
                dropped.add(id(add[0]))
            dropped.add(id(node))
            self._set_weights(conv, w.astype("float32"), b.astype("float32"))
            self._rename_output(conv, last.output[0])
        self._drop(dropped)

    def _hard_swish(self) -> None:
        from onnx import helper

        dropped: set[int] = set()
        added: list[Any] = []
        for clip in list(self.nodes):
            if clip.op_type != "Clip" or len(clip.input) != 3:
                continue
            if self._scalar(clip.input[1]) != 0.0 or self._scalar(clip.input[2]) != 6.0:
                continue
            add = self.producer.get(clip.input[0])
            if add is None or add.op_type != "Add" or self._only_user(add.output[0]) is not clip:
                continue
            x = next((i for i in add.input if self._scalar(i) != 3.0), None)
            if x is None or [self._scalar(i) for i in add.input].count(3.0) != 1:
                continue
            mul = self._only_user(clip.output[0])
            if mul is None or mul.op_type != "Mul" or sorted(mul.input) != sorted([x, clip.output[0]]):
                continue
            div = self._only_user(mul.output[0])
            if (
                div is None
                or div.op_type != "Div"
                or div.input[0] != mul.output[0]
                or self._scalar(div.input[1]) != 6.0
            ):
                continue
            gate = clip.output[0] + "_hardsigmoid"
            added.append(helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5))
            added.append(helper.make_node("Mul", [x, gate], [div.output[0]]))
            dropped |= {id(add), id(clip), id(mul), id(div)}
        self.nodes += added
        self._drop(dropped)
        self._sort()

    def _fold_before_pointwise(self) -> None:
        dropped: set[int] = set()
        for mul in list(self.nodes):
            if mul.op_type != "Mul" or len(mul.input) != 2:
                continue
            scalars = [self._scalar(i) for i in mul.input]
            if scalars.count(None) != 1:
                continue
            c = next(v for v in scalars if v is not None)
            y = mul.input[scalars.index(None)]
            add = self._affine(mul.output[0], "Add")
            d, last = (add[1], add[0]) if add is not None else (0.0, mul)
            conv = self._only_user(last.output[0])
            if conv is None or conv.op_type != "Conv" or conv.input[0] != last.output[0]:
                continue
            if list(self._attr(conv, "kernel_shape", [])) != [1, 1] or self._attr(conv, "group", 1) != 1:
                continue
            if any(self._attr(conv, "pads", [0, 0, 0, 0])):
                continue
            wb = self._weights(conv)
            if wb is None:
                continue
            w, b = wb
            self._set_weights(conv, (w * c).astype("float32"), (b + d * w.sum(axis=(1, 2, 3))).astype("float32"))
            conv.input[0] = y
            dropped.add(id(mul))
            if add is not None:
                dropped.add(id(add[0]))
        self._drop(dropped)

    def _sort(self) -> None:
        """The nodes in an order where each comes after the producers of its inputs (ONNX wants
        a topologically sorted graph; the replacements were appended at the end)."""
        known = {i.name for i in self.graph.input} | {i.name for i in self.graph.initializer} | {""}
        pending = list(self.nodes)
        ordered: list[Any] = []
        while pending:
            rest = []
            for n in pending:
                if all(x in known for x in n.input):
                    ordered.append(n)
                    known.update(n.output)
                else:
                    rest.append(n)
            if len(rest) == len(pending):  # a cycle or a missing input: leave the remainder as it was
                ordered += rest
                break
            pending = rest
        self.nodes = ordered
        self._index()


__all__ = ["REWRITE_VERSION", "folded", "rewrite"]
