// `roost token add|list|revoke`: the API tokens kept in a store (web/src/access_tokens.hpp).
//
//   roost token add --storage URI --name phone --scope read [--timeline home]...
//       prints the new token on stdout, once: only its hash is kept
//   roost token list --storage URI
//   roost token revoke --storage URI NAME
//
// A running server on the same store sees the change within a second (credential_watch).
// Writes go through update_credential_setting, so two commands at once never lose a token.
#include <chrono>
#include <ctime>
#include <iostream>

#include "access_tokens.hpp"
#include "command_support.hpp"
#include "credential_store.hpp"
#include "data_commands.hpp"

namespace roost::app {
namespace {

using web::token_set;

token_set tokens_of(const std::optional<std::string>& text) {
  return text ? web::parse_token_set(*text) : token_set{};
}

// Applies `change` to the store's tokens.
void update_tokens(status_storage& storage, const std::function<void(token_set&)>& change) {
  update_credential_setting(storage, web::tokens_setting_key,
                            [&](const std::optional<std::string>& text) {
                              auto tokens = tokens_of(text);
                              change(tokens);
                              return web::format_token_set(tokens);
                            });
}

std::string now_iso8601() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int add(const std::vector<std::string>& args) {
  const flags f(args, {"storage", "name", "scope", "timeline"}, {"timeline"});
  web::token_entry entry;
  entry.name = required_flag(f, "name");
  try {
    web::validate_token_name(entry.name);
    entry.scopes = web::parse_scopes(required_flag(f, "scope"));
  } catch (const web::token_set_error& e) {
    throw usage_error(e.what());
  }
  if (const auto timelines = f.all("timeline"); !timelines.empty()) {
    for (const auto& t : timelines)
      if (t.empty()) throw usage_error("--timeline needs a timeline name");
    entry.timelines = timelines;
  }
  const auto secret = web::new_token_secret();
  entry.sha256 = web::token_hash(secret);
  entry.created_at = now_iso8601();
  auto storage = open_credential_store(f.get("storage"), credential_opening::create);
  update_tokens(*storage, [&](token_set& tokens) {
    if (tokens.find_by_name(entry.name) != nullptr)
      throw std::runtime_error("a token called \"" + entry.name +
                               "\" exists already; revoke it first or choose another name");
    tokens.tokens.push_back(entry);
  });
  std::cout << secret << '\n';
  std::cerr << "roost token: added \"" << entry.name << "\" (" << web::format_scopes(entry.scopes)
            << "); this is the only time the token is shown\n";
  return 0;
}

int list(const std::vector<std::string>& args) {
  const flags f(args, {"storage"});
  auto storage = open_credential_store(f.get("storage"), credential_opening::read);
  const auto tokens = tokens_of(read_credential_setting(*storage, web::tokens_setting_key));
  if (tokens.tokens.empty()) {
    std::cout << "no tokens: the server answers everyone on loopback addresses\n";
    return 0;
  }
  for (const auto& t : tokens.tokens) {
    std::cout << t.name << '\t' << web::format_scopes(t.scopes) << '\t'
              << timelines_text(t.timelines) << '\t' << (t.created_at.empty() ? "-" : t.created_at)
              << '\n';
  }
  return 0;
}

int revoke(const std::vector<std::string>& args) {
  const flags f(args, {"storage"}, {}, {.max_positional = 1});
  if (f.positional().empty()) throw usage_error("roost token revoke needs the token's name");
  const auto name = f.positional().front();
  auto storage = open_credential_store(f.get("storage"), credential_opening::write);
  update_tokens(*storage, [&](token_set& tokens) {
    const auto before = tokens.tokens.size();
    std::erase_if(tokens.tokens, [&](const web::token_entry& t) { return t.name == name; });
    if (tokens.tokens.size() == before)
      throw std::runtime_error("no token called \"" + name + "\"");
  });
  std::cerr << "roost token: revoked \"" << name << "\"\n";
  return 0;
}

}  // namespace

int token_command(const std::vector<std::string>& args) {
  if (args.empty()) throw usage_error("roost token needs add, list or revoke");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "add") return add(rest);
  if (args[0] == "list") return list(rest);
  if (args[0] == "revoke") return revoke(rest);
  throw usage_error("unknown token command \"" + args[0] + "\" (add, list or revoke)");
}

}  // namespace roost::app
