# Run `foliocheck replay TRACE` and compare its exit status with EXPECT.
# Usage: cmake -DFOLIOCHECK=... -DTRACE=... -DEXPECT=0|1|2 -P replay_test.cmake
# On a mismatch the replay's whole report is printed, so the CTest log shows
# which step, invariant or divergence made the difference.
execute_process(
  COMMAND ${FOLIOCHECK} replay ${TRACE}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT "${status}" STREQUAL "${EXPECT}")
  message("${out}")
  message("${err}")
  message(FATAL_ERROR
    "foliocheck replay ${TRACE}: exit status ${status}, expected ${EXPECT}")
endif()
# Bad input must be reported the way compilers do, naming the place.
if("${EXPECT}" STREQUAL "2" AND NOT err MATCHES ":[0-9]+:[0-9]+: error: ")
  message("${err}")
  message(FATAL_ERROR
    "foliocheck replay ${TRACE}: no FILE:LINE:COL: error: message on stderr")
endif()
