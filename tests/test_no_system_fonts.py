"""Every PDF the toolkit writes embeds only its bundled fonts, and it works on a machine with
no system font at all (a minimal container).  Reproduced with a fontconfig that lists no font
directory: before the fix the dossier's stylesheet reached WeasyPrint HTML-escaped, its pages
fell back to whatever CJK font the system had, and with none Pango crashed (exit 139)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, SAMPLES

OURS = ("QhsmeSerif", "QhsmeField", "QhsmeLabels", "QhsmeRare")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """``qhsme demo`` and ``qhsme summary --out …pdf`` run with an empty font configuration."""
    tmp = tmp_path_factory.mktemp("nofonts")
    conf = tmp / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><cachedir>{tmp / 'fc-cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), FONTCONFIG_PATH=str(tmp))
    out = tmp / "demo"
    qhsme = [sys.executable, "-m", "toolkit"]
    demo = subprocess.run(qhsme + ["demo", "--out", str(out)], env=env, capture_output=True,
                          text=True, timeout=900)
    summary = subprocess.run(qhsme + ["summary", str(SAMPLES / "xining-complete.yaml"),
                                      str(SAMPLES / "yushu-qingnan.yaml"), "--year", "2025",
                                      "--out", str(tmp / "annex6.pdf")],
                             env=env, capture_output=True, text=True, timeout=300)
    return tmp, out, demo, summary


def _fc_has_no_fonts(env_tmp: Path) -> bool:
    """The empty configuration really hides every system font (fc-list, where installed)."""
    from shutil import which
    if which("fc-list") is None:
        return True
    conf = env_tmp / "fonts.conf"
    res = subprocess.run(["fc-list"], env=dict(os.environ, FONTCONFIG_FILE=str(conf)),
                         capture_output=True, text=True)
    return res.stdout.strip() == ""


def test_demo_runs_without_any_system_font(written):
    tmp, out, demo, summary = written
    assert _fc_has_no_fonts(tmp)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert summary.returncode == 0, summary.stderr[-3000:]
    for res in (demo, summary):
        assert "Pango-CRITICAL" not in res.stderr
        assert "No fonts configured" not in res.stderr       # a misleading warning for a user


def _fonts(pdf: pikepdf.Pdf):
    """(base font name, embedded?, where) of every font dictionary in the file."""
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        if obj.get("/Subtype") == "/CIDFontType2" or obj.get("/Subtype") == "/CIDFontType0":
            continue                                            # described by its Type0 parent
        base = str(obj.get("/BaseFont", "/?"))[1:]
        target = obj.DescendantFonts[0] if "/DescendantFonts" in obj else obj
        desc = target.get("/FontDescriptor")
        embedded = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        yield base, embedded, obj.objgen


def _field_dr_fonts(pdf: pikepdf.Pdf) -> set:
    """Fonts listed only in /AcroForm /DR: a fillable form's tick font for viewers."""
    dr = pdf.Root.get("/AcroForm", {}).get("/DR", {}).get("/Font", {})
    return {v.objgen for v in dr.values()} if isinstance(dr, pikepdf.Dictionary) else set()


def test_every_pdf_written_embeds_only_the_bundled_fonts(written):
    tmp, out, demo, summary = written
    assert demo.returncode == 0
    pdfs = sorted(out.rglob("*.pdf")) + [tmp / "annex6.pdf"]
    assert len(pdfs) >= 20, pdfs                 # blanks, filled, prints, bound copies, pieces
    bad = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            flattened = "/AcroForm" not in pdf.Root or not pdf.Root.AcroForm.get("/Fields")
            dr = set() if flattened else _field_dr_fonts(pdf)
            for base, embedded, objgen in _fonts(pdf):
                name = base.split("+", 1)[-1]
                if base == "ZapfDingbats" and objgen in dr:
                    continue         # the tick font a viewer uses when it redraws a tick box
                if not embedded or not name.startswith(OURS):
                    bad.append(f"{path.relative_to(tmp)}: {base}{'' if embedded else '（未嵌入）'}")
    assert not bad, "\n".join(bad)
