// The viewer's pages and assets: the list page, the timeline page and /static/ files,
// all embedded in the binary. Pages get the server's settings as a JSON data block.
#pragma once

#include <optional>

#include "http_message.hpp"
#include "routes.hpp"
#include "server_config.hpp"

namespace roost::web {

/// Answers page and asset routes; nullopt for any other route.
std::optional<http_response> serve_page(const server_config& config, const route_match& match);

/// `json_text` made safe inside an HTML <script type="application/json"> element: every
/// '<', '>' and '&' becomes a JSON unicode escape, so no text can close the element.
std::string json_for_html(const std::string& json_text);

}  // namespace roost::web
