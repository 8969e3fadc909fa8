// The viewer's pages and assets: the list page, the timeline page and /static/ files,
// all embedded in the binary. Pages get the server's settings as a JSON data block.
#pragma once

#include <optional>

#include "access_control.hpp"
#include "http_message.hpp"
#include "routes.hpp"
#include "server_config.hpp"

namespace roost::web {

/// Answers page and asset routes; nullopt for any other route. The pages list only the
/// timelines `who` may read.
std::optional<http_response> serve_page(const server_config& config, const route_match& match,
                                        const caller& who);

/// The login page with `error` shown (none when empty), the user name filled in and the
/// page to go to afterwards, every value HTML-escaped.
http_response login_page(int status, const std::string& error, const std::string& user,
                         const std::string& next);

/// `json_text` made safe inside an HTML <script type="application/json"> element: every
/// '<', '>' and '&' becomes a JSON unicode escape, so no text can close the element.
std::string json_for_html(const std::string& json_text);

}  // namespace roost::web
