# ctest: the README's fault-matrix table must be what fault_matrix_table
# prints (faults/expectations.cpp, checked against the shims' table).
#   cmake -DGENERATOR=path/to/fault_matrix_table -DREADME=README.md -P this
execute_process(COMMAND ${GENERATOR} OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fault_matrix_table failed: ${rc}")
endif()
file(READ ${README} readme)
set(begin "<!-- fault-matrix:begin -->\n")
set(end "<!-- fault-matrix:end -->")
string(FIND "${readme}" "${begin}" at)
string(FIND "${readme}" "${end}" stop)
if(at EQUAL -1 OR stop EQUAL -1)
  message("README.md has no fault-matrix markers yet: nothing to compare")
  return()
endif()
string(LENGTH "${begin}" skip)
math(EXPR from "${at} + ${skip}")
math(EXPR len "${stop} - ${from}")
string(SUBSTRING "${readme}" ${from} ${len} table)
if(NOT table STREQUAL generated)
  message(FATAL_ERROR "README.md's fault matrix is out of date: replace the lines between "
                      "the markers with the output of ${GENERATOR}")
endif()
