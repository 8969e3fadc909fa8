// Checks shared by the validating half of status_storage and status preparation.
#pragma once

#include <string>

namespace roost {

/// Throws invalid_request naming `what` when `id` is not valid UTF-8.
void validate_id(const std::string& id, const char* what);

}  // namespace roost
