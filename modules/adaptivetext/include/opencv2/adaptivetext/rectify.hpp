// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_RECTIFY_HPP
#define OPENCV_ADAPTIVETEXT_RECTIFY_HPP

#include <opencv2/core.hpp>

namespace cv {
namespace adaptivetext {

//! @addtogroup adaptivetext
//! @{

/** @brief Unwarps a (curved) text polygon into a straight strip, for a text recogniser.

The polygon is in the detector's vertex order (doc/model_format.md §2): n >= 2 top points along the reading
direction, then the n bottom points back, so vertex i and vertex 2n-1-i form point pair i, a cross section
of the text. The strip's x runs along the text, its y from the top boundary to the bottom one: top point i
lands on (x_i, 0) and bottom point i on (x_i, h-1), where x_i is the length of the centre line (through the
pairs' midpoints) up to pair i, scaled like the height. Piecewise perspective: a 4-point polygon is one
perspective transform; with more pairs every pair-to-pair quad is cut into 4 bands at even steps along its
pairs, each band mapped by its own perspective transform (this keeps text spread evenly along each pair, as
on an arc, instead of foreshortened towards the quad's shorter side).

- Size: h = `height`, or the mean pair length (at least 2) when `height` is 0; w = 1 + the summed length
  of the centre line times (h-1) / mean pair length, so the text keeps its aspect.
- A 4-point polygon gives exactly `warpPerspective(image, strip, getPerspectiveTransform(src, dst), size,
  INTER_LINEAR, BORDER_REPLICATE)` with src = the 4 vertices and dst = (0,0), (w-1,0), (w-1,h-1), (0,h-1).
- Vertical text: when the centre line runs downwards more than sideways (from its first to its last point,
  dy > |dx|: the line is taller than it is long, as vertical Chinese is), the strip is returned as an
  upright column instead: width = the strip height above, height = the strip width above, reading order
  from top to bottom, top boundary on the right. This is the horizontal strip turned 90 degrees clockwise, which
  keeps upright glyphs (CJK columns) upright. See isVerticalText().

@param image 8-bit or float image with 1 to 4 channels
@param polygon 2n points (n >= 2): vector<Point>, vector<Point2f> or an N x 2 / N x 1 x 2 array of int32,
       float32 or float64; every point inside the image ([0, cols-1] x [0, rows-1])
@param strip the rectified text, same type as image
@param height strip height in pixels (the column's width for vertical text), >= 2; 0 = mean pair length
@throws cv::Exception (StsBadArg) for fewer than 4 points, an odd count, a point outside the image or not
        finite, a zero-area polygon, height 1 or negative, or a polygon whose pairs or centre line have zero length
*/
CV_EXPORTS_W void rectifyText(InputArray image, InputArray polygon, OutputArray strip, int height = 0);

/** @brief Whether rectifyText() turns this polygon into a column (vertical text).

True when the polygon's centre line runs downwards more than sideways (dy > |dx| from the first pair's
midpoint to the last one's). The polygon is validated as in rectifyText(), except for the image bounds.
*/
CV_EXPORTS_W bool isVerticalText(InputArray polygon);

//! @}

}  // namespace adaptivetext
}  // namespace cv

#endif  // OPENCV_ADAPTIVETEXT_RECTIFY_HPP
