#include "storage/errors.hpp"

namespace roost {
namespace {

class storage_category_impl : public std::error_category {
public:
  const char* name() const noexcept override { return "roost.storage"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::io_error: return "storage I/O error";
      case errc::corrupt: return "storage is corrupt or not a Roost store";
      case errc::busy: return "storage is locked by another user";
      case errc::unsupported:
        return "storage format is newer than this program, or the operation is not supported";
      case errc::overloaded: return "storage is overloaded";
      case errc::cancelled: return "storage operation cancelled";
      case errc::internal: return "internal storage error";
      case errc::stale_cursor: return "cursor too old: resync";
      case errc::conflict: return "setting was changed since the version named: read it again";
    }
    return "unknown storage error";
  }
};

}  // namespace

const std::error_category& storage_category() noexcept {
  static const storage_category_impl category;
  return category;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), storage_category()};
}

}  // namespace roost
