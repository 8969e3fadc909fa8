// What the backend tests' helper programs (tests/*/..._test_helper.cpp) share: the
// separate processes the tests kill, run beside themselves or watch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/status_storage.hpp"

namespace roost::testing {

/// Writes `line` and a newline straight to standard output's descriptor, so that a
/// report is out before the next operation starts (exits with 3 if it cannot).
void report(const std::string& line);

/// A helper's status: id, level, created_at `created` seconds after a fixed instant, and
/// `padding` characters of text after "helper status <id>".
status helper_status(const std::string& id, std::int64_t level, int created, std::size_t padding);

/// How crash_loop churns: ids "u0".."u<ids-1>", upserts of `batch` statuses with
/// `churn_padding` characters of text; the crash statuses get `crash_padding`.
struct churn_shape {
  int ids = 40;
  int batch = 5;
  std::size_t churn_padding = 200;
  std::size_t crash_padding = 200;
};

/// Puts status "c<i>" into timeline "crash" for i = first, first + 1, ..., each after
/// one random churn operation (upsert, ack by ids, ack by max_id, delete) in timeline
/// "churn", so that a kill also lands inside those; reports "<i>" after each crash put.
/// Runs until killed; returns 4 (after reporting it) if a crash status was already there.
int crash_loop(status_storage& storage, long first, const churn_shape& shape);

/// Reports the timeline's whole retained change log, "<revision> <op> <id>" per change
/// (the op as change_op_name), then "end <latest revision>"; returns 0, or 5 after
/// reporting "error <message>".
int print_feed(status_storage& storage, const std::string& timeline);

/// Writes setting `key` ("-" as value removes it) based on `expected_version`; reports
/// "version <new version>", or "error <errc value>" for a store failure (a conflict), and
/// returns 0 either way.
int put_setting(status_storage& storage, const std::string& key, const std::string& value,
                std::uint64_t expected_version);

}  // namespace roost::testing
