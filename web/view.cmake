# roost_web_view: what the viewer needs on the server side, independent of HTTP. The
# statuses.html renderer (src/status_html.*) and the viewer's files (viewer/), embedded
# into a generated source at build time so that the binary serves them without installed
# files. Included from web/CMakeLists.txt.
set(roost_viewer_dir "${CMAKE_CURRENT_LIST_DIR}/viewer")
set(roost_embed_script "${CMAKE_CURRENT_LIST_DIR}/src/embed_assets.cmake")
set(roost_embedded_assets_cpp "${CMAKE_CURRENT_BINARY_DIR}/roost_embedded_assets.cpp")

# Re-globbed at build time, so a new file in viewer/ is picked up without re-running cmake.
file(GLOB_RECURSE roost_viewer_files CONFIGURE_DEPENDS "${roost_viewer_dir}/*")
add_custom_command(
  OUTPUT "${roost_embedded_assets_cpp}"
  COMMAND "${CMAKE_COMMAND}" "-DASSET_DIR=${roost_viewer_dir}"
          "-DOUTPUT=${roost_embedded_assets_cpp}" -P "${roost_embed_script}"
  DEPENDS ${roost_viewer_files} "${roost_embed_script}"
  COMMENT "Embedding the viewer's files"
  VERBATIM)

add_library(roost_web_view STATIC
  "${CMAKE_CURRENT_LIST_DIR}/src/status_html.cpp"
  "${roost_embedded_assets_cpp}")
target_include_directories(roost_web_view PUBLIC "${CMAKE_CURRENT_LIST_DIR}/src")
target_link_libraries(roost_web_view PUBLIC roost::storage)
roost_set_compile_options(roost_web_view)
