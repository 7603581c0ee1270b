"""The OCR engine: RapidOCR 3.x's PP-OCRv6 text recogniser on onnxruntime, with the model
that ships inside the rapidocr wheel.  Nothing is ever downloaded: the model path is given
explicitly, a missing file is an error, and rapidocr's downloader is replaced by one that
refuses (raises ``ResourceMissing``) for this process.

One engine per process, created at first use, two threads (the machines have two cores).
Text lines are found by the caller (``lines.py``: cells from the rules, ink projection), so
only recognition runs, batched: no detector pass over the page."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import ResourceMissing

REC_MODEL = "PP-OCRv6_rec_small.onnx"     # in rapidocr/models/ of the rapidocr 3.x wheel
THREADS = 2
BATCH = 12
WIDTH_BUDGET = 4800     # padded columns (at 48 px high) in one batch: bounds the peak memory
INSTALL_HINT = "请运行 pip install 'qhsme[ocr]'（安装 rapidocr 与 onnxruntime，约 390 MB，模型随包提供，无需联网下载）"

_engine = None
_lock = threading.Lock()


@dataclass
class Read:
    """What the recogniser read in one line image."""
    text: str
    score: float                      # mean of the characters' confidences
    chars: list[tuple[str, float, float]]   # (char, centre x as a fraction of the width, confidence)


def available() -> str | None:
    """None when OCR can run here, else the Chinese reason (what to install)."""
    try:
        _model_dir()
    except ResourceMissing as e:
        return e.message
    return None


def _model_dir() -> Path:
    import importlib.util
    for mod in ("rapidocr", "onnxruntime"):
        if importlib.util.find_spec(mod) is None:
            raise ResourceMissing(f"未安装 OCR 组件 {mod}，无法识别扫描件；{INSTALL_HINT}")
    spec = importlib.util.find_spec("rapidocr")
    d = Path(spec.origin).parent / "models"
    if not (d / REC_MODEL).is_file():
        raise ResourceMissing(f"rapidocr 包内缺少识别模型 {REC_MODEL}（本工具不联网下载模型）；"
                              f"请安装 rapidocr 3.x：{INSTALL_HINT}")
    return d


def _refuse_download(cls, input_params, *a, **k):
    raise ResourceMissing(f"rapidocr 试图联网下载 {getattr(input_params, 'file_url', '模型')}："
                          f"本工具只用包内模型，不下载；{INSTALL_HINT}")


class Engine:
    def __init__(self):
        d = _model_dir()
        from rapidocr import RapidOCR
        from rapidocr.utils import download_file
        download_file.DownloadFile.run = classmethod(_refuse_download)   # no download, ever
        params = {
            "Global.log_level": "error",
            "Global.use_det": False, "Global.use_cls": False,
            "Rec.model_path": str(d / REC_MODEL),
            "Rec.rec_batch_num": BATCH,
            # no padding of short pieces (a lone digit) to 320 px: compute follows the text
            "Rec.rec_img_shape": [3, 48, 48],
            "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._ocr = RapidOCR(params=params)
        self._rec = self._ocr._load_rec_model()       # load now: a broken install fails here
        if not self._rec.session.have_key():
            raise ResourceMissing(f"识别模型 {REC_MODEL} 不含字符表（本工具不联网下载字典）；{INSTALL_HINT}")
        from rapidocr.ch_ppocr_rec import TextRecInput
        self._input = TextRecInput

    def read(self, images: list[np.ndarray]) -> list[Read]:
        """Recognise line images (H x W x 3 uint8, dark text on light), in one batched call."""
        reads: list[Read | None] = [None] * len(images)
        for batch in _batches(images):
            out = self._rec(self._input(img=[images[i] for i in batch], return_word_box=True))
            for i, text, score, info in zip(batch, out.txts, out.scores, out.word_results):
                reads[i] = Read(text, float(score), _chars(text, info))
        return reads


def _batches(images: list[np.ndarray]) -> list[list[int]]:
    """Indices of the images in recognition batches: similar widths together (little padding),
    at most BATCH images and WIDTH_BUDGET padded columns at the model's height each, so the
    network's activations stay small (a batch of long lines took 800 MB)."""
    width = [img.shape[1] * 48 / max(1, img.shape[0]) for img in images]
    order = sorted(range(len(images)), key=lambda i: width[i])
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < BATCH and (len(out[-1]) + 1) * max(width[i], 48) <= WIDTH_BUDGET:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _chars(text: str, info) -> list[tuple[str, float, float]]:
    """Each non-space character with its centre (fraction of the line's width) and confidence."""
    cols = [c for word in (info.word_cols or []) for c in word]
    chars = [ch for word in (info.words or []) for ch in word]
    span = float(info.line_txt_len or 0)
    confs = list(info.confs or [])
    non_space = [ch for ch in text if not ch.isspace()]
    conf_of = [c for ch, c in zip(text, confs) if not ch.isspace()] if len(confs) == len(text) else []
    out = []
    if chars == non_space and len(cols) == len(chars) and span > 0:
        for k, (ch, col) in enumerate(zip(chars, cols)):
            out.append((ch, min(1.0, (col + 0.5) / span), conf_of[k] if conf_of else float("nan")))
        return out
    n = len(non_space)                       # no column positions: spread evenly
    for k, ch in enumerate(non_space):
        out.append((ch, (k + 0.5) / n, conf_of[k] if conf_of else float("nan")))
    return out


def engine() -> Engine:
    """The process's engine, created at first use."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = Engine()
    return _engine
