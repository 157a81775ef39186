# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Polygon areas and IoU, shared by the point-pair reduction (data/pointpairs.py, its 0.93 rule), the synthetic
generator and the fallback matcher of validate.py (its 0.5 threshold).

Exact with shapely (Debian python3-shapely); where it is missing (e.g. a GPU machine's Python) a rasterisation
at >= 256 px across the pair, accurate to about 1 %, which is enough for both thresholds.
"""
import numpy as np


def _points(polygon):
    return np.asarray(polygon, dtype=np.float64).reshape(-1, 2)


def signed_area(points):
    """Shoelace area; positive when the points run clockwise on screen (x right, y down)."""
    pts = _points(points)
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def polygon_area(points):
    return abs(signed_area(points))


def _shapely_polygon(points):
    from shapely.geometry import Polygon  # imported here so that readers and training work without it
    poly = Polygon(_points(points))
    if not poly.is_valid:
        poly = poly.buffer(0)  # self-touching annotations: take the area they enclose
    return poly


def raster_areas(a, b):
    """(area of a, area of b, area of a ∩ b) from masks drawn at >= 256 px across the pair."""
    import cv2
    a, b = _points(a), _points(b)
    both = np.vstack([a, b])
    lo = both.min(axis=0)
    scale = 256.0 / max(float((both.max(axis=0) - lo).max()), 1e-6)
    size = (int(np.ceil((both.max(axis=0) - lo).max() * scale)) + 2,) * 2
    masks = []
    for poly in (a, b):
        mask = np.zeros(size, np.uint8)
        cv2.fillPoly(mask, [np.rint((poly - lo) * scale).astype(np.int32)], 1)
        masks.append(mask.astype(bool))
    px = scale * scale
    return masks[0].sum() / px, masks[1].sum() / px, (masks[0] & masks[1]).sum() / px


def polygon_areas(a, b):
    """(area of a, area of b, area of a ∩ b) for simple (possibly concave) polygons given as (n, 2) points."""
    try:
        pa, pb = _shapely_polygon(a), _shapely_polygon(b)
    except ImportError:
        return raster_areas(a, b)
    return pa.area, pb.area, pa.intersection(pb).area


def polygon_iou(a, b):
    """Intersection over union of two simple (possibly concave) polygons; 0 when both are empty."""
    area_a, area_b, inter = polygon_areas(a, b)
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0
