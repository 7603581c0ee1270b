"""Benchmark (issue 7): a 300-page dossier with 40 scanned images.

Targets: bind in <= 10 s with peak memory <= 1 GB on this machine, output
<= 1.1 x the inputs' total size.  Printed beside it, as the floor, the time of
`qpdf --empty --pages <the same inputs> -- out.pdf` (scans given to qpdf as
one-page PDFs made beforehand, since qpdf takes no images).

Run on demand:  python tests/benchmarks/bench_dossier.py
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SCANS = 40
PDF_PAGES = 300 - 40 - 3 - 8 - 2     # minus scans, cover/contents/declaration, annex pages, slack


def make_scan(path: Path, seed: int) -> None:
    from PIL import Image, ImageDraw
    rnd = random.Random(seed)
    img = Image.new("L", (1240, 1754), 245)            # A4 at 150 dpi, greyscale like a copier
    d = ImageDraw.Draw(img)
    for _ in range(60):                                # lines of "text"
        y = rnd.randint(100, 1650)
        x = rnd.randint(80, 300)
        d.rectangle([x, y, x + rnd.randint(300, 900), y + 14], fill=rnd.randint(20, 90))
    img.save(path, quality=75)


def make_pdf(path: Path, pages: int, label: str) -> None:
    import pikepdf
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for n in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        lines = "".join(f"BT /F1 10 Tf 60 {780 - 14 * i} Td ({label} page {n + 1} line {i + 1} "
                        f"lorem ipsum dolor sit amet) Tj ET\n" for i in range(50))
        page.Contents = pdf.make_stream(lines.encode())
    pdf.save(path, compress_streams=True)


def setup(d: Path) -> tuple[Path, list[Path], list[Path]]:
    import img2pdf
    import yaml

    from toolkit import pdfform
    from toolkit.forms import load_valid
    data = load_valid(ROOT / "samples" / "xining-complete.yaml")
    inputs: list[Path] = []
    items: dict[int, list[str]] = {}
    for n in range(1, 6):                               # the annexes, printed from the data
        p = d / f"annex{n}.pdf"
        pdfform.write_filled(n, data, p, base_dir=ROOT / "samples", flatten=True)
        items[n] = [str(p)]
        inputs.append(p)
    scans = []
    for i in range(SCANS):
        p = d / f"scan{i:02d}.jpg"
        make_scan(p, i)
        scans.append(p)
    split = [PDF_PAGES // 5] * 5
    split[-1] += PDF_PAGES - sum(split)
    for n, pages in zip((6, 7, 8, 9, 10), split):
        p = d / f"item{n}.pdf"
        make_pdf(p, pages, f"item {n}")
        items[n] = [str(p)] + [str(s) for s in scans[(n - 6) * 8:(n - 5) * 8]]
        inputs += [p] + scans[(n - 6) * 8:(n - 5) * 8]
    manifest = d / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"data": str(ROOT / "samples" / "xining-complete.yaml"),
                                        "items": items}, allow_unicode=True), encoding="utf-8")
    as_pdf = []
    for p in inputs:                                     # what qpdf can take
        if p.suffix == ".jpg":
            q = p.with_suffix(".pdf")
            q.write_bytes(img2pdf.convert(str(p)))
            as_pdf.append(q)
        else:
            as_pdf.append(p)
    return manifest, inputs, as_pdf


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from toolkit.dossier.bind import bind
from toolkit.pdfform import fonts
fonts.fonts()                      # built once per machine, not per dossier
t = time.perf_counter()
r = bind({manifest!r}, {out!r}, copies=1)
el = time.perf_counter() - t
print(json.dumps({{"seconds": el, "pages": r.page_count, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "out": str(r.outputs[0])}}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as tmp:
        d = Path(tmp)
        manifest, inputs, as_pdf = setup(d)
        size_in = sum(p.stat().st_size for p in inputs)
        res = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), manifest=str(manifest),
                                                                  out=str(d / "out"))],
                             capture_output=True, text=True, check=True)
        got = json.loads(res.stdout.strip().splitlines()[-1])
        size_out = Path(got["out"]).stat().st_size
        floor = None
        if shutil.which("qpdf"):
            t = time.perf_counter()
            subprocess.run(["qpdf", "--empty", "--pages", *map(str, as_pdf), "--", str(d / "qpdf.pdf")],
                           check=True)
            floor = time.perf_counter() - t
        peak_mb = got["peak_kib"] / 1024
        print(f"dossier: {got['pages']} pages, {SCANS} scans; bind {got['seconds']:.2f} s "
              f"(target <= 10 s: {'OK' if got['seconds'] <= 10 else 'MISSED'}); peak memory {peak_mb:.0f} MB "
              f"(target <= 1024 MB: {'OK' if peak_mb <= 1024 else 'MISSED'})")
        print(f"size: inputs {size_in / 1e6:.2f} MB, dossier {size_out / 1e6:.2f} MB, ratio "
              f"{size_out / size_in:.3f} (target <= 1.1: {'OK' if size_out <= 1.1 * size_in else 'MISSED'})")
        if floor is not None:
            print(f"floor: qpdf --empty --pages (same inputs) {floor:.2f} s; ours / qpdf = {got['seconds'] / floor:.1f}x")


if __name__ == "__main__":
    main()
