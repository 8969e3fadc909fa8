// Unpadded base64url (RFC 4648 §5): tokens, salts and session ids as text that URLs,
// cookies and JSON carry unescaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost::web {

/// `bytes` in base64url, without padding.
std::string base64url_encode(std::string_view bytes);

/// The bytes of unpadded base64url `text`, or nullopt when it is not that.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace roost::web
