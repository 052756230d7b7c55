# SPDX-License-Identifier: MIT
# ctest: the fault-matrix table in docs/fault-injection.md must be what
# fault_matrix_table prints (faults/expectations.cpp, checked against the shims' table).
#   cmake -DGENERATOR=path/to/fault_matrix_table -DDOC=docs/fault-injection.md -P this
execute_process(COMMAND ${GENERATOR} OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fault_matrix_table failed: ${rc}")
endif()
file(READ ${DOC} doc)
set(begin "<!-- fault-matrix:begin -->\n")
set(end "<!-- fault-matrix:end -->")
string(FIND "${doc}" "${begin}" at)
string(FIND "${doc}" "${end}" stop)
# The document exists to hold this table: no markers means it was lost, not
# that there is nothing to check.
if(at EQUAL -1 OR stop EQUAL -1)
  message(FATAL_ERROR "${DOC} has no fault-matrix markers: put the output of ${GENERATOR} "
                      "between <!-- fault-matrix:begin --> and <!-- fault-matrix:end -->")
endif()
string(LENGTH "${begin}" skip)
math(EXPR from "${at} + ${skip}")
math(EXPR len "${stop} - ${from}")
string(SUBSTRING "${doc}" ${from} ${len} table)
if(NOT table STREQUAL generated)
  message(FATAL_ERROR "${DOC}'s fault matrix is out of date: replace the lines between "
                      "the markers with the output of ${GENERATOR}")
endif()
