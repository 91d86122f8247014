"""The OCR models with their element-wise passes folded (juesuan.readers.ocrmodel) compute what the
shipped models compute: on a small graph of the same patterns built here, and on the detection and
recognition models RapidOCR ships (when the ``ocr`` extra is installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx", reason="onnx comes with the ocr extra")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime comes with the ocr extra (rapidocr-onnxruntime)")
np = pytest.importorskip("numpy")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from juesuan.readers.ocrmodel import rewrite  # noqa: E402


def _const(name: str, value) -> object:
    arr = np.asarray(value, dtype=np.float32)
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(arr, name))


def _hard_swish(x: str, out: str, tag: str) -> list[object]:
    return [
        _const(f"three_{tag}", [3.0]),
        _const(f"zero_{tag}", 0.0),
        _const(f"six_{tag}", 6.0),
        _const(f"sixd_{tag}", [6.0]),
        helper.make_node("Add", [x, f"three_{tag}"], [f"{tag}_a3"]),
        helper.make_node("Clip", [f"{tag}_a3", f"zero_{tag}", f"six_{tag}"], [f"{tag}_clip"]),
        helper.make_node("Mul", [x, f"{tag}_clip"], [f"{tag}_m"]),
        helper.make_node("Div", [f"{tag}_m", f"sixd_{tag}"], [out]),
    ]


def _model(tmp_path: Path, *, second_kernel: int, branch: bool = False) -> Path:
    """x → 3×3 conv → scale, bias → hard-swish → scale, bias → conv (``second_kernel``) → y; with
    ``branch`` the first scale's output also feeds a second output (so it must stay)."""
    rng = np.random.default_rng(7)
    pad = second_kernel // 2
    nodes = [
        _const("w1", rng.normal(size=(4, 3, 3, 3))),
        _const("b1", rng.normal(size=(4,))),
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        _const("s1", [1.7]),
        helper.make_node("Mul", ["s1", "c1"], ["m1"]),
        _const("o1", [-0.4]),
        helper.make_node("Add", ["m1", "o1"], ["a1"]),
        *_hard_swish("a1", "h1", "hs1"),
        _const("s2", [0.6]),
        helper.make_node("Mul", ["s2", "h1"], ["m2"]),
        _const("o2", [0.25]),
        helper.make_node("Add", ["m2", "o2"], ["a2"]),
        _const("w2", rng.normal(size=(5, 4, second_kernel, second_kernel))),
        _const("b2", rng.normal(size=(5,))),
        helper.make_node("Conv", ["a2", "w2", "b2"], ["y"], kernel_shape=[second_kernel] * 2, pads=[pad] * 4),
    ]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)]
    if branch:
        outputs.append(helper.make_tensor_value_info("m1", TensorProto.FLOAT, None))
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 12])], outputs
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    return path


def _run(src, x):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(src, sess_options=opts, providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})


def _ops(data: bytes) -> list[str]:
    return [n.op_type for n in onnx.load_from_string(data).graph.node if n.op_type != "Constant"]


def test_scale_bias_and_hard_swish_are_folded_and_the_output_is_the_same(tmp_path):
    path = _model(tmp_path, second_kernel=1)
    data = rewrite(str(path))
    # conv (scale and bias folded in), HardSigmoid, Mul, conv (the second scale and bias folded in)
    assert _ops(data) == ["Conv", "HardSigmoid", "Mul", "Conv"]
    x = np.random.default_rng(1).normal(size=(1, 3, 8, 12)).astype(np.float32) * 3
    (want,), (got,) = _run(str(path), x), _run(data, x)
    assert np.allclose(want, got, atol=1e-4)


def test_scale_and_bias_before_a_padded_convolution_are_kept(tmp_path):
    # the zero padding of a 3 × 3 convolution would not carry the bias: not folded there
    path = _model(tmp_path, second_kernel=3)
    data = rewrite(str(path))
    assert _ops(data) == ["Conv", "HardSigmoid", "Mul", "Mul", "Add", "Conv"]
    x = np.random.default_rng(2).normal(size=(1, 3, 8, 12)).astype(np.float32) * 3
    (want,), (got,) = _run(str(path), x), _run(data, x)
    assert np.allclose(want, got, atol=1e-4)


def test_a_value_that_feeds_anything_else_is_not_folded_away(tmp_path):
    path = _model(tmp_path, second_kernel=1, branch=True)
    data = rewrite(str(path))
    # the scale folds into the convolution (which now gives the scaled value, still an output);
    # the bias stays, since the scaled value without it is needed too
    assert _ops(data)[:3] == ["Conv", "Add", "HardSigmoid"]
    assert [o.name for o in onnx.load_from_string(data).graph.output] == ["y", "m1"]
    x = np.random.default_rng(3).normal(size=(1, 3, 8, 12)).astype(np.float32)
    want, got = _run(str(path), x), _run(data, x)
    assert all(np.allclose(a, b, atol=1e-4) for a, b in zip(want, got))


def _shipped(name: str) -> Path:
    spec = pytest.importorskip(
        "rapidocr_onnxruntime", reason="rapidocr-onnxruntime (the ocr extra: pip install -e '.[ocr]') is not installed"
    )
    path = Path(spec.__file__).parent / "models" / name
    if not path.is_file():
        pytest.skip(f"the rapidocr wheel has no {name}")
    return path


def _line_image(text: str, height: int = 48) -> object:
    """A white line with ``text`` drawn in Pillow's default font, scaled to the recognizer's
    height, as the recognizer's input (1 × 3 × 48 × width, in −1..1)."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (12 * len(text) + 16, 20), 255)
    ImageDraw.Draw(img).text((8, 4), text, fill=0)
    img = img.resize((img.width * height // img.height, height))
    arr = np.asarray(img, dtype=np.float32) / 127.5 - 1.0
    return np.repeat(arr[None, None], 3, axis=1).copy()


def test_shipped_recognizer_reads_the_same_folded():
    path = _shipped("ch_PP-OCRv4_rec_infer.onnx")
    data = rewrite(str(path))
    assert len(_ops(data)) < len(_ops(path.read_bytes()))
    plain = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    folded = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    name = plain.get_inputs()[0].name
    for text in ("12,345.67", "2010350", "-8.20", "1"):
        x = _line_image(text)
        (want,), (got,) = plain.run(None, {name: x}), folded.run(None, {name: x})
        assert (want.argmax(-1) == got.argmax(-1)).all()
        assert np.abs(want - got).max() < 1e-3


def test_shipped_detector_finds_the_same_folded():
    path = _shipped("ch_PP-OCRv4_det_infer.onnx")
    data = rewrite(str(path))
    assert len(_ops(data)) < len(_ops(path.read_bytes()))
    plain = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    folded = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    name = plain.get_inputs()[0].name
    from PIL import Image, ImageDraw

    img = Image.new("L", (320, 96), 255)
    draw = ImageDraw.Draw(img)
    draw.text((10, 10), "12,345.67   2010350", fill=0)
    draw.text((10, 50), "888.00", fill=0)
    arr = np.asarray(img, dtype=np.float32) / 127.5 - 1.0
    x = np.repeat(arr[None, None], 3, axis=1).copy()
    (want,), (got,) = plain.run(None, {name: x}), folded.run(None, {name: x})
    assert np.abs(want - got).max() < 1e-3
    assert ((want > 0.3) == (got > 0.3)).mean() > 0.999


def test_rewritten_model_is_cached_and_read_back_without_rewriting(tmp_path, monkeypatch):
    from juesuan.readers import ocrmodel

    path = _model(tmp_path, second_kernel=1)
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path / "cache"))
    first = ocrmodel.folded(str(path))
    assert first == rewrite(str(path))
    assert len(list((tmp_path / "cache" / "ocr-models").glob("*.onnx"))) == 1

    def no_onnx(_path: str) -> bytes:
        raise ImportError("onnx")

    monkeypatch.setattr(ocrmodel, "rewrite", no_onnx)
    assert ocrmodel.folded(str(path)) == first  # from the cache
    # another model (another content): not in the cache, and without onnx no rewrite
    other = tmp_path / "other.onnx"
    other.write_bytes(path.read_bytes() + b"\0")
    assert ocrmodel.folded(str(other)) is None
    monkeypatch.setenv("JUESUAN_CACHE_DIR", "off")
    assert ocrmodel.folded(str(path)) is None
