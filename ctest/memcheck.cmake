# SPDX-License-Identifier: MIT
# ctest -S ctest/memcheck.cmake [-DBUILD_DIR=dir] [-DJOBS=n] [-DLABELS=regex]
#
# valgrind memcheck through ctest_memcheck, following every process: the test
# binaries, the serverfork and msgclient they exec, and serverfork's forked
# children (--trace-children=yes, --child-silent-after-fork=no). Each process
# logs to its own file (valgrind-children.sh) and CTest counts the defects of
# all of them. The run fails on any defect or failed test.
#
# Bounded: by default only the labels `unit` and `e2e` (about 4 minutes on
# two cores, build included); -DLABELS=regex selects others (e.g. "properties|faults").
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")
forkcheck_build_dir(memcheck)
if(NOT DEFINED LABELS)
  set(LABELS "^(unit|e2e)$")
endif()

# No sanitizer, no optimisation: valgrind reports exact lines.
forkcheck_configure_and_build(-DCMAKE_BUILD_TYPE=Debug)

find_program(CTEST_MEMORYCHECK_COMMAND valgrind)
if(NOT CTEST_MEMORYCHECK_COMMAND)
  message(FATAL_ERROR "valgrind not found: apt-get install valgrind")
endif()
set(CTEST_MEMORYCHECK_TYPE Valgrind)
set(CTEST_MEMORYCHECK_COMMAND "${CMAKE_CURRENT_LIST_DIR}/valgrind-children.sh")
set(CTEST_MEMORYCHECK_SUPPRESSIONS_FILE "${CMAKE_CURRENT_LIST_DIR}/valgrind.supp")
# Leaks: only definite and indirect ones count. A forked child ends with
# _exit while its frames still own their buffers (reachable, not a leak).
# --run-libc-freeres=no: glibc's freeres at exit calls clearenv(), which drops
# the only pointer to serverfork's copy of the environment (proctitle.cpp) and
# would turn it into a "definitely lost" block that no real run ever loses.
string(JOIN " " CTEST_MEMORYCHECK_COMMAND_OPTIONS
  --tool=memcheck --trace-children=yes --child-silent-after-fork=no
  --run-libc-freeres=no
  --leak-check=full --show-leak-kinds=definite,indirect
  --errors-for-leak-kinds=definite,indirect
  --track-origins=yes --num-callers=30 --error-exitcode=99)

# Logs of an earlier run would be counted again.
file(REMOVE_RECURSE "${BUILD_DIR}/Testing/Temporary")
ctest_start(Experimental)
# ProcessesNameThemselvesForPs: under valgrind, /proc/PID/cmdline is
# valgrind's own, which serverfork's process title cannot reach.
# REPEAT UNTIL_PASS:2: the e2e tests have deadlines of a few seconds, which a
# loaded machine under valgrind can miss once (a defect, being in the same
# code, shows again in the retry).
ctest_memcheck(INCLUDE_LABEL "${LABELS}" EXCLUDE "ProcessesNameThemselvesForPs"
               PARALLEL_LEVEL ${JOBS} REPEAT UNTIL_PASS:2
               RETURN_VALUE tests_rc DEFECT_COUNT defects)

# Show the log of every test with a defect (every process, every finding,
# ends in its own nonzero ERROR SUMMARY line).
file(GLOB logs "${BUILD_DIR}/Testing/Temporary/MemoryChecker.*.log")
foreach(log IN LISTS logs)
  file(STRINGS "${log}" bad REGEX "ERROR SUMMARY: [1-9]")
  if(bad)
    file(READ "${log}" text)
    message("==== valgrind log ${log}\n${text}")
  endif()
endforeach()
file(GLOB failed_lists "${BUILD_DIR}/Testing/Temporary/LastTestsFailed*.log")
foreach(list IN LISTS failed_lists)
  file(READ "${list}" names)
  if(names)
    message("==== failed tests (number:name; output in "
            "${BUILD_DIR}/Testing/Temporary/LastDynamicAnalysis_*.log):\n${names}")
  endif()
endforeach()
forkcheck_verdict(memcheck "${defects}" "defect(s)" "${tests_rc}")
