// The `roost` program: a thin dispatcher to its subcommands.
#include <iostream>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "data_commands.hpp"
#include "serve_command.hpp"

namespace {

// One entry per command: `roost help` prints them all, `roost COMMAND --help` its own.
struct command_help {
  const char* name;
  const char* text;
};

constexpr command_help commands[] = {
    {"serve", R"(  serve    run the HTTP server and timeline viewer
             --config FILE        JSON configuration (see docs/server.md)
             --listen HOST:PORT   default 127.0.0.1:5000
             --storage URI        sqlite:PATH | lmdb:DIR | postgresql://... | memory:
                                  (default: sqlite file in ~/.local/share/roost)
             --timeline NAME      serve this timeline (repeatable; default "home")
             --allow-anonymous    serve a non-loopback address without credentials
                                  (only behind an authenticating proxy)
             --tls-cert FILE --tls-key FILE
                                  HTTPS (TLS 1.2+) with this PEM certificate chain
                                  and key; SIGHUP re-reads them
)"},
    {"token", R"(  token    API tokens kept in the store (docs/security.md); once one exists, every
           request needs one ("Authorization: Bearer TOKEN")
             add --name NAME --scope read[,write][,admin] [--timeline NAME]...
                                  prints the new token once; only its hash is kept
             list                 names, scopes, timelines, creation times
             revoke NAME          a running server refuses it within a second
             --storage URI        the store (default: serve's default sqlite file)
)"},
    {"user", R"(  user     the viewer's users, who log in with a password (docs/security.md)
             add --name NAME [--scope read,write] [--timeline NAME]...
                                  the password is read from stdin (twice, unechoed, on
                                  a terminal)
             passwd NAME | remove NAME
                                  both end the user's sessions on running servers
             list                 names, scopes, timelines
             --storage URI        as for token
)"},
    {"export", R"(  export   write statuses as NDJSON, one {"timeline": ..., "status": ...} per line
             --storage URI        the store to read
             --timeline NAME      export this timeline (repeatable; default: all)
             --output FILE|-      default - (stdout)
)"},
    {"import", R"(  import   read NDJSON statuses into a store, in batches of one transaction each
             --storage URI        the store to write (created when missing)
             --input FILE|-       default - (stdin)
             --mode insert|upsert insert (default) skips ids already there: re-running
                                  after an interruption completes the import
             --on-error abort|skip  an invalid line aborts before its batch is written
                                  (default), or is reported and left out
             --batch-size N       statuses per transaction (default 1000)
)"},
    {"migrate", R"(  migrate  copy every timeline from one store to another, then compare them
             --from URI --to URI  [--mode insert|upsert] [--batch-size N]
)"},
    {"import-busybird",
     R"(  import-busybird  import a BusyBird SQLite database (read-only) with acks and levels
             --from FILE          BusyBird's status database
             --storage URI        [--mode insert|upsert] [--on-error abort|skip]
)"},
    {"stats", R"(  stats    timelines, status counts, unacked counts per level, size on disk
             --storage URI        [--format text|json]
)"},
    {"check", R"(  check    read the whole store and report damage (exit code 1 when any)
             --storage URI        the store to check (opened read-only)
)"},
};

// What every command that moves data shares.
constexpr const char* data_note =
    R"(           export, stats, check and migrate's --from open their store read-only.
           export, import, migrate and import-busybird show progress on stderr (a bar on
           a terminal, else a line every --progress-interval SECONDS, default 5); Ctrl-C
           stops them between batches. See docs/data-moving.md.
)";

constexpr const char* version_text = "roost " ROOST_VERSION "\n";

void print_usage(std::ostream& out) {
  out << "usage: roost <command> [options]     roost <command> --help     roost --version\n\n"
         "commands:\n";
  for (const auto& c : commands) out << c.text;
  out << data_note << "  help     show this text\n";
}

// The help of `command`; false when there is no such command.
bool print_command_help(std::ostream& out, const std::string& command) {
  for (const auto& c : commands)
    if (command == c.name) {
      out << "usage: roost " << c.name << " [options]\n\n" << c.text;
      const std::string name = c.name;
      if (name == "export" || name == "import" || name == "migrate" || name == "import-busybird" ||
          name == "stats" || name == "check")
        out << data_note;
      return true;
    }
  return false;
}

bool asks_for_help(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return 2;
  }
  if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    if (args.size() > 1 && print_command_help(std::cout, args[1])) return 0;
    print_usage(std::cout);
    return args.size() > 1 ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << version_text;
    return 0;
  }
  const auto command = args[0];
  args.erase(args.begin());
  if (asks_for_help(args) && print_command_help(std::cout, command)) return 0;
  try {
    if (command == "serve") return roost::app::serve_command(args);
    if (command == "export") return roost::app::export_command(args);
    if (command == "import") return roost::app::import_command(args);
    if (command == "migrate") return roost::app::migrate_command(args);
    if (command == "import-busybird") return roost::app::import_busybird_command(args);
    if (command == "stats") return roost::app::stats_command(args);
    if (command == "check") return roost::app::check_command(args);
    if (command == "token") return roost::app::token_command(args);
    if (command == "user") return roost::app::user_command(args);
    throw roost::app::usage_error("unknown command \"" + command + "\"");
  } catch (const roost::app::help_requested&) {
    print_command_help(std::cout, command);
    return 0;
  } catch (const roost::app::usage_error& e) {
    // The command's own help when there is one: the whole list buries the answer.
    std::cerr << "roost: " << e.what() << "\n\n";
    if (!print_command_help(std::cerr, command)) print_usage(std::cerr);
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "roost: " << e.what() << '\n';
    return 1;
  }
}
