# Script mode: install roost, build the consumer project against it, run its programs.
file(REMOVE_RECURSE "${SCRATCH_DIR}")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()

run_step(${CMAKE_COMMAND} --install "${ROOST_BUILD_DIR}" --prefix "${SCRATCH_DIR}/prefix")
run_step(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${SCRATCH_DIR}/build" -G Ninja
  -DCMAKE_PREFIX_PATH=${SCRATCH_DIR}/prefix
  -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER})
run_step(${CMAKE_COMMAND} --build "${SCRATCH_DIR}/build")
run_step("${SCRATCH_DIR}/build/consumer_example")
run_step("${SCRATCH_DIR}/build/consumer_conformance")
message(STATUS "downstream project built and ran against the installed roost")
