# SPDX-License-Identifier: MIT
# cmake -DBUILD_DIR=... -DALLOWED=target|header,... -DFORBIDDEN=... -P check.cmake
# Builds each target named: those of ALLOWED must compile, those of FORBIDDEN
# must fail for the one reason that their header is not found.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
string(REPLACE "," ";" FORBIDDEN "${FORBIDDEN}")
foreach(entry IN LISTS ALLOWED FORBIDDEN)
  string(REPLACE "|" ";" f "${entry}")
  list(GET f 0 target)
  list(GET f 1 header)
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${target}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(entry IN_LIST ALLOWED)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${target}: ${header} should compile, but:\n${out}")
    endif()
    message("${target}: compiles")
  elseif(rc EQUAL 0)
    message(FATAL_ERROR "${target}: ${header} compiled, from a layer below it")
  elseif(NOT out MATCHES "${header}: No such file or directory")
    message(FATAL_ERROR "${target}: failed, but not for want of ${header}:\n${out}")
  else()
    message("${target}: ${header} not found, as it should")
  endif()
endforeach()
