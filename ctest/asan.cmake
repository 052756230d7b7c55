# SPDX-License-Identifier: MIT
# ctest -S ctest/asan.cmake [-DBUILD_DIR=dir] [-DJOBS=n] [-DLABELS=regex]
#                           [-DEXCLUDE_LABELS=regex]
#
# AddressSanitizer + UndefinedBehaviorSanitizer over every suite but the
# mutants and the gallery. Every process (test binaries, serverfork, its
# forked children, msgclient) writes its sanitizer report to
# BUILD_DIR/sanitizer-logs/report.<pid> instead of stderr: a child of
# serverfork ends with _exit and its exit status is seen only by serverfork,
# so a finding there would otherwise pass unnoticed. The run fails
# if any test fails or any report file exists, and prints the reports.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")
forkcheck_build_dir(asan)

set(sanitize "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer")
forkcheck_configure_and_build(
  -DCMAKE_BUILD_TYPE=Debug
  "-DCMAKE_CXX_FLAGS=${sanitize}" "-DCMAKE_C_FLAGS=${sanitize}"
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")

set(logs "${BUILD_DIR}/sanitizer-logs")
file(REMOVE_RECURSE "${logs}")
file(MAKE_DIRECTORY "${logs}")
set(ENV{ASAN_OPTIONS}
    "halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=${logs}/report")
set(ENV{UBSAN_OPTIONS} "halt_on_error=1:print_stacktrace=1:log_path=${logs}/report")
set(ENV{LSAN_OPTIONS} "suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan.supp:print_suppressions=0")

forkcheck_label_select(select)
forkcheck_ctest(--timeout 600 ${select})
set(tests_rc ${RESULT})

# The first few reports in full (they are often one bug seen by many
# processes), then one SUMMARY line for each of the others.
file(GLOB reports "${logs}/report.*")
list(LENGTH reports count)
set(shown 0)
foreach(report IN LISTS reports)
  file(READ "${report}" text)
  if(shown LESS 3)
    message("==== sanitizer report ${report}\n${text}")
    math(EXPR shown "${shown} + 1")
  else()
    string(REGEX MATCH "SUMMARY: [^\n]*" summary "${text}")
    if(NOT summary)
      set(summary "incomplete (the process was killed while writing it)")
    endif()
    message("==== ${report}: ${summary}")
  endif()
endforeach()
forkcheck_verdict(asan "${count}" "sanitizer report(s)" "${tests_rc}")
