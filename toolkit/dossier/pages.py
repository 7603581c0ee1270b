"""Attachment files as pages to place on A4: PDFs page by page, scans as images.

Every attachment page ends up drawn, as a form XObject, inside the content
area of an A4 portrait page of the dossier: scaled to fit with its aspect
ratio kept, landscape pages turned a quarter (top towards the binding edge),
EXIF rotation honoured, images above 300 dpi at their printed size
downsampled.  JPEG scans are embedded as they are (img2pdf), so the dossier
stays about the size of its inputs.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ..errors import InputError

A4 = (595.2756, 841.8898)            # points
MAX_DPI = 300
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif"}
MAX_IMAGE_PIXELS = 200_000_000


@dataclass
class Source:
    """Pages of one attachment file, in a pikepdf document of their own."""

    path: Path
    pdf: pikepdf.Pdf
    from_image: bool = False         # made from a scan here (img2pdf): no fonts in it

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages)


def open_attachment(path: Path, item_label: str) -> Source:
    """Read one attachment; errors name the file and the item it belongs to."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{item_label} 的文件不存在", file=str(path))
    head = path.read_bytes()[:8]
    suffix = path.suffix.lower()
    try:
        if head.startswith(b"%PDF"):
            return Source(path, _open_pdf(path, item_label))
        if suffix in IMAGE_SUFFIXES or head.startswith((b"\xff\xd8", b"\x89PNG", b"II*", b"MM\x00*")):
            return Source(path, image_pdf(path, item_label), from_image=True)
        if head.startswith(b"PK") and suffix == ".docx":
            return Source(path, pikepdf.open(io.BytesIO(docx_to_pdf(path, item_label))))
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - any decoder failure is a bad attachment
        raise InputError(f"{item_label} 的文件已损坏或无法读取（{type(e).__name__}）；请重新扫描或导出",
                         file=str(path))
    raise InputError(f"{item_label} 的文件格式不支持；请提供PDF、JPG/PNG/TIFF扫描件或.docx", file=str(path))


def _open_pdf(path: Path, item_label: str) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise InputError(f"{item_label} 的PDF设置了密码，无法装订；请取消密码后重新导出", file=str(path))
    except pikepdf.PdfError as e:
        raise InputError(f"{item_label} 的PDF已损坏（{str(e)[:80]}）；请重新导出", file=str(path))
    if len(pdf.pages) == 0:
        raise InputError(f"{item_label} 的PDF没有页面", file=str(path))
    if "/AcroForm" in pdf.Root:
        # a filled form: draw its fields' appearances into the pages, or the values would be
        # lost when the page is placed (annotations are not part of the page content)
        pdf.flatten_annotations("all")
    return pdf


def image_pdf(path: Path, item_label: str) -> pikepdf.Pdf:
    """A one-page PDF (one page per frame for multi-page TIFF) of a scan."""
    import img2pdf
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with Image.open(path) as im:
        frames = getattr(im, "n_frames", 1)
        w, h = im.size
        orientation = im.getexif().get(0x0112, 1)
        exif_turn = orientation in (5, 6, 7, 8)
        plain_jpeg = (im.format == "JPEG" and im.mode in ("L", "RGB") and orientation in (0, 1)
                      and "icc_profile" not in im.info and "adobe" not in im.info)
        grey = im.mode == "L"
    if exif_turn:
        w, h = h, w
    # printed size: fitted into A4's content area, turned when landscape
    long_px, short_px = max(w, h), min(w, h)
    fit_in = min(A4[1] * 0.88 / long_px, A4[0] * 0.86 / short_px)     # points per pixel
    dpi = 72 / fit_in
    if dpi <= MAX_DPI * 1.05 and plain_jpeg:
        return _jpeg_pdf(path.read_bytes(), w, h, "/DeviceGray" if grey else "/DeviceRGB")
    if dpi <= MAX_DPI * 1.05 and frames == 1 and _img2pdf_can_embed(path):
        data = img2pdf.convert(str(path), rotation=img2pdf.Rotation.ifvalid)
        return pikepdf.open(io.BytesIO(data))
    # too fine, or a format img2pdf cannot take as it is: downsample / convert once
    out = []
    with Image.open(path) as im:
        for i in range(frames):
            im.seek(i)
            frame = ImageOps.exif_transpose(im)
            scale = min(1.0, MAX_DPI / dpi)
            if scale < 1:
                frame = frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))),
                                     Image.LANCZOS)
            buf = io.BytesIO()
            if frame.mode in ("1",):
                frame.save(buf, "TIFF", compression="group4")
            elif frame.mode in ("L", "RGB") and path.suffix.lower() in (".jpg", ".jpeg"):
                frame.save(buf, "JPEG", quality=85, optimize=True)
            else:
                frame.convert("RGB" if frame.mode not in ("L",) else "L").save(buf, "PNG", optimize=False)
            out.append(buf.getvalue())
    dpi_used = min(dpi, MAX_DPI)
    data = img2pdf.convert(out, layout_fun=img2pdf.default_layout_fun, dpi=round(dpi_used))
    return pikepdf.open(io.BytesIO(data))


def _jpeg_pdf(data: bytes, w: int, h: int, colour: str) -> pikepdf.Pdf:
    """A plain JPEG (grey or RGB, upright, no profile) as it is, on a page of its pixel size:
    what img2pdf makes of it, without writing and reading back a PDF per scan."""
    pdf = pikepdf.new()
    image = pdf.make_stream(data)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = w, h, 8
    image.ColorSpace, image.Filter = pikepdf.Name(colour), pikepdf.Name.DCTDecode
    page = pdf.add_blank_page(page_size=(w, h))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode("ascii"))
    return pdf


def _img2pdf_can_embed(path: Path) -> bool:
    from PIL import Image
    with Image.open(path) as im:
        if im.format == "PNG" and (im.mode in ("RGBA", "LA", "P") and "transparency" in im.info
                                   or im.mode in ("RGBA", "LA")):
            return False          # alpha: img2pdf refuses it
        if im.format not in ("JPEG", "PNG", "TIFF"):
            return False
    return True


def docx_to_pdf(path: Path, item_label: str) -> bytes:
    """A DOCX attachment converted by LibreOffice, when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise InputError(f"{item_label} 是Word文件，装订需要先转换为PDF：请安装LibreOffice，"
                         "或在Word/WPS中“另存为PDF”后在清单中改用PDF文件", file=str(path))
    with tempfile.TemporaryDirectory(prefix="qhsme-soffice-") as tmp:
        res = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                              "--convert-to", "pdf", "--outdir", tmp, str(path)],
                             capture_output=True, timeout=180)
        out = Path(tmp) / (path.stem + ".pdf")
        if res.returncode != 0 or not out.exists():
            raise InputError(f"{item_label} 的Word文件无法用LibreOffice转换为PDF；请另存为PDF后提供",
                             file=str(path))
        return out.read_bytes()


def placement(target: pikepdf.Pdf, source_page: pikepdf.Page,
              box: tuple[float, float, float, float]) -> tuple[pikepdf.Object, bytes]:
    """``source_page`` as a form XObject of ``target`` and the content drawing it (as /Att0)
    inside ``box`` (x0, y0, x1, y1): fitted, centred, turned a quarter counter-clockwise
    when it is landscape."""
    xobj = target.copy_foreign(source_page.as_form_xobject(handle_transformations=True))
    llx, lly, urx, ury = [float(v) for v in xobj.BBox]
    m = [float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    # the displayed extent of the XObject: its bbox through its matrix
    xs, ys = [], []
    for x, y in ((llx, lly), (llx, ury), (urx, lly), (urx, ury)):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    x0, y0, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    bx0, by0, bx1, by1 = box
    bw, bh = bx1 - bx0, by1 - by0
    if w > h * 1.02:                                   # landscape: turn it
        s = min(bw / h, bh / w)
        # (x, y) -> (-s*(y - y0), s*(x - x0)), then moved into the box
        tx = bx0 + (bw - s * h) / 2 + s * h
        ty = by0 + (bh - s * w) / 2
        cm = (0, s, -s, 0, tx + s * y0, ty - s * x0)
    else:
        s = min(bw / w, bh / h)
        tx = bx0 + (bw - s * w) / 2
        ty = by0 + (bh - s * h) / 2
        cm = (s, 0, 0, s, tx - s * x0, ty - s * y0)
    return xobj, ("q " + " ".join(f"{v:.5f}" for v in cm) + " cm /Att0 Do Q\n").encode("ascii")
