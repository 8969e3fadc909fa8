# The viewer in headless Chromium against the real binary: run.sh starts `roost serve` on a
# free loopback port with an in-memory store, installs chromium and node_modules when they
# are missing, and saves screenshots in the build tree. Included from tests/CMakeLists.txt
# once the `roost` target exists.
if(TARGET roost)
  add_test(NAME "browser: viewer"
    COMMAND "${CMAKE_COMMAND}" -E env
      "ROOST_BIN=$<TARGET_FILE:roost>"
      "ROOST_SCREENSHOT=${CMAKE_BINARY_DIR}/browser/timeline.png"
      bash "${CMAKE_CURRENT_LIST_DIR}/run.sh")
  set_tests_properties("browser: viewer" PROPERTIES TIMEOUT 300)
endif()
