// A small command-line reader: subcommand flags of the form --name VALUE or --name=VALUE.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace roost::app {

/// A mistake on the command line; main prints it with the usage and exits with 2.
class usage_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Flags of one subcommand. Every flag takes a value; a flag named in `repeatable` may
/// be given several times.
class flags {
public:
  /// Reads `args`; throws usage_error for an unknown flag, a missing value or a
  /// non-repeatable flag given twice.
  flags(const std::vector<std::string>& args, const std::vector<std::string>& known,
        const std::vector<std::string>& repeatable = {});

  /// The value of a single-valued flag.
  std::optional<std::string> get(const std::string& name) const;

  /// Every value of a flag, in order.
  std::vector<std::string> all(const std::string& name) const;

private:
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace roost::app
