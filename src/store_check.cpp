// stored_document_problem: the document half of every backend's check(), so that what
// check() passes is exactly what put and import accept.
#include "storage/store_check.hpp"

#include "storage/errors.hpp"
#include "storage/status_storage.hpp"

namespace roost {

std::string stored_document_problem(const std::string& json, const stored_status_fields& kept) {
  prepared_status read;
  try {
    read = prepare_status_text(json);
  } catch (const std::exception& e) {  // invalid_request, or a parse error it let through
    return std::string("the stored document is not a status that could be put (") + e.what() + ")";
  }
  if (read.id != kept.id) return "the stored document's id differs from the id it is filed under";
  if (read.level != kept.level)
    return "the stored document's level (" + std::to_string(read.level) +
           ") differs from the level it is counted at (" + std::to_string(kept.level) + ")";
  if (read.order_key != kept.order_key)
    return "the stored document's times differ from the order it is sorted in";
  return {};
}

}  // namespace roost
