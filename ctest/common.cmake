# SPDX-License-Identifier: MIT
# Shared by the ctest/ scripts: where the tree and the build folder are, and
# the configure, build and test steps. Every failure ends in FATAL_ERROR, so
# that `ctest -S` exits non-zero (it returns 0 otherwise, whatever happened).
cmake_minimum_required(VERSION 3.25)

get_filename_component(FORKCHECK_SOURCE "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
cmake_host_system_information(RESULT FORKCHECK_CORES QUERY NUMBER_OF_LOGICAL_CORES)
if(NOT DEFINED JOBS)
  set(JOBS ${FORKCHECK_CORES})
endif()

# The build folder of script NAME: build/ctest-NAME, or -DBUILD_DIR=... .
macro(forkcheck_build_dir name)
  if(NOT DEFINED BUILD_DIR)
    set(BUILD_DIR "${FORKCHECK_SOURCE}/build/ctest-${name}")
  endif()
  get_filename_component(BUILD_DIR "${BUILD_DIR}" ABSOLUTE)
  set(CTEST_SOURCE_DIRECTORY "${FORKCHECK_SOURCE}")
  set(CTEST_BINARY_DIRECTORY "${BUILD_DIR}")
  # Not ctest's legacy script mode, which would run the whole suite again
  # after the script (and fail for want of CTEST_COMMAND).
  set(CTEST_RUN_CURRENT_SCRIPT 0)
  message(STATUS "forkcheck ${name}: source ${FORKCHECK_SOURCE}, build ${BUILD_DIR}")
endmacro()

function(forkcheck_run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "forkcheck: ${what} failed (${rc})")
  endif()
endfunction()

# Configures BUILD_DIR with Ninja and the given cache options, then builds it.
function(forkcheck_configure_and_build)
  forkcheck_run("configure" ${CMAKE_COMMAND} -S "${FORKCHECK_SOURCE}" -B "${BUILD_DIR}"
                -G Ninja ${ARGN})
  forkcheck_run("build" ${CMAKE_COMMAND} --build "${BUILD_DIR}" --parallel ${JOBS})
endfunction()

# Test names in BUILD_DIR carrying label LABEL (exact match); empty if none.
function(forkcheck_label_exists label out)
  execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir "${BUILD_DIR}" -N
                          -L "^${label}$"
                  OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND listing MATCHES "Total Tests: ([0-9]+)" AND NOT CMAKE_MATCH_1 EQUAL 0)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# ctest's label arguments from -DLABELS=regex and -DEXCLUDE_LABELS=regex. The
# mutants test the test suite and the gallery judges other people's servers,
# not this project's code, and both verdicts depend on timing a sanitizer
# build distorts: by default they are left to the dev build (ctest --preset
# mutants, ctest --preset gallery); -DEXCLUDE_LABELS= includes them.
function(forkcheck_label_select out)
  set(select)
  if(DEFINED LABELS)
    list(APPEND select -L "${LABELS}")
  endif()
  if(NOT DEFINED EXCLUDE_LABELS)
    set(EXCLUDE_LABELS "mutants|gallery")
  endif()
  if(NOT EXCLUDE_LABELS STREQUAL "")
    list(APPEND select -LE "${EXCLUDE_LABELS}")
  endif()
  set(${out} ${select} PARENT_SCOPE)
endfunction()

# Ends script NAME: a FATAL_ERROR if it found FINDINGS (counted, of the kind
# WHAT, e.g. "sanitizer report(s)", already shown) or if ctest returned
# nonzero TESTS_RC, else one line saying so.
function(forkcheck_verdict name findings what tests_rc)
  if(findings GREATER 0)
    message(FATAL_ERROR "forkcheck ${name}: ${findings} ${what}, shown above")
  endif()
  if(NOT tests_rc EQUAL 0)
    message(FATAL_ERROR "forkcheck ${name}: tests failed")
  endif()
  message("forkcheck ${name}: all tests passed, no ${what}")
endfunction()

# Runs ctest on BUILD_DIR with the given arguments, output shown on failure.
# Sets RESULT in the caller to ctest's exit code.
function(forkcheck_ctest)
  execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir "${BUILD_DIR}" --output-on-failure
                          --parallel ${JOBS} ${ARGN}
                  RESULT_VARIABLE rc)
  set(RESULT ${rc} PARENT_SCOPE)
endfunction()
