// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Graph outputs → polygons in frame pixels (doc/model_format.md §2 and §5).
#ifndef OPENCV_ADAPTIVETEXT_POSTPROCESS_HPP
#define OPENCV_ADAPTIVETEXT_POSTPROCESS_HPP

#include "precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** The graph outputs the detector reads, in this order (names of doc/model_format.md §2). */
const std::vector<String>& detectorOutputNames();
enum DetectorOutput { OUT_ROIS = 0, OUT_RPN_SCORES, OUT_TEXT_SCORES, OUT_BOX_DELTAS, OUT_PAIRS, OUT_NUM_PAIRS };

struct TextPolygons
{
    std::vector<std::vector<Point2f> > polygons;  //!< frame pixels, clipped, vertex order of §2
    std::vector<float> scores;                    //!< text_scores of each polygon
};

/** Step 1 and 2 of §5: keeps the non-padding RoIs with text score >= scoreThreshold and >= 2 point
 *  pairs, builds each polygon (tops along the reading direction, then bottoms back), maps it from the
 *  network input (netSize) to the frame (frameSize) and clips every vertex to [0, cols-1] x [0, rows-1].
 *  RoIs with a non-finite (NaN, inf) rois row, score, num_pairs or used pair coordinate are dropped.
 *  Checks the output shapes against each other (a model that breaks §2 fails with a message). */
TextPolygons decodePolygons(const std::vector<Mat>& outs, float scoreThreshold, const Size& netSize,
                            const Size& frameSize);

/** Step 3 of §5: greedy polygon NMS in descending score order (ties: earlier first); a polygon is dropped
 *  when its polygonIoU() with a kept one is > nmsThreshold. Returns the kept polygons in that order. */
TextPolygons suppressOverlaps(const TextPolygons& in, float nmsThreshold);

/** Two-scale merge (AdaptiveTextDetector::setSmallTextPass): the polygons of `large` (the first, smaller
 *  input) whose minimum-area rectangle is at least splitHeight frame pixels thick, then those of `small` (the
 *  second, larger input) thinner than that. The NMS runs afterwards, over both. */
TextPolygons mergeScales(const TextPolygons& large, const TextPolygons& small, float splitHeight);

/** Rounds the vertices to integer pixels (they are already inside the frame). */
std::vector<std::vector<Point> > toIntegerPolygons(const std::vector<std::vector<Point2f> >& polygons);

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
