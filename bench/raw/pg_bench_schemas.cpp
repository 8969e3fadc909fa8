#include "raw/pg_bench_schemas.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>

#include "raw/pg_client.hpp"

namespace roost::bench {
namespace {

// FNV-1a, 64 bits: stable across runs and builds, unlike std::hash.
std::string hex_hash(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

// The schemas this process named, with their directories.
class registry {
public:
  std::string schema_of(std::string_view prefix, const std::filesystem::path& dir) {
    std::string name = std::string(prefix) + hex_hash(dir.string());
    std::lock_guard lock(mutex_);
    if (const auto it = dirs_.find(name); it != dirs_.end()) return name;  // a reopen
    std::string drop = drop_sql(name);
    for (auto it = dirs_.begin(); it != dirs_.end();) {
      if (std::filesystem::exists(it->second)) {
        ++it;
        continue;
      }
      drop += drop_sql(it->first);
      it = dirs_.erase(it);
    }
    pg::client(*bench_postgresql()).run(drop);
    dirs_.emplace(name, dir);
    return name;
  }

  ~registry() {
    if (dirs_.empty()) return;
    std::string drop;
    for (const auto& [name, dir] : dirs_) drop += drop_sql(name);
    try {
      pg::client(*bench_postgresql()).run(drop);
    } catch (const std::exception& e) {
      std::cerr << "roost_bench: leaving benchmark schemas behind: " << e.what() << '\n';
    }
  }

private:
  static std::string drop_sql(const std::string& name) {
    return "DROP SCHEMA IF EXISTS " + name + " CASCADE;";
  }

  std::mutex mutex_;
  std::map<std::string, std::filesystem::path> dirs_;
};

}  // namespace

std::optional<std::string> bench_postgresql() {
  const char* conninfo = std::getenv("ROOST_BENCH_POSTGRESQL");
  if (!conninfo || !*conninfo) return std::nullopt;
  return std::string(conninfo);
}

std::string bench_schema(std::string_view prefix, const std::filesystem::path& dir) {
  static registry schemas;
  return schemas.schema_of(prefix, dir);
}

void settle_schema(const std::string& schema) {
  static const pg::statement tables{
      "roost_bench_tables",
      "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_catalog.pg_tables "
      "WHERE schemaname = $1",
      {pg::type::text}};
  pg::client db(*bench_postgresql());
  pg::params p;
  p.text(schema);
  const auto list = db.exec(tables, p);
  if (list.rows() == 1 && !list.value(0, 0).empty())
    db.run("VACUUM (ANALYZE) " + std::string(list.value(0, 0)));
}

}  // namespace roost::bench
