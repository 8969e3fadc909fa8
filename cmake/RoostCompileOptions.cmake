# Warning and sanitizer flags shared by every Roost target, applied through
# roost_set_compile_options() so that downstream projects never inherit them.

add_library(roost_compile_options INTERFACE)
# GCC 12 reports designated initializers that leave defaulted members out
# (`{.timeline = "home"}`), which is how Roost's request structs are meant to be used;
# clang 14 reports the same for positional ones (`{config, handle, log}` leaving the
# members that have default initializers).
target_compile_options(roost_compile_options INTERFACE -Wall -Wextra -Wpedantic
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wno-missing-field-initializers>)
if(ROOST_WARNINGS_AS_ERRORS)
  target_compile_options(roost_compile_options INTERFACE -Werror)
endif()
if(ROOST_SANITIZE)
  target_compile_options(roost_compile_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(roost_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# Adds the project's warnings (and sanitizers) to TARGET without exporting them.
function(roost_set_compile_options target)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:roost_compile_options>)
endfunction()

# Declares an installable library: alias roost::NAME, exported as roost::NAME.
function(roost_add_library target export_name)
  add_library(${target} ${ARGN})
  add_library(roost::${export_name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  roost_set_compile_options(${target})
  set_property(GLOBAL APPEND PROPERTY ROOST_EXPORTED_TARGETS ${target})
endfunction()
