// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_PRECOMP_HPP
#define OPENCV_ADAPTIVETEXT_PRECOMP_HPP

#include <opencv2/core.hpp>
#include <opencv2/core/utils/trace.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/shape_utils.hpp>

#include "opencv2/adaptivetext/layers.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#endif
