// Translation of engine failures into Roost's error model, at the backend boundary.
//
// Inside the backend, failures travel as exceptions (lmdb++ throws lmdb::error with the
// failing call's name and LMDB's code; a damaged value throws corrupt_record). The
// public hooks catch them all and hand the callback a storage_error whose message names
// the store, the LMDB call and LMDB's own message and code. Thread-safe.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/errors.hpp"

namespace roost::detail {

/// A stored value that does not have the layout the format expects.
class corrupt_record : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A failure the backend detects itself (not an LMDB return code), with its kind.
class lmdb_backend_error : public std::runtime_error {
public:
  lmdb_backend_error(errc code, const std::string& what) : std::runtime_error(what), code_(code) {}
  errc code() const noexcept { return code_; }

private:
  errc code_;
};

/// The kind of failure an LMDB return code (or errno value) stands for.
errc classify_lmdb_code(int rc) noexcept;

/// "<context>: <origin>: <LMDB's message> (LMDB code <rc>)" with the matching kind.
storage_error engine_error(std::string_view context, const char* origin, int rc);

/// The storage_error for the exception being handled. Call only inside a catch block;
/// never throws. `context` names the store (its directory).
storage_error current_exception_error(std::string_view context) noexcept;

}  // namespace roost::detail
