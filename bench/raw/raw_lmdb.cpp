// Raw-LMDB baseline: the same bytes the library stores, with plain puts and cursor reads.
//
// One database keyed by the id (whose byte order is the workload's timeline order), the
// document as value. The environment uses the flags of the LMDB backend's default so
// that the ratio shows the library's own work, not a different durability level.
#include "raw/raw_lmdb.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <lmdb.h>

#include "raw/raw_engine_benchmarks.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

using raw::page_size;
constexpr std::size_t map_size = std::size_t{4} << 30;  // sparse; far above what N needs
constexpr unsigned env_flags = MDB_NOTLS;

void ok(int rc, const char* what) {
  if (rc != MDB_SUCCESS)
    throw std::runtime_error(std::string("raw lmdb: ") + what + ": " + mdb_strerror(rc));
}

MDB_val val(const std::string& s) { return {s.size(), const_cast<char*>(s.data())}; }

// A transaction that aborts unless committed.
class txn {
public:
  txn(MDB_env* env, unsigned flags) { ok(mdb_txn_begin(env, nullptr, flags, &t_), "txn_begin"); }
  ~txn() {
    if (t_) mdb_txn_abort(t_);
  }
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;
  MDB_txn* get() const noexcept { return t_; }
  void commit() {
    const int rc = mdb_txn_commit(t_);
    t_ = nullptr;
    ok(rc, "txn_commit");
  }

private:
  MDB_txn* t_ = nullptr;
};

// A cursor, closed before its transaction ends.
class cursor {
public:
  cursor(MDB_txn* t, MDB_dbi dbi) { ok(mdb_cursor_open(t, dbi, &c_), "cursor_open"); }
  ~cursor() { mdb_cursor_close(c_); }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  MDB_cursor* get() const noexcept { return c_; }

private:
  MDB_cursor* c_ = nullptr;
};

class raw_env {
public:
  explicit raw_env(const std::filesystem::path& dir) {
    ok(mdb_env_create(&env_), "env_create");
    ok(mdb_env_set_mapsize(env_, map_size), "env_set_mapsize");
    ok(mdb_env_set_maxdbs(env_, 2), "env_set_maxdbs");
    ok(mdb_env_open(env_, dir.c_str(), env_flags, 0644), "env_open");
    txn t(env_, 0);
    ok(mdb_dbi_open(t.get(), "statuses", MDB_CREATE, &dbi_), "dbi_open");
    t.commit();
  }
  ~raw_env() { mdb_env_close(env_); }
  raw_env(const raw_env&) = delete;
  raw_env& operator=(const raw_env&) = delete;

  // Puts statuses first .. first+count-1, `batch` per write transaction.
  void insert(std::size_t first, std::size_t count, std::size_t batch) {
    const auto& all = texts();
    for (std::size_t i = first; i < first + count; i += batch) {
      const std::size_t end = std::min(first + count, i + batch);
      txn t(env_, 0);
      for (std::size_t k = i; k < end; ++k) {
        const std::string id = workload::id_of(k);
        MDB_val key = val(id), data = val(all[k]);
        ok(mdb_put(t.get(), dbi_, &key, &data, MDB_NOOVERWRITE), "put");
      }
      t.commit();
    }
  }

  // Up to 20 documents, newest first, from the newest or from `max_id` (inclusive).
  std::vector<std::string> page(const std::string* max_id) {
    std::vector<std::string> docs;
    docs.reserve(page_size);
    txn t(env_, MDB_RDONLY);
    {
      cursor c(t.get(), dbi_);
      MDB_val key{}, data{};
      int rc = 0;
      if (max_id) {
        key = val(*max_id);
        rc = mdb_cursor_get(c.get(), &key, &data, MDB_SET_KEY);
      } else {
        rc = mdb_cursor_get(c.get(), &key, &data, MDB_LAST);
      }
      while (rc == MDB_SUCCESS && docs.size() < page_size) {
        docs.emplace_back(static_cast<const char*>(data.mv_data), data.mv_size);
        rc = mdb_cursor_get(c.get(), &key, &data, MDB_PREV);
      }
      if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) ok(rc, "cursor_get");
    }
    return docs;
  }

  std::size_t contains(const std::vector<std::string>& ids) {
    std::size_t found = 0;
    txn t(env_, MDB_RDONLY);
    for (const auto& id : ids) {
      MDB_val key = val(id), data{};
      const int rc = mdb_get(t.get(), dbi_, &key, &data);
      if (rc == MDB_SUCCESS)
        ++found;
      else if (rc != MDB_NOTFOUND)
        ok(rc, "get");
    }
    return found;
  }

  // Deletes every record one by one with a cursor, as deleting one timeline's range would.
  std::size_t delete_all() {
    std::size_t n = 0;
    txn t(env_, 0);
    {
      cursor c(t.get(), dbi_);
      MDB_val key{}, data{};
      int rc = 0;
      while ((rc = mdb_cursor_get(c.get(), &key, &data, MDB_FIRST)) == MDB_SUCCESS) {
        ok(mdb_cursor_del(c.get(), 0), "cursor_del");
        ++n;
      }
      if (rc != MDB_NOTFOUND) ok(rc, "cursor_get");
    }
    t.commit();
    return n;
  }

  void delete_ids(std::size_t first, std::size_t count) {
    txn t(env_, 0);
    for (std::size_t k = first; k < first + count; ++k) {
      const std::string id = workload::id_of(k);
      MDB_val key = val(id);
      ok(mdb_del(t.get(), dbi_, &key, nullptr), "del");
    }
    t.commit();
  }

private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace

void register_raw_lmdb_benchmarks(std::size_t n) {
  raw::register_raw_engine_benchmarks<raw_env>("raw-lmdb", n);
}

void add_raw_lmdb_context() {
  benchmark::AddCustomContext("lmdb_version", mdb_version(nullptr, nullptr, nullptr));
  benchmark::AddCustomContext("raw_lmdb_settings", "env flags MDB_NOTLS (durable commits)");
}

void release_raw_lmdb_store() { raw::release_raw_engine_store<raw_env>(); }

std::unique_ptr<raw_inserter> open_raw_lmdb_inserter(const std::filesystem::path& dir) {
  return std::make_unique<raw::engine_inserter<raw_env>>(dir);
}

}  // namespace roost::bench
