# The viewer's server side: statuses.html rendering and the embedded assets.
# Included from tests/CMakeLists.txt (needs roost_add_test and the roost_web_view target).
roost_add_test(web_view_test
  SOURCES "${CMAKE_CURRENT_LIST_DIR}/render_test.cpp"
  LIBS roost_web_view)
# The test compares every embedded asset with the file it came from.
target_compile_definitions(web_view_test PRIVATE
  "ROOST_VIEWER_DIR=\"${CMAKE_CURRENT_LIST_DIR}/../../web/viewer\"")
