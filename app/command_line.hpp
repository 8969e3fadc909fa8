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

/// --help (or -h) among a subcommand's flags: main prints that command's help and exits 0.
class help_requested : public std::exception {
public:
  const char* what() const noexcept override { return "help requested"; }
};

/// What a subcommand takes besides flags with values.
struct flag_extras {
  /// Flags that take no value (--allow-anonymous); has() tells whether one was given.
  std::vector<std::string> switches;
  /// How many plain arguments (not starting with "--") may come among the flags.
  std::size_t max_positional = 0;
};

/// Flags of one subcommand. Every flag takes a value unless it is a switch; a flag
/// named in `repeatable` may be given several times.
class flags {
public:
  /// Reads `args`; throws usage_error for an unknown flag, a missing value (also when
  /// the next word is a flag), a non-repeatable flag given twice or too many plain
  /// arguments, and help_requested for --help or -h.
  flags(const std::vector<std::string>& args, const std::vector<std::string>& known,
        const std::vector<std::string>& repeatable = {}, const flag_extras& extras = {});

  /// True when the switch `name` was given.
  bool has(const std::string& name) const { return values_.contains(name); }

  /// The plain arguments, in order.
  const std::vector<std::string>& positional() const noexcept { return positional_; }

  /// The value of a single-valued flag.
  std::optional<std::string> get(const std::string& name) const;

  /// Every value of a flag, in order.
  std::vector<std::string> all(const std::string& name) const;

private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace roost::app
