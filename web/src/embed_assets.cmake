# Generates a C++ source holding every file of the viewer as a string literal, with the
# table that find_asset() (embedded_assets.hpp) searches. Run in script mode at build time:
#   cmake -DASSET_DIR=<web/viewer> -DOUTPUT=<file.cpp> -P embed_assets.cmake
# Pure CMake (file(READ ... HEX)), so the build needs no xxd or other tool. The output is
# only rewritten when it changes, so an unchanged viewer recompiles nothing.
cmake_minimum_required(VERSION 3.25)

if(NOT ASSET_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "embed_assets.cmake needs -DASSET_DIR=... and -DOUTPUT=...")
endif()

# Content-Type by extension; text types are served as UTF-8.
function(asset_content_type path out)
  string(TOLOWER "${path}" lower)
  set(type "application/octet-stream")
  if(lower MATCHES "\\.html?$")
    set(type "text/html; charset=utf-8")
  elseif(lower MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  elseif(lower MATCHES "\\.m?js$")
    set(type "text/javascript; charset=utf-8")
  elseif(lower MATCHES "\\.(json|map)$")
    set(type "application/json; charset=utf-8")
  elseif(lower MATCHES "\\.txt$")
    set(type "text/plain; charset=utf-8")
  elseif(lower MATCHES "\\.svg$")
    set(type "image/svg+xml")
  elseif(lower MATCHES "\\.png$")
    set(type "image/png")
  elseif(lower MATCHES "\\.(jpg|jpeg)$")
    set(type "image/jpeg")
  elseif(lower MATCHES "\\.gif$")
    set(type "image/gif")
  elseif(lower MATCHES "\\.webp$")
    set(type "image/webp")
  elseif(lower MATCHES "\\.ico$")
    set(type "image/x-icon")
  elseif(lower MATCHES "\\.woff2$")
    set(type "font/woff2")
  endif()
  set(${out} "${type}" PARENT_SCOPE)
endfunction()

# A C++ string literal for `text` (names and content types; no bytes outside ASCII).
function(cxx_quote text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE files RELATIVE "${ASSET_DIR}" "${ASSET_DIR}/*")
list(SORT files)  # byte order, the order find_asset() searches in

# 64 hex digits (CMake's regular expressions have no {n}).
string(REPEAT "[0-9a-f]" 64 line_pattern)

set(literals "")
set(entries "")
set(index 0)
foreach(name IN LISTS files)
  # Editor leftovers and hidden files are not part of the viewer.
  if(name MATCHES "(^|/)\\." OR name MATCHES "~$")
    continue()
  endif()
  file(READ "${ASSET_DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  # 32 bytes per line, each byte as \xHH; adjacent literals concatenate, and a \x escape
  # never runs into the next line's digits because each line is its own literal.
  string(REGEX REPLACE "(${line_pattern})" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" hex "${hex}")
  string(REGEX REPLACE "\n$" "" hex "${hex}")
  string(REPLACE "\n" "\"\n    \"" hex "${hex}")
  string(APPEND literals "// ${name} (${size} bytes)\nconstexpr char asset_${index}[] =\n    \"${hex}\";\n\n")
  asset_content_type("${name}" type)
  cxx_quote("${name}" quoted_name)
  cxx_quote("${type}" quoted_type)
  string(APPEND entries
    "    {${quoted_name}, ${quoted_type}, {asset_${index}, sizeof(asset_${index}) - 1}},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(content "// Generated from ${ASSET_DIR} by embed_assets.cmake; do not edit.
#include \"embedded_assets.hpp\"

#include <algorithm>
#include <array>

namespace roost::web {
namespace {

${literals}// Sorted by name.
constexpr std::array<embedded_asset, ${index}> assets = {{
${entries}}};

}  // namespace

const embedded_asset* find_asset(std::string_view name) {
  const auto it = std::lower_bound(assets.begin(), assets.end(), name,
      [](const embedded_asset& a, std::string_view n) { return a.name < n; });
  if (it == assets.end() || it->name != name) return nullptr;
  return &*it;
}

}  // namespace roost::web
")

file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
