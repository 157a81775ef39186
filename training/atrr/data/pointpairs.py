# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Ground-truth point pairs: polygon -> ordered (top, bottom) pairs along the reading direction, reduced.

A pair is one point of the top boundary and the matching point of the bottom boundary; the decoder predicts
them in reading order as rows `(x_top, y_top, x_bottom, y_bottom)`. The polygon they describe is
`top_0..top_{m-1}, bottom_{m-1}..bottom_0` (doc/model_format.md §2).

Reduction (Wang et al., CVPR 2019, §3.3): every vertex gets the angle between the vectors to its two
neighbours along the polygon (pi for a point on a straight edge, small for a sharp corner); a pair's angle is
the smaller of its two points'. Pairs are tried for removal in descending angle order and removed while the
remaining polygon still keeps more than `keep_ratio` (0.93) of the original; the first pair that cannot go
stops the reduction. The two end pairs are never removed, so at least 2 pairs remain.

"Keeps" is measured as the IoU of the remaining and the original polygon, not as the ratio of their areas: on a
bent text line the convex side loses about what the concave side gains when a middle pair goes, so a plain
area ratio would let an arc collapse into a straight quadrilateral.
"""
import numpy as np

from ..geometry import polygon_area, polygon_iou, signed_area

KEEP_RATIO = 0.93


def _as_points(polygon):
    pts = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    if len(pts) < 4:
        raise ValueError("a text polygon needs at least 4 points, got %d" % len(pts))
    return pts


def orient_clockwise(points):
    """Reverses a counter-clockwise polygon (on screen) but keeps its first point, so p0 stays the start of the
    top boundary: TL,BL,BR,TR becomes TL,TR,BR,BL."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if signed_area(pts) < 0:
        pts = np.concatenate([pts[:1], pts[:0:-1]], axis=0)
    return pts


def _chain_fractions(chain):
    """Normalised arc-length position of every vertex of a polyline, 0 at the first and 1 at the last."""
    seg = np.linalg.norm(np.diff(chain, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if cum[-1] <= 0:
        return np.linspace(0.0, 1.0, len(chain))
    return cum / cum[-1]


def _sample_chain(chain, fractions):
    pos = _chain_fractions(chain)
    return np.stack([np.interp(fractions, pos, chain[:, 0]), np.interp(fractions, pos, chain[:, 1])], axis=1)


def _path_length(chain):
    return float(np.linalg.norm(np.diff(chain, axis=0), axis=1).sum())


def _split_odd(pts):
    """Top/bottom chains of a polygon whose count gives no natural middle: the second end edge is the one that
    makes the two boundaries most nearly equal in length (the first end edge closes the polygon, p_{n-1}->p0)."""
    n = len(pts)
    best = None
    for k in range(1, n - 2):  # top = p0..pk, bottom = p_{k+1}..p_{n-1}, both with >= 2 points
        top, bottom = pts[:k + 1], pts[k + 1:][::-1]
        cost = abs(_path_length(top) - _path_length(bottom))
        if best is None or cost < best[0]:
            best = (cost, top, bottom)
    return best[1], best[2]


def _resample_equal(top, bottom):
    """Both chains sampled at the union of their vertices' arc-length fractions, so neither loses a vertex and
    the polygon's shape is unchanged; collinear extra points are pruned later by the reduction."""
    fractions = np.union1d(_chain_fractions(top), _chain_fractions(bottom))
    return _sample_chain(top, fractions), _sample_chain(bottom, fractions)


def polygon_to_pairs(polygon):
    """(m, 4) float32 pairs `(x_top, y_top, x_bottom, y_bottom)` in reading order, not reduced.

    - 4 points, p0->p1 the top edge (TL, TR, BR, BL): pairs (p0, p3), (p1, p2);
    - 2m points: the first half is the top, the second half reversed is the bottom (CTW1500, Total-Text);
    - other counts: top/bottom split at the end edge that balances their lengths, then resampled to equal
      counts.
    The polygon is first made clockwise on screen (keeping p0), so a counter-clockwise annotation still gives
    the top boundary first.
    """
    pts = orient_clockwise(_as_points(polygon))
    n = len(pts)
    if n % 2 == 0:
        top, bottom = pts[:n // 2], pts[n // 2:][::-1]
    else:
        top, bottom = _resample_equal(*_split_odd(pts))
    return np.concatenate([top, bottom], axis=1).astype(np.float32)


def pairs_to_polygon(pairs):
    """(2m, 2) polygon top_0..top_{m-1}, bottom_{m-1}..bottom_0 (the contract's order)."""
    p = np.asarray(pairs, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([p[:, 0:2], p[::-1, 2:4]], axis=0)


def vertex_angles(points):
    """Angle in [0, pi] at each vertex between the vectors to its previous and next neighbour."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    a = np.roll(pts, 1, axis=0) - pts
    b = np.roll(pts, -1, axis=0) - pts
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    cos = np.einsum("ij,ij->i", a, b) / np.maximum(na * nb, 1e-12)
    angles = np.arccos(np.clip(cos, -1.0, 1.0))
    # a repeated point carries no shape: treat it like a point on a straight edge, the first to go
    angles[(na < 1e-9) | (nb < 1e-9)] = np.pi
    return angles


def pair_angles(pairs):
    """Per pair, the smaller angle of its top and bottom point within the polygon of all pairs."""
    m = len(pairs)
    angles = vertex_angles(pairs_to_polygon(pairs))
    top = angles[:m]
    bottom = angles[m:][::-1]
    return np.minimum(top, bottom)


def reduce_pairs(pairs, keep_ratio=KEEP_RATIO):
    """The paper's reduction (see the module doc). Returns the kept pairs, still in reading order."""
    pairs = np.asarray(pairs, dtype=np.float32).reshape(-1, 4)
    m = len(pairs)
    if m <= 2:
        return pairs.copy()
    original = pairs_to_polygon(pairs)
    if polygon_area(original) <= 0:
        return pairs[[0, m - 1]].copy()  # a degenerate polygon has no shape to keep
    angles = pair_angles(pairs)
    # descending angle; a stable sort keeps reading order among equal angles so the result is deterministic
    order = [i for i in np.argsort(-angles, kind="stable") if 0 < i < m - 1]
    keep = np.ones(m, dtype=bool)
    for i in order:
        keep[i] = False
        if polygon_iou(pairs_to_polygon(pairs[keep]), original) <= keep_ratio:
            keep[i] = True
            break
    return pairs[keep].copy()


def ground_truth_pairs(polygon, keep_ratio=KEEP_RATIO):
    """polygon -> reduced pairs, the regression target of the point-pair decoder: float32 (m, 4), m >= 2."""
    return reduce_pairs(polygon_to_pairs(polygon), keep_ratio)
