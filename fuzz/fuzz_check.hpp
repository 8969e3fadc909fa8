// What every harness uses to state a property: a violation prints the property and the
// detail, then traps, so that libFuzzer saves the input as a crash (crash-<sha1>) and
// scripts/fuzz.sh fails.
//
// Exploring past bugs that are already known: with ROOST_FUZZ_SKIP_KNOWN=1 in the
// environment, a violation whose detail carries one of known_bug_signatures abandons the
// input instead of trapping, so that a long run finds new bugs rather than the same one a
// thousand times. scripts/fuzz.sh never sets it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace roost::fuzz {

/// Texts in exception messages or response bodies that identify bugs already reported:
/// nlohmann's strict UTF-8 serializer quoting client bytes, numbers out of range, and
/// tags the harnesses put in a detail for the others (fuzz/README.md lists them all).
inline constexpr std::array<std::string_view, 8> known_bug_signatures = {
    "type_error.316",           "out_of_range.406",     "[known: NUL]",
    "[known: depth]",           "[known: year range]",  "[known: read-only writes]",
    "[known: timeline limits]", "[known: damaged text]"};

/// Thrown by check() to abandon an input that hit a known bug; run_input catches it.
/// Not a std::exception, so that no harness's own catch takes it.
struct known_bug_seen {};

/// True when ROOST_FUZZ_SKIP_KNOWN is set and `detail` names a known bug.
inline bool is_known_bug(std::string_view detail) {
  static const bool skip = std::getenv("ROOST_FUZZ_SKIP_KNOWN") != nullptr;
  if (!skip) return false;
  return std::any_of(known_bug_signatures.begin(), known_bug_signatures.end(),
                     [&](std::string_view s) { return detail.find(s) != std::string_view::npos; });
}

/// Traps unless `ok`: `property` says what should have held, `detail` what happened.
inline void check(bool ok, const char* property, std::string_view detail = {}) {
  if (ok) return;
  if (is_known_bug(detail)) throw known_bug_seen{};
  std::fprintf(stderr, "\nroost fuzz: property violated: %s\n", property);
  if (!detail.empty())
    std::fprintf(stderr, "roost fuzz: detail: %.*s\n",
                 static_cast<int>(std::min<std::size_t>(detail.size(), 2000)), detail.data());
  __builtin_trap();
}

/// Runs one input's checks; returns what LLVMFuzzerTestOneInput returns.
template <typename F>
int run_input(F&& body) {
  try {
    body();
  } catch (const known_bug_seen&) {
  }
  return 0;
}

}  // namespace roost::fuzz
