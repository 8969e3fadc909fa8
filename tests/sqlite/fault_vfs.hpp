// fault_vfs: an SQLite VFS that forwards to the default one and fails on command.
//
// Registered under the name fault_vfs::name; open a store with sqlite_options::vfs set to
// it. Writes and syncs can be made to fail with the error a full disk or a failing device
// gives, after a chosen number of successful ones, so a test can put the failure at every
// point of a transaction (inside the page writes of a commit, at its sync, ...). Syncs
// are counted, which shows what a durability setting costs. The controls are global and
// atomic; use one fault_vfs store at a time.
#pragma once

#include <cstdint>

namespace roost::testing::fault_vfs {

inline constexpr const char* name = "roost-fault";

/// Registers the VFS (idempotent).
void install();

/// From now on, allow `writes` more successful xWrite calls, then fail every write with
/// SQLITE_FULL ("database or disk is full"). Negative: never fail (the default).
void fail_writes_after(std::int64_t writes);

/// As fail_writes_after, for xSync, failing with SQLITE_IOERR_FSYNC.
void fail_syncs_after(std::int64_t syncs);

/// Stops every injected failure.
void heal();

/// How many xSync calls reached the files since the last reset_sync_count().
std::int64_t sync_count();
void reset_sync_count();

/// How many writes and syncs were refused since the last heal().
std::int64_t failures();

}  // namespace roost::testing::fault_vfs
