"""Benchmark (issue 5): parsing returned PDFs, one core.

Run on demand from the repository root; pytest does not collect it::

    python tests/benchmarks/bench_parse.py [N]

Annexes 1-7 are filled from samples/xining-complete.yaml (annex 7 from annex 1's
fields), once as fillable PDFs (read by ``pdf_form`` from /V) and once flattened
(read by ``pdf_flat`` from the drawn text), and once flattened and printed at 93 %; and the
filled DOCX exported to PDF by LibreOffice, as applicants make the electronic version
(``word``: read from the Word layout's ruled cells; skipped without soffice).
Measured in one run:

* files/s for each kind (the issue asks for >= 20 files/s for fillable PDFs and DOCX,
  >= 4 files/s for flattened PDFs);
* time per fillable file against ``pdftk FILE dump_data_fields_utf8`` (ratio printed);
* Word exports: the share of the sample's values read back equal, per annex (the issue asks
  for >= 99 % and >= 10 files/s), against pdfplumber's ``extract_tables`` on the same files
  (text in a grid, no field names: a lower bound on the work of any reader; ratio printed);
* peak memory (ru_maxrss) before and after parsing N files (default 1,000), cycled.
* ``parse_batch`` files/s with 1 and 2 workers (8 applications of those files, a scan in
  every fourth when the ocr extra is installed); ``--batch`` runs only this part.

The layout reference of each annex (a blank form rendered once per process) is built
before timing starts; its cost is printed separately.  Exit code 1 when flattened PDFs
parse slower than 4 files/s, or Word exports slower than 10 files/s or below 99 %.
"""
from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_parse_flat import _annex7, variant  # noqa: E402
from toolkit.datafile import load  # noqa: E402
from toolkit.parse import parse_file  # noqa: E402
from toolkit.parse.pdf_flat import reference  # noqa: E402
from toolkit.pdfform import render_filled  # noqa: E402
from toolkit.validate import validate  # noqa: E402

SAMPLES = ROOT / "samples"
TARGET_FLAT = 4.0
TARGET_FORM = 20.0          # fillable PDF and DOCX, files/s on one core
TARGET_WORD = 10.0          # PDFs exported from the Word form, files/s
TARGET_WORD_VALUES = 0.99   # share of the sample's values read back from them


def sample() -> dict:
    return _annex7(validate(load(SAMPLES / "xining-complete.yaml")).data)


def make(d: Path) -> dict[str, list[Path]]:
    data = sample()
    from toolkit.docxform import write_filled as write_docx
    out: dict[str, list[Path]] = {"fillable": [], "flat": [], "flat-93%": [], "docx": []}
    for n in range(1, 8):
        p = d / f"annex{n}.docx"
        write_docx(n, data, p, base_dir=SAMPLES)
        out["docx"].append(p)
        fillable = render_filled(n, data, base_dir=SAMPLES)
        flat = render_filled(n, data, base_dir=SAMPLES, flatten=True)
        for kind, body in (("fillable", fillable), ("flat", flat), ("flat-93%", variant(flat, "fit93"))):
            p = d / f"annex{n}-{kind.replace('%', '')}.pdf"
            p.write_bytes(body)
            out[kind].append(p)
    out["word"] = []
    if shutil.which("soffice"):
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{d}/lo-profile",
                        "--convert-to", "pdf", "--outdir", str(d / "word"), *map(str, out["docx"])],
                       check=True, capture_output=True, timeout=600)
        out["word"] = [d / "word" / f"annex{n}.pdf" for n in range(1, 8)]
    return out


def leaves(d, pre: str = "") -> dict[str, object]:
    """Every value of a data block by its path (``staff[3].name``)."""
    out: dict[str, object] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(leaves(v, f"{pre}.{k}" if pre else k))
    elif isinstance(d, list):
        for i, v in enumerate(d, 1):
            out.update(leaves(v, f"{pre}[{i}]"))
    elif d is not None and d != "":
        out[pre] = d
    return out


def accuracy(files: list[Path], data: dict) -> float:
    """Per annex: values read back equal to the sample's, wrong or missing ones, problems."""
    from toolkit.parse import parse_paths
    good = total = 0
    for f in files:
        n = int(f.stem.removeprefix("annex")[0])
        res = parse_paths([f])
        want = leaves({k: v for k, v in data[f"annex{n}"].items() if k != "photos"})
        read = leaves({k: v for k, v in res.data.get(f"annex{n}", {}).items() if k != "photos"})
        ok = sum(1 for k, v in want.items() if read.get(k) == v)
        extra = sum(1 for k in read if k not in want)
        probs = [p for p in res.problems if "照片" not in p.message]
        good, total = good + ok, total + len(want)
        print(f"  annex{n}: {ok}/{len(want)} values ({ok / max(len(want), 1):.1%}), "
              f"{len(want) - ok} wrong or missing, {extra} extra, {len(probs)} problems")
    share = good / max(total, 1)
    print(f"  all: {good}/{total} = {share:.2%}")
    return share


def peer_ratio(files: list[Path], rounds: int) -> None:
    """pdfplumber's ``extract_tables`` on the same files, timed in the same run."""
    import pdfplumber
    t = time.perf_counter()
    for _ in range(rounds):
        for f in files:
            parse_file(f)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(rounds):
        for f in files:
            with pdfplumber.open(f) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
    theirs = time.perf_counter() - t
    n = rounds * len(files)
    print(f"word, per file: qhsme {ours / n * 1000:.1f} ms, pdfplumber extract_tables "
          f"{theirs / n * 1000:.1f} ms, ratio qhsme/pdfplumber = {ours / theirs:.2f}")


def rate(files: list[Path], rounds: int) -> tuple[float, float]:
    """(files per second, worst seconds for one file)."""
    worst = 0.0
    t0 = time.perf_counter()
    for _ in range(rounds):
        for f in files:
            t = time.perf_counter()
            pf = parse_file(f)
            worst = max(worst, time.perf_counter() - t)
            assert pf.values, (f, [p.message for p in pf.problems])
    return rounds * len(files) / (time.perf_counter() - t0), worst


def pdftk_ratio(files: list[Path]) -> None:
    if shutil.which("pdftk") is None:
        print("pdftk: not installed, comparison skipped")
        return
    ours = theirs = 0.0
    for f in files:
        t = time.perf_counter()
        parse_file(f)
        ours += time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(["pdftk", str(f), "dump_data_fields_utf8"], check=True, capture_output=True)
        theirs += time.perf_counter() - t
    n = len(files)
    print(f"fillable, per file: qhsme {ours / n * 1000:.1f} ms, pdftk dump_data_fields_utf8 "
          f"{theirs / n * 1000:.1f} ms, ratio qhsme/pdftk = {ours / theirs:.2f}")


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_rate(files: dict[str, list[Path]], root: Path, apps: int = 8) -> dict[int, float]:
    """parse_batch files/s with 1 and 2 workers on ``apps`` applications (folders), each the
    fillable, flattened and DOCX annexes, and one scanned page when the ocr extra is here."""
    import shutil as sh

    from toolkit.parse.batch import parse_batch
    from toolkit.parse.scan import available, synth
    scan = None
    if not available():
        scan = synth.scan(synth.render_pdf(files["flat"][2].read_bytes())[0])     # annex 3 printed
    n = 0
    for k in range(apps):
        d = root / f"单位{k:02d}"
        d.mkdir(parents=True)
        for kind in ("fillable", "flat", "docx"):
            for f in files[kind]:
                sh.copy(f, d / f"{kind}-{f.name}")
                n += 1
        if scan and k % 4 == 0:                      # a scan in every fourth application
            (d / "附件3扫描.jpg").write_bytes(scan)
            n += 1
    out = {}
    for jobs in (1, 2):
        t = time.perf_counter()
        got = list(parse_batch(root, jobs=jobs))
        dt = time.perf_counter() - t
        out[jobs] = n / dt
        print(f"batch {jobs} worker{'s' if jobs > 1 else ' '}: {len(got)} applications, {n} files"
              f"{' (with scans)' if scan else ' (no scans: ocr extra missing)'} in {dt:.1f} s = {n / dt:.1f} files/s")
    print(f"batch speed-up with 2 workers: {out[2] / out[1]:.2f}x")
    return out


def main() -> int:
    if sys.argv[1:2] == ["--batch"]:               # only parse_batch, 1 vs 2 workers
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "files").mkdir()
            files = make(Path(tmp) / "files")
            batch_rate(files, Path(tmp) / "batch")
        return 0
    n_mem = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        files = make(Path(tmp))
        print(f"rendered {sum(map(len, files.values()))} test files in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        for n in range(1, 8):
            reference(n)
        print(f"layout references (blank forms, once per process): {time.perf_counter() - t:.1f} s")
        for f in files["fillable"] + files["flat"] + files["docx"]:
            parse_file(f)                                  # warm caches (fonts' maps, imports)
        results = {}
        for f in files["word"]:
            parse_file(f)
        for kind, rounds in (("fillable", 20), ("docx", 20), ("flat", 5), ("flat-93%", 5), ("word", 5)):
            if not files[kind]:
                print(f"{kind:10s} skipped (soffice not installed)")
                continue
            fps, worst = rate(files[kind], rounds)
            results[kind] = fps
            print(f"{kind:10s} {fps:7.1f} files/s   slowest file {worst * 1000:.0f} ms")
        pdftk_ratio(files["fillable"])
        word_share = None
        if files["word"]:
            print("word exports, values read back:")
            word_share = accuracy(files["word"], sample())
            peer_ratio(files["word"], 3)
        mixed = files["fillable"] + files["flat"]
        before = maxrss_mb()
        t = time.perf_counter()
        for i in range(n_mem):
            parse_file(mixed[i % len(mixed)])
        after = maxrss_mb()
        print(f"memory over {n_mem} files (half fillable, half flat, {time.perf_counter() - t:.0f} s): "
              f"ru_maxrss {before:.0f} MB before, {after:.0f} MB after (+{after - before:.0f} MB)")
        batch_rate(files, Path(tmp) / "batch")
    ok = results["flat"] >= TARGET_FLAT
    print(("OK" if ok else "TOO SLOW") + f": flattened {results['flat']:.1f} files/s (target >= {TARGET_FLAT})")
    for kind in ("fillable", "docx"):
        good = results[kind] >= TARGET_FORM
        ok = ok and good
        print(("OK" if good else "TOO SLOW") + f": {kind} {results[kind]:.1f} files/s (target >= {TARGET_FORM})")
    if word_share is not None:
        good = results["word"] >= TARGET_WORD and word_share >= TARGET_WORD_VALUES
        ok = ok and good
        print(("OK" if good else "NOT MET") + f": word exports {results['word']:.1f} files/s, {word_share:.1%} of "
              f"values (target >= {TARGET_WORD} files/s, >= {TARGET_WORD_VALUES:.0%})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
