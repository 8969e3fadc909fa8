// The viewer's static files (web/viewer/), compiled into the binary by
// web/src/embed_assets.cmake so that the server needs no installed files.
#pragma once

#include <string_view>

namespace roost::web {

/// One embedded file: its path below web/viewer/ ("viewer.js"), the Content-Type to serve
/// it with (by extension; text types carry "; charset=utf-8"), and its bytes.
struct embedded_asset {
  std::string_view name, content_type, body;
};

/// The asset called `name`, or nullptr when there is none. The table is static and
/// immutable: safe from any thread, and the pointer stays valid for the program's life.
const embedded_asset* find_asset(std::string_view name);

}  // namespace roost::web
