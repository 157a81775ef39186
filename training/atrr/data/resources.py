# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Fonts and backgrounds for the synthetic generator, from Debian packages.

Fonts: fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf, fonts-lato, fonts-open-sans (Latin);
fonts-noto-cjk, fonts-wqy-zenhei, fonts-arphic-ukai (Chinese, and Latin too). Missing packages just give fewer
fonts. Backgrounds: photos and wallpapers of gnome-backgrounds and mate-backgrounds (/usr/share/backgrounds);
without them, procedural textures. Lists are sorted so a seed picks the same files on any machine that has
the same packages installed.
"""
import functools
import glob
import hashlib
import os

import cv2
import numpy as np
from PIL import ImageFont

FONT_ROOT = "/usr/share/fonts"
LATIN_FONT_DIRS = ("truetype/dejavu", "truetype/liberation2", "truetype/freefont", "truetype/lato",
                   "truetype/open-sans")
# strokes too thin to read at small sizes, or symbol fonts
EXCLUDED_FONT_WORDS = ("Math", "Hairline", "Thin", "Mono")
# (file, face index): index 2 of the Noto CJK collections is the Simplified Chinese face
CJK_FONTS = (("opentype/noto/NotoSansCJK-Regular.ttc", 2), ("opentype/noto/NotoSansCJK-Bold.ttc", 2),
             ("opentype/noto/NotoSerifCJK-Regular.ttc", 2), ("opentype/noto/NotoSerifCJK-Bold.ttc", 2),
             ("truetype/wqy/wqy-zenhei.ttc", 0), ("truetype/arphic/ukai.ttc", 0))
BACKGROUND_ROOT = "/usr/share/backgrounds"
BACKGROUND_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
BACKGROUND_MAX_SIDE = 1280  # backgrounds are kept at this long side; outputs are cropped from them
CACHE_DIR = os.path.join(os.path.expanduser("~"), ".cache", "atrr_synth")


def find_fonts(root=FONT_ROOT):
    """{'latin': [(path, index), ...], 'cjk': [...]}; CJK fonts also render Latin, so they join that list."""
    latin = []
    for d in LATIN_FONT_DIRS:
        for path in sorted(glob.glob(os.path.join(root, d, "*.ttf"))):
            if not any(w in os.path.basename(path) for w in EXCLUDED_FONT_WORDS):
                latin.append((path, 0))
    cjk = [(os.path.join(root, p), i) for p, i in CJK_FONTS if os.path.exists(os.path.join(root, p))]
    if not cjk:
        raise FileNotFoundError("no Chinese font under %s: install fonts-noto-cjk" % root)
    return {"latin": latin + cjk, "cjk": cjk}


@functools.lru_cache(maxsize=512)
def load_font(path, index, size):
    return ImageFont.truetype(path, int(size), index=int(index))


def find_backgrounds(root=BACKGROUND_ROOT):
    files = []
    for dirpath, _, names in os.walk(root):
        files.extend(os.path.join(dirpath, n) for n in names if n.lower().endswith(BACKGROUND_EXTENSIONS))
    return sorted(files)


def _cache_path(path):
    st = os.stat(path)
    key = hashlib.sha1(("%s|%d|%d|%d" % (path, st.st_size, int(st.st_mtime), BACKGROUND_MAX_SIDE)).encode())
    return os.path.join(CACHE_DIR, key.hexdigest()[:16] + ".png")


@functools.lru_cache(maxsize=64)
def load_background(path):
    """The photo at BACKGROUND_MAX_SIDE. Decoding a 4096-px wallpaper takes about a second, so the reduced copy
    is kept losslessly (PNG) under ~/.cache/atrr_synth: cached and fresh loads give identical pixels."""
    cached = _cache_path(path)
    image = cv2.imread(cached, cv2.IMREAD_COLOR) if os.path.exists(cached) else None
    if image is not None:
        return image
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise IOError("cannot read background %s" % path)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:  # transparent wallpapers: over mid grey, not the black IMREAD_COLOR would give
        alpha = image[..., 3:].astype(np.float32) / 255.0
        image = (image[..., :3] * alpha + 128.0 * (1 - alpha)).astype(np.uint8)
    if image.dtype != np.uint8:
        image = (image / 257).astype(np.uint8)
    s = BACKGROUND_MAX_SIDE / max(image.shape[:2])
    if s < 1:
        image = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    try:
        os.makedirs(CACHE_DIR, exist_ok=True)
        tmp = cached + ".%d.tmp.png" % os.getpid()  # parallel workers: write then rename, never a torn file
        cv2.imwrite(tmp, image)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home only costs speed
    return image


def crop_background(image, rng, width, height):
    """A random crop with the output's aspect ratio, 40..100 % of the largest that fits, resized."""
    h, w = image.shape[:2]
    aspect = width / float(height)
    max_w = min(w, h * aspect)
    cw = max_w * float(rng.uniform(0.4, 1.0))
    ch = cw / aspect
    x0 = float(rng.uniform(0, w - cw))
    y0 = float(rng.uniform(0, h - ch))
    crop = image[int(y0):int(y0 + ch), int(x0):int(x0 + cw)]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return cv2.resize(np.ascontiguousarray(crop), (width, height), interpolation=cv2.INTER_AREA)


def procedural_background(rng, width, height):
    """Smooth colour fields, soft shapes and grain: text-free clutter when no photo is available."""
    low = rng.uniform(0, 255, size=(int(rng.integers(2, 6)), int(rng.integers(2, 6)), 3)).astype(np.float32)
    image = cv2.resize(low, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(0, 8))):
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        kind = rng.integers(3)
        p1 = (int(rng.integers(width)), int(rng.integers(height)))
        p2 = (int(rng.integers(width)), int(rng.integers(height)))
        if kind == 0:
            cv2.rectangle(image, p1, p2, colour, -1)
        elif kind == 1:
            cv2.circle(image, p1, int(rng.integers(5, max(6, width // 3))), colour, -1)
        else:
            cv2.line(image, p1, p2, colour, int(rng.integers(1, 12)))
    image = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(1.0, 6.0)))
    image += float(rng.uniform(2, 12)) * rng.standard_normal(image.shape, dtype=np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)
