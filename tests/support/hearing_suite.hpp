// hearing_suite<Base>: a conformance fixture whose storages watch their store and hear the
// changes other storages on it make (sqlite_options::watch_interval and its LMDB twin):
// the "changes elsewhere" cases run, and run_until waits for the watching thread.
#pragma once

#include <chrono>
#include <functional>

#include "storage/conformance/suite.hpp"

namespace roost::testing {

/// How often the test storages look: short, so that the cases wait little.
inline constexpr std::chrono::milliseconds test_watch_interval{2};

template <typename Base>
struct hearing_suite : Base {
  void run_until(const std::function<bool()>& done) override { conformance::wait_until(done); }

  conformance::capabilities caps() const override {
    auto c = Base::caps();
    c.changes_from_elsewhere = true;
    return c;
  }
};

}  // namespace roost::testing
