// The contract cases, one list per topic; suite.cpp runs them as Catch2 sections.
#pragma once

#include <vector>

#include "driver.hpp"
#include "fixtures.hpp"

namespace roost::conformance::detail {

struct contract_case {
  const char* name;
  void (*run)(storage_suite& suite);
  bool needs_truncation = false;
  /// Which backends the case is for, by capabilities::settings.
  enum class settings_use { any, with_settings, without_settings } settings = settings_use::any;
  /// Runs only for backends with capabilities::changes_from_elsewhere.
  bool needs_changes_from_elsewhere = false;
};

std::vector<contract_case> put_cases();
std::vector<contract_case> get_cases();
std::vector<contract_case> order_cases();
std::vector<contract_case> ack_cases();
std::vector<contract_case> delete_count_contains_cases();
std::vector<contract_case> timeline_cases();
std::vector<contract_case> caller_error_cases();
std::vector<contract_case> truncation_cases();
std::vector<contract_case> change_cases();
std::vector<contract_case> settings_cases();
std::vector<contract_case> elsewhere_cases();

/// A driver over a fresh storage; truncation off unless limits say otherwise.
inline driver open(storage_suite& suite, storage_limits limits = {.soft_max = 0}) {
  return driver(suite, suite.make_storage(limits));
}

}  // namespace roost::conformance::detail
