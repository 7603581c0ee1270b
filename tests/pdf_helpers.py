"""Rendering helpers for the PDF form tests: the same page drawn by poppler, MuPDF, PDFium
and pdf.js (Firefox's engine, run in Debian's chromium)."""
from __future__ import annotations

import base64
import copy
import io
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

DPI = 40


def application(good: dict) -> dict:
    """The complete sample, with an annex 7 made from its annex 1 (the sample has none)."""
    from toolkit.model.annexes import annex
    data = copy.deepcopy(good)
    a7 = annex(7)
    data["annex7"] = {k: v for k, v in data["annex1"].items() if k in a7}
    data["annex7"]["review_opinion"] = "经复核，该平台有效期内运行良好，服务业绩突出，同意保留示范平台称号。"
    return data


def render_poppler(pdf: Path, out: Path, dpi: int = DPI) -> list[np.ndarray]:
    prefix = out / f"{pdf.stem}-poppler"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True)
    return [np.asarray(Image.open(p).convert("L"), dtype=np.int16)
            for p in sorted(out.glob(f"{pdf.stem}-poppler-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]


def render_mupdf(pdf: Path, out: Path, dpi: int = DPI) -> list[np.ndarray]:
    pattern = out / f"{pdf.stem}-mupdf-%d.png"
    subprocess.run(["mutool", "draw", "-q", "-r", str(dpi), "-c", "gray", "-o", str(pattern), str(pdf)],
                   check=True, capture_output=True)
    return [np.asarray(Image.open(p).convert("L"), dtype=np.int16)
            for p in sorted(out.glob(f"{pdf.stem}-mupdf-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]


def render_pdfium(pdf: Path, dpi: int = DPI, forms: bool = True) -> list[np.ndarray]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        if forms:
            doc.init_forms()
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            img = page.render(scale=dpi / 72, may_draw_forms=forms).to_pil().convert("L")
            pages.append(np.asarray(img, dtype=np.int16))
            page.close()
        return pages
    finally:
        doc.close()


PDFJS_VERSION = "6.5.438"          # what .ci/run installs into .ci/pdfjs
CHROMIUM = "/usr/bin/chromium"
# as tests/test_web_browser.py; Playwright's launch() gives every browser a fresh profile
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pdfjs_dist() -> Path | None:
    """The pdfjs-dist package folder: $QHSME_PDFJS, else .ci/pdfjs/node_modules/pdfjs-dist."""
    env = os.environ.get("QHSME_PDFJS")
    d = Path(env) if env else Path(__file__).resolve().parents[1] / ".ci/pdfjs/node_modules/pdfjs-dist"
    return d if (d / "legacy/build/pdf.mjs").is_file() else None


# The page the browser loads.  The legacy build runs in any recent chromium and draws like the
# modern one Firefox ships.  One pdf.js worker serves every document (starting one costs more
# than reading a form); pages are drawn on the main thread.
_PDFJS_PAGE = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
import * as pdfjs from "/pdfjs/legacy/build/pdf.mjs";
pdfjs.GlobalWorkerOptions.workerSrc = "/pdfjs/legacy/build/pdf.worker.mjs";
const worker = new pdfjs.PDFWorker();
// scale null: text and fields only
window.pdfjsRead = async (url, scale, annotationMode) => {
  const task = pdfjs.getDocument({url, worker, cMapUrl: "/pdfjs/cmaps/", cMapPacked: true,
    standardFontDataUrl: "/pdfjs/standard_fonts/", wasmUrl: "/pdfjs/wasm/", iccUrl: "/pdfjs/iccs/",
    isEvalSupported: false});
  try {
    const doc = await task.promise;
    const out = {pages: [], text: [], fields: Object.fromEntries(await doc.getFieldObjects() || [])};
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const items = (await page.getTextContent()).items;
      out.text.push(items.map(it => it.str + (it.hasEOL ? "\\n" : "")).join(""));
      if (scale) {
        const viewport = page.getViewport({scale});
        const canvas = document.createElement("canvas");
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        await page.render({canvas, canvasContext: canvas.getContext("2d"), viewport, annotationMode}).promise;
        out.pages.push(canvas.toDataURL("image/png"));
      }
      page.cleanup();
    }
    return out;
  } finally { await task.destroy(); }
};
window.pdfjsVersion = pdfjs.version;
</script>"""


class PdfJs:
    """pdf.js in one headless chromium, fed by a server on 127.0.0.1 (pdfjs-dist under
    /pdfjs/, each PDF read under /pdf/<n>).  ``console`` keeps what pdf.js logged."""

    def __init__(self, dist: Path):
        from playwright.sync_api import sync_playwright
        self.files: dict[str, Path] = {}
        self.console: list[str] = []
        self.known: dict[tuple, tuple[list[str], dict]] = {}      # file state -> (text, fields)
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                if path == "/":
                    body, kind = _PDFJS_PAGE.encode(), "text/html; charset=utf-8"
                elif path in files:
                    body, kind = files[path].read_bytes(), "application/pdf"
                elif path.startswith("/pdfjs/") and ".." not in path and (dist / path[7:]).is_file():
                    body = (dist / path[7:]).read_bytes()
                    kind = "text/javascript" if path.endswith(".mjs") else "application/octet-stream"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.playwright = self.browser = None
        try:
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=shutil.which("chromium") or CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            self.page = self.browser.new_page()
            self.page.set_default_timeout(60_000)
            self.page.on("console", lambda m: self.console.append(m.text))
            self.page.goto(f"http://127.0.0.1:{self.server.server_port}/")
            self.version = self.page.wait_for_function("window.pdfjsVersion").json_value()
        except BaseException:
            self.close()
            raise

    def read(self, pdf: Path, scale: float | None = None, annotation_mode: int = 1) -> dict:
        """{"pages": PNG data URLs (when scale is given), "text": per page, "fields": {name: [objects]}}"""
        url = f"/pdf/{len(self.files)}"
        self.files[url] = Path(pdf)
        out = self.page.evaluate("a => window.pdfjsRead(...a)", [url, scale, annotation_mode])
        st = Path(pdf).stat()
        self.known[(str(pdf), st.st_mtime_ns, st.st_size)] = out["text"], out["fields"]
        return out

    def text_and_fields(self, pdf: Path) -> tuple[list[str], dict]:
        st = Path(pdf).stat()
        key = (str(pdf), st.st_mtime_ns, st.st_size)
        if key not in self.known:
            self.read(pdf)
        return self.known[key]

    def close(self) -> None:
        try:
            if self.browser is not None:
                self.browser.close()
            if self.playwright is not None:
                self.playwright.stop()
        finally:
            self.server.shutdown()
            self.server.server_close()


_pdfjs: PdfJs | None = None


def pdfjs() -> PdfJs:
    """The pdf.js browser, started on first use.  Only one Playwright can run at a time, so
    whoever uses it ends it with close_pdfjs() (the ``pdfjs`` fixture does)."""
    global _pdfjs
    if _pdfjs is None:
        dist = pdfjs_dist()
        if dist is None:
            raise FileNotFoundError("pdfjs-dist: set QHSME_PDFJS or run .ci/run")
        _pdfjs = PdfJs(dist)
    return _pdfjs


def close_pdfjs() -> None:
    global _pdfjs
    if _pdfjs is not None:
        old, _pdfjs = _pdfjs, None
        old.close()


def render_pdfjs(pdf: Path, dpi: int = DPI, forms: bool = True) -> list[np.ndarray]:
    """Each page drawn by pdf.js on a canvas: forms=True draws the fields' appearance streams
    on it as Firefox prints them (AnnotationMode.ENABLE), False leaves every annotation out."""
    out = pdfjs().read(pdf, dpi / 72, 1 if forms else 0)
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(u.split(",", 1)[1]))).convert("L"),
                       dtype=np.int16) for u in out["pages"]]


def pdfjs_text(pdf: Path) -> list[str]:
    """Per page, the text pdf.js finds (getTextContent: what Firefox selects, copies, searches)."""
    return pdfjs().text_and_fields(pdf)[0]


def pdfjs_fields(pdf: Path) -> dict[str, object]:
    """Field name -> value as pdf.js reads it (getFieldObjects: for a radio group the chosen
    export value, for a checkbox its on-state name or "Off")."""
    return {name: objs[0].get("value") for name, objs in pdfjs().text_and_fields(pdf)[1].items()}


def _fit(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return a[:h, :w], b[:h, :w]


def _grow(mask: np.ndarray) -> np.ndarray:
    img = Image.fromarray((mask * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(3))
    return np.asarray(img) > 0


def mismatch(a: np.ndarray, b: np.ndarray, level: int = 128) -> float:
    """Share of the ink of either image that the other has nowhere within one pixel
    (0: the same drawing; anti-aliasing and half-pixel shifts between engines do not count)."""
    a, b = _fit(a, b)
    ia, ib = a < level, b < level
    total = ia.sum() + ib.sum()
    if not total:
        return 0.0
    lost = (ia & ~_grow(ib)).sum() + (ib & ~_grow(ia)).sum()
    return float(lost / total)


def save_diff(a: np.ndarray, b: np.ndarray, path: Path) -> None:
    a, b = _fit(a, b)
    rgb = np.stack([a, b, np.minimum(a, b)], axis=-1).clip(0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(path)


def ink(a: np.ndarray) -> float:
    return float((a < 128).mean())


def char_boxes(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, (text, x0, top, x1, bottom) in points of every visible character."""
    import pdfplumber
    out = []
    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages:
            out.append([(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars
                        if c["text"].strip()])
    return out


def glyph_ink(img: np.ndarray, boxes, dpi: int) -> np.ndarray:
    """Darkness inside each character box (shrunk by 15% so table rules do not count)."""
    k = dpi / 72
    out = []
    for _, x0, top, x1, bottom in boxes:
        dx, dy = (x1 - x0) * 0.15, (bottom - top) * 0.15
        a, b = int((top + dy) * k), int(np.ceil((bottom - dy) * k))
        c, d = int((x0 + dx) * k), int(np.ceil((x1 - dx) * k))
        cell = img[a:max(b, a + 1), c:max(d, c + 1)]
        out.append(float((255 - cell).sum()) if cell.size else 0.0)
    return np.asarray(out)


def glyph_agreement(ink_a: np.ndarray, ink_b: np.ndarray) -> tuple[float, float]:
    """(correlation of the per-character ink, share of characters whose ink differs by >50%)."""
    if len(ink_a) < 2:
        return 1.0, 0.0
    corr = float(np.corrcoef(ink_a, ink_b)[0, 1])
    hi = np.maximum(ink_a, ink_b)
    bad = (np.abs(ink_a - ink_b) > 0.5 * hi) & (hi > 0.1 * np.median(hi[hi > 0]) if (hi > 0).any() else False)
    return corr, float(np.mean(bad))


def _cid_widths(font) -> tuple[dict[int, float], float]:
    """Glyph id -> advance (1/1000 em) of a Type0 font, from its descendant's /W, and /DW."""
    import pikepdf
    d = font.DescendantFonts[0]
    arr, table, i = list(d.get("/W", [])), {}, 0
    while i < len(arr):
        first, nxt = int(arr[i]), arr[i + 1]
        if isinstance(nxt, pikepdf.Array):
            table.update({first + k: float(v) for k, v in enumerate(nxt)})
            i += 2
        else:
            table.update({g: float(arr[i + 2]) for g in range(first, int(nxt) + 1)})
            i += 3
    return table, float(d.get("/DW", 1000))


def drawn_pieces(widget) -> list[dict]:
    """What a widget's normal appearance (as this toolkit writes it: a Tm, then one Tj per font
    run) draws: per placed piece of text its x and y, the font sizes used and its width in
    points, from the fonts' /W arrays."""
    import pikepdf
    ap = widget.get("/AP")
    n = ap.get("/N") if ap is not None else None
    if not isinstance(n, pikepdf.Stream):
        return []
    fonts = n.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
    widths: dict[str, tuple] = {}
    pieces: list[dict] = []
    font = size = None
    for operands, op in pikepdf.parse_content_stream(n):
        op = str(op)
        if op == "Tf":
            font, size = str(operands[0]), float(operands[1])
        elif op in ("Tm", "Td"):
            pieces.append({"x": float(operands[-2]), "y": float(operands[-1]), "sizes": set(), "width": 0.0,
                           "op": op})
        elif op == "Tj":
            if font not in widths:
                widths[font] = _cid_widths(fonts[font])
            table, dw = widths[font]
            data = bytes(operands[0])
            gids = [int.from_bytes(data[k:k + 2], "big") for k in range(0, len(data), 2)]
            pieces[-1]["width"] += sum(table.get(g, dw) for g in gids) * size / 1000
            pieces[-1]["sizes"].add(size)
    return pieces
