// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// detail::makeInputBlob, the detector's preprocessing (compiled into this test from the module's source, as
// the library keeps it hidden): the 1x3xHxW blob must hold frame(y, x)[c] at [0, c, y, x], exactly what
// dnn::blobFromImage gives (the reference), for landscape and portrait frames, ROIs (non-continuous rows), gray and BGRA.
#include "preprocess.hpp"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <boost/test/unit_test.hpp>

namespace {

cv::Mat randomFrame(int rows, int cols, int type, uint64 seed)
{
    cv::Mat frame(rows, cols, type);
    cv::RNG rng(seed);
    rng.fill(frame, cv::RNG::UNIFORM, 0, 256);
    return frame;
}

/** The reference: OpenCV's own blobFromImage of the same resized BGR image. */
cv::Mat referenceBlob(const cv::Mat& bgr)
{
    return cv::dnn::blobFromImage(bgr, 1.0, cv::Size(), cv::Scalar(), false, false, CV_32F);
}

void checkShape(const cv::Mat& blob, const cv::Size& netSize)
{
    BOOST_REQUIRE_EQUAL(blob.dims, 4);
    BOOST_CHECK_EQUAL(blob.size[0], 1);
    BOOST_CHECK_EQUAL(blob.size[1], 3);
    BOOST_CHECK_EQUAL(blob.size[2], netSize.height);
    BOOST_CHECK_EQUAL(blob.size[3], netSize.width);
    BOOST_CHECK_EQUAL(blob.type(), CV_32F);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preprocess)

BOOST_AUTO_TEST_CASE(blob_holds_each_channel_as_a_plane_landscape_and_portrait)
{
    const cv::Size sizes[] = { cv::Size(64, 48), cv::Size(48, 64), cv::Size(1280, 736), cv::Size(17, 3) };
    for (const cv::Size& s : sizes)
    {
        const cv::Mat frame = randomFrame(s.height, s.width, CV_8UC3, 7 + s.area());
        const cv::Mat blob = cv::adaptivetext::detail::makeInputBlob(frame, s);
        checkShape(blob, s);
        // By hand at a few pixels: channel c of pixel (y, x) at [0, c, y, x].
        const cv::Point probes[] = { cv::Point(0, 0), cv::Point(s.width - 1, s.height - 1), cv::Point(s.width / 2, s.height / 3) };
        for (const cv::Point& p : probes)
            for (int c = 0; c < 3; ++c)
            {
                const int idx[] = { 0, c, p.y, p.x };
                BOOST_CHECK_EQUAL(blob.at<float>(idx), (float)frame.at<cv::Vec3b>(p)[c]);
            }
        BOOST_CHECK_EQUAL(cv::norm(blob, referenceBlob(frame), cv::NORM_INF), 0.0);
    }
}

BOOST_AUTO_TEST_CASE(roi_frame_with_row_padding)
{
    const cv::Mat big = randomFrame(90, 130, CV_8UC3, 3);
    const cv::Mat roi = big(cv::Rect(5, 7, 64, 48));
    BOOST_REQUIRE(!roi.isContinuous());
    const cv::Mat blob = cv::adaptivetext::detail::makeInputBlob(roi, roi.size());
    checkShape(blob, roi.size());
    BOOST_CHECK_EQUAL(cv::norm(blob, referenceBlob(roi.clone()), cv::NORM_INF), 0.0);
}

BOOST_AUTO_TEST_CASE(resized_gray_and_bgra_frames_become_bgr_planes)
{
    const cv::Size netSize(64, 32);
    const cv::Mat gray = randomFrame(60, 100, CV_8UC1, 11);
    const cv::Mat bgra = randomFrame(60, 100, CV_8UC4, 12);
    cv::Mat resized, bgr;
    cv::resize(gray, resized, netSize, 0, 0, cv::INTER_AREA);  // shrinking: INTER_AREA
    cv::cvtColor(resized, bgr, cv::COLOR_GRAY2BGR);
    BOOST_CHECK_EQUAL(cv::norm(cv::adaptivetext::detail::makeInputBlob(gray, netSize), referenceBlob(bgr), cv::NORM_INF), 0.0);
    cv::resize(bgra, resized, netSize, 0, 0, cv::INTER_AREA);
    cv::cvtColor(resized, bgr, cv::COLOR_BGRA2BGR);
    BOOST_CHECK_EQUAL(cv::norm(cv::adaptivetext::detail::makeInputBlob(bgra, netSize), referenceBlob(bgr), cv::NORM_INF), 0.0);
    const cv::Size bigger(128, 96);  // enlarging: INTER_LINEAR
    cv::resize(bgra, resized, bigger, 0, 0, cv::INTER_LINEAR);
    cv::cvtColor(resized, bgr, cv::COLOR_BGRA2BGR);
    BOOST_CHECK_EQUAL(cv::norm(cv::adaptivetext::detail::makeInputBlob(bgra, bigger), referenceBlob(bgr), cv::NORM_INF), 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
