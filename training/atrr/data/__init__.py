# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Training data: readers of the benchmark formats, point-pair ground truth, augmentation, the torch Dataset
and the synthetic curved-text generator. See doc/data.md."""
from .pointpairs import ground_truth_pairs, pairs_to_polygon, polygon_to_pairs, reduce_pairs
from .readers import (TextRecord, read_ctw1500_txt, read_ctw1500_xml, read_icdar2015, read_td500_dir,
                      read_td500_gt, read_totaltext, read_uniform_split)

__all__ = ["TextRecord", "ground_truth_pairs", "pairs_to_polygon", "polygon_to_pairs", "reduce_pairs",
           "read_ctw1500_txt", "read_ctw1500_xml", "read_icdar2015", "read_td500_dir", "read_td500_gt",
           "read_totaltext", "read_uniform_split"]
