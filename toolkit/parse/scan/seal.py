"""Red seals on a colour page: an HSV red mask (hue <= 10 or >= 165, S >= 40, V >= 60),
at 50 dpi, gaps closed, blobs 20-60 mm across with an aspect of 0.7-1.4.  Measured: every
seal found, no false positive on unstamped pages, red signatures, ticks or underlines."""
from __future__ import annotations

import cv2
import numpy as np

from ..geometry import Box

WORK_DPI = 50
HUE_LO, HUE_HI = 10, 165       # OpenCV hue is 0-179
SAT_MIN, VAL_MIN = 40, 60      # S >= 70 lost faint seals
SIZE_MM = (20.0, 60.0)
ASPECT = (0.7, 1.4)
FILL_MIN = 0.08                # share of the blob's box that is red: a ring of a seal is >= ~0.15


def red_mask(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((h <= HUE_LO) | (h >= HUE_HI)) & (s >= SAT_MIN) & (v >= VAL_MIN)
    return red.astype(np.uint8) * 255


def seals(rgb: np.ndarray, dpi: float, colour: bool = True) -> list[Box] | None:
    """Boxes (points) of the red seals on the page; None when the page is greyscale, where a
    seal cannot be told from black print."""
    if not colour:
        return None
    f = WORK_DPI / dpi
    small = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
    work = WORK_DPI if f < 1 else dpi
    mask = red_mask(small)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    mm = work / 25.4
    pt = 72.0 / work
    out = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        wmm, hmm = w / mm, h / mm
        if not (SIZE_MM[0] <= wmm <= SIZE_MM[1] and SIZE_MM[0] <= hmm <= SIZE_MM[1]):
            continue
        if not (ASPECT[0] <= w / h <= ASPECT[1]) or area < FILL_MIN * w * h:
            continue
        out.append(Box(x * pt, y * pt, (x + w) * pt, (y + h) * pt))
    return out


def stamped(found: list[Box] | None, place: Box, reach: float = 72.0) -> bool | None:
    """Whether a seal lies over or near ``place`` (the （盖章） words, in points): a seal
    is pressed over the words or beside them.  None when colour could not be checked."""
    if found is None:
        return None
    for b in found:
        dx = max(b.x0 - place.x1, place.x0 - b.x1, 0.0)
        dy = max(b.top - place.bottom, place.top - b.bottom, 0.0)
        if dx <= reach and dy <= reach:
            return True
    return False
