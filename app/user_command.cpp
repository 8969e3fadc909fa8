// `roost user add|passwd|remove|list`: the viewer's users kept in a store
// (web/src/access_users.hpp).
//
//   roost user add --storage URI --name alice [--scope read,write] [--timeline home]...
//   roost user passwd --storage URI alice
//   roost user remove --storage URI alice
//   roost user list --storage URI
//
// The password is read from standard input: typed twice without echo on a terminal, else
// the first line (for scripts: `printf '%s\n' "$PW" | roost user add ...`), never from
// the command line, where every user of the machine could read it in the process list.
// A running server sees the change within a second; removing a user or changing their
// password ends their sessions there.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "access_users.hpp"
#include "command_support.hpp"
#include "credential_store.hpp"
#include "data_commands.hpp"

namespace roost::app {
namespace {

using web::user_set;

std::string read_line_quietly(const char* prompt) {
  termios before{};
  const bool terminal = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &before) == 0;
  if (terminal) {
    std::cerr << prompt << std::flush;
    termios quiet = before;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &before);
    std::cerr << '\n';
  }
  if (!got) throw usage_error("no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string new_password() {
  auto password = read_line_quietly("Password: ");
  if (::isatty(STDIN_FILENO) && read_line_quietly("Again: ") != password)
    throw usage_error("the two passwords differ");
  try {
    web::validate_password(password);
  } catch (const web::token_set_error& e) {
    throw usage_error(e.what());
  }
  return password;
}

user_set users_of(const std::optional<std::string>& text) {
  return text ? web::parse_user_set(*text) : user_set{};
}

void update_users(status_storage& storage, const std::function<void(user_set&)>& change) {
  update_credential_setting(storage, web::users_setting_key,
                            [&](const std::optional<std::string>& text) {
                              auto users = users_of(text);
                              change(users);
                              return web::format_user_set(users);
                            });
}

web::user_entry* find(user_set& users, const std::string& name) {
  for (auto& u : users.users)
    if (u.name == name) return &u;
  throw std::runtime_error("no user called \"" + name + "\"");
}

// The NAME of `passwd NAME` and `remove NAME`.
std::string user_argument(const flags& f, const char* command) {
  if (f.positional().empty())
    throw usage_error(std::string("roost user ") + command + " needs the user's name");
  return f.positional().front();
}

int add(const std::vector<std::string>& args) {
  const flags f(args, {"storage", "name", "scope", "timeline"}, {"timeline"});
  web::user_entry user;
  user.name = required_flag(f, "name");
  try {
    web::validate_user_name(user.name);
    // A person reads and acks; narrower on request.
    user.scopes = web::parse_scopes(f.get("scope").value_or("read,write"));
  } catch (const web::token_set_error& e) {
    throw usage_error(e.what());
  }
  if (const auto timelines = f.all("timeline"); !timelines.empty()) {
    for (const auto& t : timelines)
      if (t.empty()) throw usage_error("--timeline needs a timeline name");
    user.timelines = timelines;
  }
  auto storage = open_credential_store(f.get("storage"), credential_opening::create);
  user.password = web::hash_password(new_password());
  update_users(*storage, [&](user_set& users) {
    if (users.find(user.name) != nullptr)
      throw std::runtime_error("a user called \"" + user.name + "\" exists already");
    users.users.push_back(user);
  });
  std::cerr << "roost user: added \"" << user.name << "\" (" << web::format_scopes(user.scopes)
            << ")\n";
  return 0;
}

int passwd(const std::vector<std::string>& args) {
  const flags f(args, {"storage"}, {}, {.max_positional = 1});
  const auto name = user_argument(f, "passwd");
  auto storage = open_credential_store(f.get("storage"), credential_opening::write);
  // Known before the password is asked for: no typing for a name that does not exist.
  auto current = users_of(read_credential_setting(*storage, web::users_setting_key));
  find(current, name);
  const auto hash = web::hash_password(new_password());
  update_users(*storage, [&](user_set& users) { find(users, name)->password = hash; });
  std::cerr << "roost user: changed the password of \"" << name
            << "\"; their sessions have ended\n";
  return 0;
}

int remove(const std::vector<std::string>& args) {
  const flags f(args, {"storage"}, {}, {.max_positional = 1});
  const auto name = user_argument(f, "remove");
  auto storage = open_credential_store(f.get("storage"), credential_opening::write);
  update_users(*storage, [&](user_set& users) {
    find(users, name);
    std::erase_if(users.users, [&](const web::user_entry& u) { return u.name == name; });
  });
  std::cerr << "roost user: removed \"" << name << "\"; their sessions have ended\n";
  return 0;
}

int list(const std::vector<std::string>& args) {
  const flags f(args, {"storage"});
  auto storage = open_credential_store(f.get("storage"), credential_opening::read);
  const auto users = users_of(read_credential_setting(*storage, web::users_setting_key));
  if (users.users.empty()) {
    std::cout << "no users\n";
    return 0;
  }
  for (const auto& u : users.users) {
    std::cout << u.name << '\t' << web::format_scopes(u.scopes) << '\t'
              << timelines_text(u.timelines) << '\n';
  }
  return 0;
}

}  // namespace

int user_command(const std::vector<std::string>& args) {
  if (args.empty()) throw usage_error("roost user needs add, passwd, remove or list");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "add") return add(rest);
  if (args[0] == "passwd") return passwd(rest);
  if (args[0] == "remove") return remove(rest);
  if (args[0] == "list") return list(rest);
  throw usage_error("unknown user command \"" + args[0] + "\" (add, passwd, remove or list)");
}

}  // namespace roost::app
