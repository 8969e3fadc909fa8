# Installs every library declared with roost_add_library() and exports them as
# roost::<name>, so that a downstream project can find_package(roost).
include(CMakePackageConfigHelpers)

get_property(roost_targets GLOBAL PROPERTY ROOST_EXPORTED_TARGETS)
install(TARGETS ${roost_targets} EXPORT roostTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/roost)

# Every component keeps its public headers in <dir>/include/storage.
foreach(dir include async/include backends/memory/include backends/sqlite/include
            backends/lmdb/include conformance/include)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${dir}/storage")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}/storage"
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/roost)
  endif()
endforeach()

set(roost_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/roost)
install(EXPORT roostTargets NAMESPACE roost:: DESTINATION ${roost_cmake_dir})
configure_package_config_file(cmake/roostConfig.cmake.in
  "${PROJECT_BINARY_DIR}/roostConfig.cmake" INSTALL_DESTINATION ${roost_cmake_dir})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/roostConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/roostConfig.cmake"
  "${PROJECT_BINARY_DIR}/roostConfigVersion.cmake" DESTINATION ${roost_cmake_dir})
