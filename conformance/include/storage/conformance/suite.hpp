// The StatusStorage conformance suite: docs/spec/storage-contract.md and
// docs/spec/status.md as tests.
//
// A backend author derives a fixture from `storage_suite`, implements one factory hook,
// and expands the cases inside their own Catch2 (v2) test file:
//
//   #define CATCH_CONFIG_MAIN
//   #include <catch2/catch.hpp>
//   #include <storage/conformance/suite.hpp>
//
//   struct my_backend_suite : roost::conformance::storage_suite {
//     std::unique_ptr<roost::status_storage> make_storage(const roost::storage_limits& l) override
//     {
//       return std::make_unique<my_storage>(l);
//     }
//   };
//   ROOST_CONFORMANCE_TEST_CASES(my_backend_suite)
//
// The cases live in this library and run as Catch2 sections named after what they check
// (run one with `-c "<name>"`). Nothing depends on static registration surviving the
// linker: the macro puts the test cases in the author's own translation unit.
//
// Asynchronous backends override `run_until` to drive their event loop; the suite checks
// that every callback runs exactly once. A backend whose storages hear each other's
// changes (several processes on one store) sets capabilities::changes_from_elsewhere and
// overrides `open_same_store`; when it hears them on a thread of its own, its run_until
// can be `wait_until(done)`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::conformance {

/// What the backend under test supports; the defaults describe a complete backend.
struct capabilities {
  /// The backend honours storage_limits::soft_max/hard_max. When false, the truncation
  /// cases are skipped and the randomized mode never truncates.
  bool truncation = true;
  /// The backend keeps store-wide settings (overrides do_get_setting and do_put_setting).
  /// When false, the settings cases are replaced by one that requires both operations to
  /// fail with errc::unsupported, as status_storage's default hooks do (caller mistakes
  /// still throw invalid_request first).
  bool settings = true;
  /// Random operations per seed in the randomized mode (slow persistent backends may lower it).
  std::size_t random_operations = 2000;
  /// The backend's storages hear the changes other storages on the same store make (as
  /// other processes would): their change listeners fire for them as for their own. When
  /// true, the suite opens second storages with open_same_store and checks that.
  bool changes_from_elsewhere = false;
};

/// The fixture a backend's test file derives from.
class storage_suite {
public:
  virtual ~storage_suite() = default;

  /// A new, empty storage with these limits (change_retention included). Called at least
  /// once per case; each returned storage must be independent of the others.
  virtual std::unique_ptr<status_storage> make_storage(const storage_limits& limits) = 0;

  /// Drives the backend until `done()` holds. The default, for synchronous backends,
  /// only checks that it already does. An asynchronous backend runs its event loop (or
  /// waits on a condition) here; it must return once done() is true.
  virtual void run_until(const std::function<bool()>& done);

  /// The backend's capabilities; override to switch cases off.
  virtual capabilities caps() const { return {}; }

  /// For capabilities::changes_from_elsewhere: another storage, independent of `first`
  /// (made by make_storage), on the store `first` uses, as another process would open it.
  /// The default fails the test.
  virtual std::unique_ptr<status_storage> open_same_store(status_storage& first,
                                                          const storage_limits& limits);
};

/// Runs every contract case against `suite`, each in its own Catch2 section.
void run_contract_cases(storage_suite& suite);

/// Applies random operations to a storage from `suite` and to a simple reference model,
/// requiring identical answers (change feed included) and, at the end, identical timelines,
/// which each timeline's change log replayed from revision 0 must also rebuild. The seeds are
/// ROOST_SEED from the environment when set (to replay a failure), otherwise ten fixed
/// ones; a failure reports its seed and operation number.
void run_randomized_cases(storage_suite& suite);

/// For a run_until whose backend calls back (or hears changes made elsewhere) on threads
/// of its own: returns once `done()` holds, looking every millisecond, and fails the test
/// when it still does not after `limit`.
void wait_until(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace roost::conformance

/// Expands the conformance test cases for fixture class `Fixture` (default-constructible,
/// derived from roost::conformance::storage_suite). Use once per fixture, at namespace scope.
#define ROOST_CONFORMANCE_TEST_CASES(Fixture)                                                \
  TEST_CASE_METHOD(Fixture, #Fixture " conforms to the storage contract", "[conformance]") { \
    ::roost::conformance::run_contract_cases(*this);                                         \
  }                                                                                          \
  TEST_CASE_METHOD(Fixture, #Fixture " matches the reference model on random operations",    \
                   "[conformance][randomized]") {                                            \
    ::roost::conformance::run_randomized_cases(*this);                                       \
  }
