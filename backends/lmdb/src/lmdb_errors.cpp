#include "lmdb_errors.hpp"

#include <cerrno>
#include <exception>
#include <new>

#include <lmdb++.h>
#include <nlohmann/json.hpp>

namespace roost::detail {

errc classify_lmdb_code(int rc) noexcept {
  switch (rc) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_INCOMPATIBLE: return errc::corrupt;
    case MDB_VERSION_MISMATCH: return errc::unsupported;
    case MDB_READERS_FULL:
    case EBUSY:
    case EAGAIN: return errc::busy;
    case MDB_BAD_VALSIZE:
    case MDB_BAD_DBI:
    case MDB_BAD_TXN:
    case MDB_BAD_RSLOT:
    case MDB_DBS_FULL:
    case MDB_CURSOR_FULL:
    case EINVAL: return errc::internal;
    default:
      // MDB_MAP_FULL at the ceiling, MDB_TXN_FULL, MDB_PANIC, ENOSPC, EIO, EACCES,
      // EROFS, ENOMEM: the engine could not read or write.
      return errc::io_error;
  }
}

storage_error engine_error(std::string_view context, const char* origin, int rc) {
  std::string message(context);
  message += ": ";
  message += origin;
  message += ": ";
  message += ::mdb_strerror(rc);
  message += " (LMDB code " + std::to_string(rc) + ")";
  return storage_error(classify_lmdb_code(rc), std::move(message));
}

storage_error current_exception_error(std::string_view context) noexcept {
  try {
    try {
      throw;
    } catch (const lmdb::error& e) {
      return engine_error(context, e.origin(), e.code());
    } catch (const lmdb_backend_error& e) {
      return storage_error(e.code(), std::string(context) + ": " + e.what());
    } catch (const corrupt_record& e) {
      return storage_error(errc::corrupt, std::string(context) + ": damaged record: " + e.what());
    } catch (const nlohmann::json::exception& e) {
      return storage_error(errc::corrupt,
                           std::string(context) + ": stored status is not JSON: " + e.what());
    } catch (const std::bad_alloc&) {
      return storage_error(errc::internal, std::string(context) + ": out of memory");
    } catch (const std::exception& e) {
      return storage_error(errc::internal, std::string(context) + ": " + e.what());
    } catch (...) {
      return storage_error(errc::internal, std::string(context) + ": unknown exception");
    }
  } catch (...) {
    // Building the message itself failed (out of memory): report without one.
    return storage_error(errc::internal, {});
  }
}

}  // namespace roost::detail
