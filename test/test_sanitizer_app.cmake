# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Proposed ctest entry `sanitizer_app` (issue 4 item 5: "a test runs the app under AddressSanitizer/UBSan
# once"). Enable it from test/CMakeLists.txt with `include(${CMAKE_CURRENT_SOURCE_DIR}/test_sanitizer_app.cmake)`.
#  - In a build configured with -DADAPTIVETEXT_SANITIZE=ON the app of this build is already instrumented:
#    the entry runs it (seconds; no second build).
#  - Otherwise the entry exists only with -DADAPTIVETEXT_SANITIZER_TEST=ON, and it builds the project a
#    second time with the sanitizers into <build>/sanitize first (19 minutes measured on 2 shared cores).
option(ADAPTIVETEXT_SANITIZER_TEST "Add the ctest entry that builds the project with ASan+UBSan and runs the app" OFF)

if(ADAPTIVETEXT_SANITIZE)
  add_test(NAME sanitizer_app COMMAND ${PROJECT_SOURCE_DIR}/tools/run_sanitizers.sh)
  set_tests_properties(sanitizer_app PROPERTIES TIMEOUT 600
    ENVIRONMENT "ADAPTIVETEXT_SANITIZE_BUILD_DIR=${PROJECT_BINARY_DIR};ADAPTIVETEXT_SANITIZE_SKIP_BUILD=1")
elseif(ADAPTIVETEXT_SANITIZER_TEST)
  add_test(NAME sanitizer_app COMMAND ${PROJECT_SOURCE_DIR}/tools/run_sanitizers.sh)
  set_tests_properties(sanitizer_app PROPERTIES TIMEOUT 2400
    ENVIRONMENT "ADAPTIVETEXT_SANITIZE_BUILD_DIR=${PROJECT_BINARY_DIR}/sanitize")
endif()
