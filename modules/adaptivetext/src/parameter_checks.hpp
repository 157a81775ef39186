// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Range checks of the public setters (doc/reliability.md). They throw StsOutOfRange (a number outside its
// range, NaN included) or StsBadArg (a value that is not one of an enum's), with a message that names the
// function, the parameter, the value and the valid range. CV_Check* is not used here because it always
// throws StsError, and callers (and the apps) tell a bad setting from other failures by the code.
#ifndef OPENCV_ADAPTIVETEXT_PARAMETER_CHECKS_HPP
#define OPENCV_ADAPTIVETEXT_PARAMETER_CHECKS_HPP

#include "precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** A probability-like threshold: 0 <= value <= 1. NaN fails both comparisons and is refused with the rest. */
inline void checkUnitInterval(const char* func, const char* param, float value)
{
    if (!(value >= 0.f && value <= 1.f))
        CV_Error(Error::StsOutOfRange,
                 format("%s: %s = %g is out of range: it must be in [0, 1] (and not NaN)", func, param, value));
}

/** lo <= value <= hi; `why` says what the bound is (it ends the message). */
inline void checkIntRange(const char* func, const char* param, int value, int lo, int hi, const char* why)
{
    if (value < lo || value > hi)
        CV_Error(Error::StsOutOfRange,
                 format("%s: %s = %d is out of range: it must be in [%d, %d]; %s", func, param, value, lo, hi, why));
}

/** 0 < value <= hi; NaN is refused with the rest. */
inline void checkPositive(const char* func, const char* param, float value, float hi)
{
    if (!(value > 0.f && value <= hi))
        CV_Error(Error::StsOutOfRange,
                 format("%s: %s = %g is out of range: it must be in (0, %g] (and not NaN)", func, param, value, hi));
}

/** An enum value: lo <= value <= hi. */
inline void checkEnum(const char* func, const char* param, int value, int lo, int hi, const char* names)
{
    if (value < lo || value > hi)
        CV_Error(Error::StsBadArg,
                 format("%s: %s = %d is not a valid value: it must be in [%d, %d] (%s)", func, param, value, lo, hi,
                        names));
}

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif
