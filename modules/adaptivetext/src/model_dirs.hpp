// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Where the shipped models are looked for (doc/detector.md, "Default model"): an installed library finds them in
// its own install prefix, wherever that prefix was moved, without the source or build tree.
#ifndef OPENCV_ADAPTIVETEXT_MODEL_DIRS_HPP
#define OPENCV_ADAPTIVETEXT_MODEL_DIRS_HPP

#include "precomp.hpp"

namespace cv {
namespace adaptivetext {
namespace detail {

/** The folders searched for the shipped models, in order, without duplicates:
 *  1. $ADAPTIVETEXT_MODEL_DIR, when set and not empty (overrides everything);
 *  2. the models folder of the install prefix holding this library, found from the library file at run time
 *     (`<prefix>/share/adaptivetext/models` beside `<prefix>/lib`), so that a moved prefix still works;
 *  3. the source tree's data/models/ (a library used from its build tree);
 *  4. the models folder of the install prefix configured at build time (CMAKE_INSTALL_PREFIX).
 *  Folders that do not exist are listed too: the error of findShippedModel names every place searched. */
std::vector<String> defaultModelDirs();

/** The path of `fileName` in the first of defaultModelDirs() that holds it; "" when none does. */
String searchShippedModel(const String& fileName);

/** As searchShippedModel, but a missing file is an Error::StsObjectNotFound that lists the folders searched and
 *  says how to point the detector at a model. */
String findShippedModel(const String& fileName);

}  // namespace detail
}  // namespace adaptivetext
}  // namespace cv

#endif  // OPENCV_ADAPTIVETEXT_MODEL_DIRS_HPP
