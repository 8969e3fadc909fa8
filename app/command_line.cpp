#include "command_line.hpp"

#include <algorithm>

namespace roost::app {

flags::flags(const std::vector<std::string>& args, const std::vector<std::string>& known,
             const std::vector<std::string>& repeatable, const flag_extras& extras) {
  auto is = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h") throw help_requested();
    if (arg.rfind("--", 0) != 0) {
      if (positional_.size() >= extras.max_positional)
        throw usage_error("unexpected argument \"" + arg + "\"");
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    if (name == "help") throw help_requested();
    if (is(extras.switches, name)) {
      if (values_.contains(name)) throw usage_error("--" + name + " may be given only once");
      values_[name].emplace_back();
      continue;
    }
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      if (is(extras.switches, name)) throw usage_error("--" + name + " takes no value");
    }
    // Before its value is looked for: a mistyped flag is named as unknown, not as one
    // whose value is missing.
    if (!is(known, name)) throw usage_error("unknown option --" + name);
    if (eq == std::string::npos) {
      // The next word is the value, unless it is a flag itself: `--timeline --access_log`
      // forgot the name (a value that starts with "--" can be given as --timeline=--x).
      if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0)
        throw usage_error("--" + name + " needs a value");
      value = args[++i];
    }
    auto& slot = values_[name];
    if (!slot.empty() && !is(repeatable, name))
      throw usage_error("--" + name + " may be given only once");
    slot.push_back(std::move(value));
  }
}

std::optional<std::string> flags::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> flags::all(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace roost::app
