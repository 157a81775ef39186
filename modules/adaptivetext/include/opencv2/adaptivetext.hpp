// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_ADAPTIVETEXT_HPP
#define OPENCV_ADAPTIVETEXT_HPP

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

/** @defgroup adaptivetext Arbitrary-shape scene text detection (adaptive text region representation)

Implements @cite wang2019arbitrary: a Text-RPN on an SE-VGG16 backbone proposes text boxes, a refinement
network scores each one and an LSTM emits one boundary point pair per step until its stop label fires, so
each detected text instance is a polygon with as many vertices as its shape needs.
*/

#include "opencv2/adaptivetext/layers.hpp"
#include "opencv2/adaptivetext/detector.hpp"
#include "opencv2/adaptivetext/evaluation.hpp"
#include "opencv2/adaptivetext/rectify.hpp"
#include "opencv2/adaptivetext/text_reader.hpp"

#endif  // OPENCV_ADAPTIVETEXT_HPP
