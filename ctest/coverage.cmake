# SPDX-License-Identifier: MIT
# ctest -S ctest/coverage.cmake [-DBUILD_DIR=dir] [-DJOBS=n] [-DLABELS=regex]
#                               [-DEXCLUDE_LABELS=regex]
#
# gcov + gcovr over src/: lines and branches, an HTML report in
# BUILD_DIR/coverage/index.html and a one-line summary. Every suite but the
# mutants and the gallery runs (or those of -DLABELS=regex). Needs gcovr (apt-get install gcovr).
# Branches that exist only for exceptions the code never throws, and those the
# compiler proves unreachable, are left out (--exclude-throw-branches,
# --exclude-unreachable-branches); what is left is the code's own decisions,
# its error branches included.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")
forkcheck_build_dir(coverage)

find_program(GCOVR gcovr)
if(NOT GCOVR)
  message(FATAL_ERROR "gcovr not found; install it with:\n  apt-get install -y gcovr")
endif()

# serverfork's children end with _exit, or raise the SIGTERM they die of,
# which skip writing .gcda files: wrap both to dump the counters first
# (gcov_exit.c).
file(MAKE_DIRECTORY "${BUILD_DIR}")
forkcheck_run("compiling gcov_exit.c" cc -c -O2 -Wall -Wextra -Werror
              "${CMAKE_CURRENT_LIST_DIR}/gcov_exit.c" -o "${BUILD_DIR}/gcov_exit.o")
forkcheck_configure_and_build(
  -DCMAKE_BUILD_TYPE=Debug
  "-DCMAKE_CXX_FLAGS=--coverage -O0"
  "-DCMAKE_C_FLAGS=--coverage -O0"
  "-DCMAKE_EXE_LINKER_FLAGS=--coverage -Wl,--wrap=_exit,--wrap=raise ${BUILD_DIR}/gcov_exit.o")

# Counters of an earlier run would add up with this one.
file(GLOB_RECURSE old_counts "${BUILD_DIR}/*.gcda")
if(old_counts)
  file(REMOVE ${old_counts})
endif()

forkcheck_label_select(select)
forkcheck_ctest(--timeout 600 ${select})
set(tests_rc ${RESULT})

set(report "${BUILD_DIR}/coverage")
file(REMOVE_RECURSE "${report}")
file(MAKE_DIRECTORY "${report}")
execute_process(
  COMMAND ${GCOVR} --root "${FORKCHECK_SOURCE}" --filter "${FORKCHECK_SOURCE}/src/"
          --object-directory "${BUILD_DIR}"
          --exclude-throw-branches --exclude-unreachable-branches
          --txt "${report}/coverage.txt"
          --html-details "${report}/index.html"
          --print-summary
  WORKING_DIRECTORY "${BUILD_DIR}"
  OUTPUT_VARIABLE summary RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "forkcheck coverage: gcovr failed (${rc})\n${summary}")
endif()
string(REGEX MATCH "lines: ([0-9.]+%) \\(([0-9]+) out of ([0-9]+)\\)" _ "${summary}")
set(lines "${CMAKE_MATCH_1} (${CMAKE_MATCH_2}/${CMAKE_MATCH_3})")
string(REGEX MATCH "branches: ([0-9.]+%) \\(([0-9]+) out of ([0-9]+)\\)" _ "${summary}")
set(branches "${CMAKE_MATCH_1} (${CMAKE_MATCH_2}/${CMAKE_MATCH_3})")
message("coverage of src/: lines ${lines}, branches ${branches}; "
        "report: ${report}/index.html")
forkcheck_verdict(coverage 0 "failure" "${tests_rc}")
