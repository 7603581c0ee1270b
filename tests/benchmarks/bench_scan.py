"""Benchmark (issue 14): reading scans with the cell OCR of toolkit.parse.scan, against
whole-page Tesseract on the same pages.

Run on demand from the repository root; pytest does not collect it::

    python tests/benchmarks/bench_scan.py [MAX_PAGES_PER_KIND]

Annexes 1-7 are filled from samples/xining-complete.yaml and printed two ways: our flattened
PDF (``print``) and the filled DOCX exported by LibreOffice (``word``, skipped without
soffice).  Every page is rendered at 200 dpi and scanned (0.7° skew, Gaussian noise, JPEG
q75).  The truth is each PDF's own text layer: for every cell the scan's rules enclose, the
characters printed in it.  Measured:

* the share of printed cells read exactly (the issue asks for >= 97 %), and how many empty
  cells got text (the issue asks for none);
* seconds per page of ``scan_pages`` (deskew, rules, cells, OCR) against
  ``tesseract PAGE - -l chi_sim`` on the same JPEG (the issue asks for at most Tesseract's);
* peak memory (ru_maxrss) of the OCR process (the scans are made in a child) and of
  Tesseract (<= 1 GB asked).

End to end (``--values``): each annex's pages scanned into one image-only PDF and read by
``toolkit.parse.parse_file`` (scan -> drawn readers); its values compared with what the
drawn-form reader takes from the same PDF's text (``read_flat``): values exact (𠀀 left out),
values put into fields the PDF leaves empty, s/page against whole-page Tesseract, peak memory::

    python tests/benchmarks/bench_scan.py --values

Exit code 1 when a target is missed.
"""
from __future__ import annotations

import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples"
NO_FONT = "\U00020000"         # 𠀀: no font draws it, the print shows a box


def pdfs(d: Path) -> dict[str, list[tuple[str, bytes]]]:
    from toolkit.datafile import load
    from toolkit.docxform import write_filled as write_docx
    from toolkit.pdfform import render_filled
    from toolkit.validate import validate
    data = validate(load(SAMPLES / "xining-complete.yaml")).data
    present = [n for n in range(1, 8) if data.get(f"annex{n}")]
    out: dict[str, list[tuple[str, bytes]]] = {"print": [], "word": []}
    for n in present:
        out["print"].append((f"annex{n}", render_filled(n, data, base_dir=SAMPLES, flatten=True)))
    if shutil.which("soffice"):
        docs = []
        for n in present:
            p = d / f"annex{n}.docx"
            write_docx(n, data, p, base_dir=SAMPLES)
            docs.append(p)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{d}/lo-profile",
                        "--convert-to", "pdf", "--outdir", str(d / "word"), *map(str, docs)],
                       check=True, capture_output=True, timeout=600)
        out["word"] = [(p.stem, (d / "word" / f"{p.stem}.pdf").read_bytes()) for p in docs]
    return out


def truth_chars(pdf: bytes) -> list[list[dict]]:
    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [[dict(c) for c in page.chars] for page in doc.pages]


BOXES = str.maketrans("", "", "□☐☑☒")    # our print draws its boxes as paths: no text to compare


def cell_text(items, box, pos) -> str:
    """The text in ``box``, compared as the readers normalise it: NFKC (％ = %, （ = (),
    no spaces, check boxes aside (the text layer of our print has none)."""
    inside = [i for i in items if box.x0 <= pos(i)[0] <= box.x1 and box.top <= pos(i)[1] <= box.bottom]
    inside.sort(key=lambda i: (round(pos(i)[1] / 3), pos(i)[0]))
    text = "".join("".join(i["text"] if isinstance(i, dict) else i.text for i in inside).split())
    return unicodedata.normalize("NFKC", text).translate(BOXES)


def make(d: Path, limit: int) -> None:
    """Scans (JPEG) and the truth of each cell's text (JSON), written to ``d``; run in a child
    process so the rendering's memory is not counted as the OCR's."""
    from toolkit.parse.scan import synth
    for kind, docs in pdfs(d).items():
        n = 0
        for name, pdf in docs:
            truths = truth_chars(pdf)
            for k, page in enumerate(synth.render_pdf(pdf)):
                if n >= limit:
                    break
                stem = f"{kind}-{name}-{k + 1}"
                (d / f"{stem}.jpg").write_bytes(synth.scan(page, seed=k))
                keep = [{x: c[x] for x in ("text", "x0", "x1", "top", "bottom")} for c in truths[k]]
                (d / f"{stem}.json").write_text(json.dumps(keep, ensure_ascii=False), encoding="utf-8")
                n += 1


def _tesseract(jpg: Path) -> tuple[float, float | None]:
    """(seconds, peak MB or None) of whole-page Tesseract on one page.  The peak is GNU time's:
    Linux counts a child's memory from before its exec (a copy of this process) otherwise."""
    gnu_time = Path("/usr/bin/time")
    cmd = ["tesseract", str(jpg), "-", "-l", "chi_sim"]
    if gnu_time.exists():
        cmd = [str(gnu_time), "-f", "%M", *cmd]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t
    lines = r.stderr.strip().splitlines()
    peak = int(lines[-1]) / 1024 if gnu_time.exists() and lines and lines[-1].isdigit() else None
    return secs, peak


def main(limit: int) -> int:
    from toolkit.parse.scan import available
    reason = available()
    if reason:
        print("跳过：" + reason)
        return 1
    have_tess = shutil.which("tesseract") is not None
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        subprocess.run([sys.executable, __file__, "--make", str(d), str(limit)], check=True)
        from toolkit.parse.scan import scan_pages
        from toolkit.parse.scan.ocr import engine
        t = time.perf_counter()
        engine()
        print(f"engine start {time.perf_counter() - t:.2f} s (once per process)")
        tess_peak = 0.0
        for kind in ("print", "word"):
            jpgs = sorted(d.glob(f"{kind}-*.jpg"), key=lambda p: (len(p.stem), p.stem))
            if not jpgs:
                print(f"{kind:6s} skipped (soffice not installed)")
                continue
            ours = tess = 0.0
            exact = total = empty = invented = 0
            misread: list[tuple[str, str]] = []
            for jpg in jpgs:
                truth = json.loads(jpg.with_suffix(".json").read_text(encoding="utf-8"))
                t = time.perf_counter()
                [geo] = scan_pages(jpg)
                ours += time.perf_counter() - t
                if have_tess:
                    secs, peak = _tesseract(jpg)
                    tess += secs
                    tess_peak = max(tess_peak, peak or 0.0)
                for cell in geo.cells:
                    want = cell_text(truth, cell, lambda c: ((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2))
                    got = cell_text(geo.glyphs, cell, lambda g: (g.cx, g.cy))
                    if not want:
                        empty += 1
                        invented += bool(got)
                        continue
                    if NO_FONT in want:
                        continue
                    total += 1
                    exact += got == want
                    if got != want:
                        misread.append((want, got))
            pages = len(jpgs)
            rate = exact / max(1, total)
            line = (f"{kind:6s} {pages} pages: cells exact {exact}/{total} = {rate:.1%}, "
                    f"empty cells with text {invented}/{empty}; {ours / pages:.2f} s/page")
            if have_tess:
                line += f" vs tesseract {tess / pages:.2f} s/page (ratio {ours / max(tess, 1e-9):.2f})"
            print(line)
            for want, got in misread[:12]:
                print(f"    {want!r} -> {got!r}")
            ok &= rate >= 0.97 and invented == 0 and (not have_tess or ours <= tess)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: OCR process {me:.0f} MB; tesseract {tess_peak:.0f} MB" if tess_peak
          else f"peak memory: OCR process {me:.0f} MB")
    ok &= me <= 1024
    return 0 if ok else 1


def make_values(d: Path) -> None:
    """Per kind and annex: its scanned pages (JPEG), them as one image-only PDF, and the
    reference values read from the PDF's text."""
    import img2pdf
    import pikepdf
    from toolkit.parse.pdf_flat import read_flat
    from toolkit.parse.scan import synth
    for kind, docs in pdfs(d).items():
        for name, pdf in docs:
            ref = read_flat(pikepdf.open(io.BytesIO(pdf)), "ref.pdf")
            jpgs = [synth.scan(page, seed=k) for k, page in enumerate(synth.render_pdf(pdf))]
            for k, j in enumerate(jpgs, 1):
                (d / f"v-{kind}-{name}-{k}.jpg").write_bytes(j)
            (d / f"v-{kind}-{name}.pdf").write_bytes(img2pdf.convert(jpgs))
            want = {str(v.name): v.raw for v in ref.values}
            (d / f"v-{kind}-{name}.json").write_text(json.dumps(want, ensure_ascii=False), encoding="utf-8")


def _norm(x) -> str:
    return unicodedata.normalize("NFKC", str(x)).replace(" ", "")


def values_main() -> int:
    from toolkit.parse import parse_file
    from toolkit.parse.scan import available
    from toolkit.parse.scan.ocr import engine
    reason = available()
    if reason:
        print("跳过：" + reason)
        return 1
    have_tess = shutil.which("tesseract") is not None
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        subprocess.run([sys.executable, __file__, "--make-values", str(d)], check=True)
        engine()
        for kind in ("print", "word"):
            docs = sorted(d.glob(f"v-{kind}-*.pdf"))
            if not docs:
                print(f"{kind:6s} skipped (soffice not installed)")
                continue
            exact = total = invented = pages = 0
            ours = tess = 0.0
            for pdf in docs:
                want = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
                t = time.perf_counter()
                pf = parse_file(pdf)
                ours += time.perf_counter() - t
                jpgs = sorted(d.glob(f"{pdf.stem}-*.jpg"))
                pages += len(jpgs)
                if have_tess:
                    tess += sum(_tesseract(j)[0] for j in jpgs)
                got = {str(v.name): v.raw for v in pf.values}
                counted = {k: v for k, v in want.items() if NO_FONT not in str(v)}
                ok_here = sum(1 for k, v in counted.items() if k in got and _norm(got[k]) == _norm(v))
                extra = [k for k, v in got.items() if k not in want and v not in ("", False, None)]
                exact += ok_here
                total += len(counted)
                invented += len(extra)
                print(f"    {kind} {pdf.stem[2 + len(kind) + 1:]}: {ok_here}/{len(counted)} values exact, "
                      f"{len(extra)} invented, {len(jpgs)} pages; "
                      + "; ".join(f"{k}: {counted[k]!r}->{got.get(k)!r}" for k in counted
                                  if k not in got or _norm(got[k]) != _norm(counted[k]))[:300])
            rate = exact / max(1, total)
            line = (f"{kind:6s} {pages} pages: values exact {exact}/{total} = {rate:.1%}, invented {invented}; "
                    f"{ours / max(1, pages):.2f} s/page end to end")
            if have_tess:
                line += f" vs tesseract {tess / max(1, pages):.2f} s/page (ratio {ours / max(tess, 1e-9):.2f})"
            print(line)
            ok &= rate >= 0.97 and invented == 0 and (not have_tess or ours <= tess)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: parse process {me:.0f} MB")
    return 0 if ok and me <= 1024 else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make"]:
        make(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--make-values"]:
        make_values(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["--values"]:
        sys.exit(values_main())
    else:
        sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10 ** 6))
