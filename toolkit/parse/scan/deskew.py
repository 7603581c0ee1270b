"""Turn a page image upright: the skew is the angle of its printed table rules."""
from __future__ import annotations

import cv2
import numpy as np

from .rules import binarise, skew_degrees

MAX_SKEW = 5.0        # degrees: beyond this it is no rule of a straight-fed page; leave it


def rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    """``img`` turned by ``degrees`` (positive: counter-clockwise as seen), white outside."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    border = (255, 255, 255) if img.ndim == 3 else 255
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def deskew(rgb: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    """(the page upright, the skew found in degrees; 0.0 when no rule tells)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    angle = skew_degrees(binarise(grey), dpi)
    if angle is None or abs(angle) < 0.02 or abs(angle) > MAX_SKEW:
        return rgb, 0.0
    # a rule whose right end is lower (positive angle, y down) was turned clockwise as seen;
    # OpenCV's positive angle turns anticlockwise as seen: the same angle undoes it
    return rotate(rgb, angle), angle
