// The layout read here is LMDB 0.9's (mdb.c: MDB_page, MDB_node, MDB_db, MDB_meta),
// which is fixed for its data format version 1.
#include "page_walk.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <system_error>

namespace roost::detail {
namespace {

constexpr bool layout_supported =
    sizeof(std::size_t) == 8 && std::endian::native == std::endian::little;

constexpr std::size_t page_header = 16;  // PAGEHDRSZ
constexpr std::size_t node_header = 8;   // NODESIZE
constexpr std::size_t db_record = 48;    // sizeof(MDB_db)
constexpr std::uint32_t lmdb_magic = 0xBEEFC0DE;
constexpr std::uint32_t data_version = 1;
constexpr std::uint16_t p_branch = 0x01, p_leaf = 0x02, p_overflow = 0x04;
constexpr std::uint16_t p_dirty = 0x10, p_keep = 0x8000;  // in-memory marks LMDB may leave
constexpr std::uint16_t f_bigdata = 0x01, f_subdata = 0x02, f_dupdata = 0x04;
constexpr std::uint64_t invalid_page = ~std::uint64_t{0};
constexpr unsigned max_depth = 32;            // LMDB's cursor stack: deeper trees cannot be read
constexpr std::uint64_t first_data_page = 2;  // pages 0 and 1 are the meta pages
constexpr std::size_t listed_problems = 40;

template <typename T>
T load(const unsigned char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

struct db_info {
  std::uint16_t flags = 0;
  std::uint16_t depth = 0;
  std::uint64_t branch_pages = 0, leaf_pages = 0, overflow_pages = 0, entries = 0;
  std::uint64_t root = invalid_page;
};

db_info decode_db(const unsigned char* p) noexcept {
  db_info d;
  d.flags = load<std::uint16_t>(p + 4);
  d.depth = load<std::uint16_t>(p + 6);
  d.branch_pages = load<std::uint64_t>(p + 8);
  d.leaf_pages = load<std::uint64_t>(p + 16);
  d.overflow_pages = load<std::uint64_t>(p + 24);
  d.entries = load<std::uint64_t>(p + 32);
  d.root = load<std::uint64_t>(p + 40);
  return d;
}

// How a tree orders its keys: the free-page tree by integer (transaction ids), every
// other tree bytewise with the shorter of two equal prefixes first (mdb_cmp_memn).
enum class tree_kind { free, main, table };

int compare_keys(tree_kind kind, std::string_view a, std::string_view b) noexcept {
  if (kind == tree_kind::free && a.size() == 8 && b.size() == 8) {
    const auto x = load<std::uint64_t>(reinterpret_cast<const unsigned char*>(a.data()));
    const auto y = load<std::uint64_t>(reinterpret_cast<const unsigned char*>(b.data()));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a.compare(b);
}

std::string quoted_name(std::string_view name) {
  // Table names are Roost's own ASCII names; anything else is shown as escapes.
  std::string out = "\"";
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && c != '"' && c != '\\') {
      out += c;
    } else {
      static const char digits[] = "0123456789abcdef";
      out += "\\x";
      out += digits[u >> 4];
      out += digits[u & 15];
    }
  }
  return out + "\"";
}

class walker {
public:
  walker(int fd, page_walk_result& out) : fd_(fd), out_(out), page_(out.page_size) {}

  // Marks every page a tree uses (and, for the free-page tree, every page it lists as
  // free), checking each as it goes.
  void walk_tree(const std::string& name, const db_info& db, tree_kind kind) {
    tree_ = name;
    kind_ = kind;
    depth_ = db.depth;
    counted_ = {};
    last_key_.reset();
    bound_.reset();
    if (db.root == invalid_page) {
      if (db.depth != 0 || db.entries != 0 || db.leaf_pages != 0 || db.branch_pages != 0)
        problem("table " + tree_ + " is empty but its record counts " + std::to_string(db.entries) +
                " entries");
      return;
    }
    if (db.depth == 0 || db.depth > max_depth) {
      problem("table " + tree_ + " has an impossible depth " + std::to_string(db.depth));
      return;
    }
    visit(db.root, 1);
    if (counted_.entries != db.entries || counted_.leaf_pages != db.leaf_pages ||
        counted_.branch_pages != db.branch_pages || counted_.overflow_pages != db.overflow_pages)
      problem("table " + tree_ + ": its record counts " + std::to_string(db.entries) +
              " entries in " + std::to_string(db.leaf_pages) + "+" +
              std::to_string(db.branch_pages) + "+" + std::to_string(db.overflow_pages) +
              " pages, the tree holds " + std::to_string(counted_.entries) + " in " +
              std::to_string(counted_.leaf_pages) + "+" + std::to_string(counted_.branch_pages) +
              "+" + std::to_string(counted_.overflow_pages) + " (leaf+branch+overflow)");
  }

  // The named tables the main tree lists, found by walk_tree(main).
  std::vector<std::pair<std::string, db_info>> tables;

  // Per page: 0 not reached, 1 in a tree, 2 listed as free.
  std::vector<std::uint8_t> state;

  void problem(std::string text) {
    if (out_.problems.size() < listed_problems)
      out_.problems.push_back(std::move(text));
    else
      ++out_.unlisted;
  }

private:
  bool in_file(std::uint64_t first, std::uint64_t count) const noexcept {
    return first <= out_.pages && count <= out_.pages - first &&
           (first + count) <= out_.file_bytes / out_.page_size;
  }

  std::string where(std::uint64_t pgno) const {
    return "page " + std::to_string(pgno) + " (table " + tree_ + ")";
  }

  // Claims `count` pages from `first` for `mark`; false (with a problem) when one is
  // outside the snapshot or the file, or already claimed.
  bool claim(std::uint64_t first, std::uint64_t count, std::uint8_t mark, const char* what) {
    if (first < first_data_page || first > out_.pages || count > out_.pages - first) {
      problem(where(first) + ": " + what + " page number is outside the store's " +
              std::to_string(out_.pages) + " pages");
      return false;
    }
    if (mark == 1 && !in_file(first, count)) {
      problem(where(first) + ": lies beyond the end of the file (" +
              std::to_string(out_.file_bytes) + " bytes)");
      return false;
    }
    for (std::uint64_t p = first; p < first + count; ++p) {
      if (state[p] != 0) {
        problem(where(p) + ": reached twice (" + (state[p] == 1 ? "in use" : "free") + " and " +
                (mark == 1 ? "in use" : "free") + ")");
        return false;
      }
      state[p] = mark;
    }
    return true;
  }

  void read(std::uint64_t offset, std::size_t n, unsigned char* into) const {
    std::size_t done = 0;
    while (done < n) {
      const auto r = ::pread(fd_, into + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw std::system_error(errno, std::generic_category(), "reading data.mdb");
      if (r == 0) throw std::system_error(EIO, std::generic_category(), "data.mdb ended early");
      done += static_cast<std::size_t>(r);
    }
  }

  void visit(std::uint64_t pgno, unsigned level) {
    if (!claim(pgno, 1, 1, "a")) return;
    std::vector<unsigned char> buf(page_);
    read(pgno * page_, page_, buf.data());
    const unsigned char* p = buf.data();
    if (load<std::uint64_t>(p) != pgno) {
      problem(where(pgno) + ": its header says page " + std::to_string(load<std::uint64_t>(p)) +
              " (overwritten?)");
      return;
    }
    const auto flags =
        static_cast<std::uint16_t>(load<std::uint16_t>(p + 10) & ~(p_dirty | p_keep));
    const bool leaf = flags == p_leaf;
    if (!leaf && flags != p_branch) {
      problem(where(pgno) + ": not a branch or leaf page (flags " + std::to_string(flags) + ")");
      return;
    }
    if (leaf != (level == depth_)) {
      problem(where(pgno) + ": a " + (leaf ? "leaf" : "branch") + " page at level " +
              std::to_string(level) + " of a tree of depth " + std::to_string(depth_));
      return;
    }
    const std::size_t lower = load<std::uint16_t>(p + 12);
    const std::size_t upper = load<std::uint16_t>(p + 14);
    if (lower < page_header || (lower - page_header) % 2 != 0 || lower > upper || upper > page_) {
      problem(where(pgno) + ": damaged header (free space " + std::to_string(lower) + ".." +
              std::to_string(upper) + ")");
      return;
    }
    const std::size_t n = (lower - page_header) / 2;
    if (n == 0) {
      problem(where(pgno) + ": has no entries");
      return;
    }
    leaf ? ++counted_.leaf_pages : ++counted_.branch_pages;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t off = load<std::uint16_t>(p + page_header + 2 * i);
      if (off < upper || off + node_header > page_) {
        problem(where(pgno) + ": entry " + std::to_string(i) + " lies outside the page");
        return;
      }
      const unsigned char* node = p + off;
      const std::uint64_t lo = load<std::uint16_t>(node), hi = load<std::uint16_t>(node + 2);
      const std::uint16_t nflags = load<std::uint16_t>(node + 4);
      const std::size_t ksize = load<std::uint16_t>(node + 6);
      if (off + node_header + ksize > page_) {
        problem(where(pgno) + ": the key of entry " + std::to_string(i) + " runs past the page");
        return;
      }
      const std::string_view key(reinterpret_cast<const char*>(node + node_header), ksize);
      if (!leaf) {
        const std::uint64_t child = lo | (hi << 16) | (std::uint64_t{nflags} << 32);
        if (i > 0) {
          if (last_key_ && compare_keys(kind_, *last_key_, key) >= 0) {
            problem(where(pgno) + ": keys out of order");
            return;
          }
          bound_ = std::string(key);
        }
        visit(child, level + 1);
        continue;
      }
      if (!leaf_key(pgno, key)) return;
      ++counted_.entries;
      const std::uint64_t dsize = lo | (hi << 16);
      if ((nflags & f_dupdata) != 0) {
        problem(where(pgno) + ": holds duplicate values, which Roost never writes");
        return;
      }
      const std::size_t data_at = off + node_header + ksize;
      std::vector<unsigned char> big;
      const unsigned char* value = nullptr;
      if ((nflags & f_bigdata) != 0) {
        if (data_at + 8 > page_) {
          problem(where(pgno) + ": entry " + std::to_string(i) + " runs past the page");
          return;
        }
        if (!overflow(load<std::uint64_t>(p + data_at), dsize, big)) return;
        value = big.data();
      } else {
        if (data_at + dsize > page_) {
          problem(where(pgno) + ": the value of entry " + std::to_string(i) +
                  " runs past the page");
          return;
        }
        value = p + data_at;
      }
      leaf_value(pgno, key, nflags, value, dsize);
    }
  }

  bool leaf_key(std::uint64_t pgno, std::string_view key) {
    if (kind_ == tree_kind::free && key.size() != 8) {
      problem(where(pgno) + ": a free-page record with a key of " + std::to_string(key.size()) +
              " bytes");
      return false;
    }
    if ((last_key_ && compare_keys(kind_, *last_key_, key) >= 0) ||
        (bound_ && compare_keys(kind_, key, *bound_) < 0)) {
      problem(where(pgno) + ": keys out of order");
      return false;
    }
    bound_.reset();
    last_key_ = std::string(key);
    return true;
  }

  // Claims an overflow run and, for the trees whose values this walk reads (the free
  // list), reads its bytes into `bytes`.
  bool overflow(std::uint64_t first, std::uint64_t dsize, std::vector<unsigned char>& bytes) {
    const std::uint64_t need = (page_header - 1 + dsize) / page_ + 1;
    if (first < first_data_page || first >= out_.pages || !in_file(first, 1)) {
      claim(first, 1, 1, "an overflow");
      return false;
    }
    unsigned char head[page_header];
    read(first * page_, page_header, head);
    const std::uint32_t pages = load<std::uint32_t>(head + 12);
    if (load<std::uint64_t>(head) != first ||
        (load<std::uint16_t>(head + 10) & ~(p_dirty | p_keep)) != p_overflow || pages < need) {
      problem(where(first) + ": not the overflow page a value of " + std::to_string(dsize) +
              " bytes points to (overwritten?)");
      return false;
    }
    if (!claim(first, pages, 1, "an overflow")) return false;
    counted_.overflow_pages += pages;
    if (kind_ == tree_kind::table) return true;
    bytes.resize(static_cast<std::size_t>(dsize));
    read(first * page_ + page_header, bytes.size(), bytes.data());
    return true;
  }

  void leaf_value(std::uint64_t pgno, std::string_view key, std::uint16_t nflags,
                  const unsigned char* value, std::uint64_t dsize) {
    switch (kind_) {
      case tree_kind::main:
        if ((nflags & f_subdata) == 0 || dsize != db_record) {
          problem(where(pgno) + ": the main table holds " + quoted_name(key) +
                  ", which is not a table");
          return;
        }
        tables.emplace_back(std::string(key), decode_db(value));
        return;
      case tree_kind::table:
        if ((nflags & f_subdata) != 0)
          problem(where(pgno) + ": holds a nested table, which Roost never writes");
        return;
      case tree_kind::free: {
        // A list of page numbers: its length, then the pages (LMDB may reserve more room).
        if (dsize < 8 || dsize % 8 != 0) {
          problem(where(pgno) + ": a free-page list of " + std::to_string(dsize) + " bytes");
          return;
        }
        const std::uint64_t count = load<std::uint64_t>(value);
        if (count > dsize / 8 - 1) {
          problem(where(pgno) + ": a free-page list claims more pages than it holds");
          return;
        }
        for (std::uint64_t k = 1; k <= count; ++k) {
          const auto free_page = load<std::uint64_t>(value + 8 * k);
          if (!claim(free_page, 1, 2, "a free")) return;
          ++out_.pages_free;
        }
        return;
      }
    }
  }

  int fd_;
  page_walk_result& out_;
  std::size_t page_;
  std::string tree_;
  tree_kind kind_ = tree_kind::table;
  unsigned depth_ = 0;
  db_info counted_;
  std::optional<std::string> last_key_;  // the last leaf key of the tree so far
  std::optional<std::string> bound_;     // the separator the next leaf key must reach
};

}  // namespace

page_walk_result walk_pages(MDB_env* env, MDB_txn* txn, walk_depth depth) {
  page_walk_result out;
  if (!layout_supported) return out;
  int fd = -1;
  if (const int rc = ::mdb_env_get_fd(env, &fd); rc != MDB_SUCCESS)
    throw std::system_error(rc, std::generic_category(), "mdb_env_get_fd");
  MDB_stat stat{};
  if (const int rc = ::mdb_env_stat(env, &stat); rc != MDB_SUCCESS)
    throw std::system_error(rc, std::generic_category(), "mdb_env_stat");
  out.page_size = stat.ms_psize;
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) throw std::system_error(errno, std::generic_category(), "fstat");
  out.file_bytes = static_cast<std::uint64_t>(st.st_size);

  // The snapshot's meta page: transaction N wrote meta page N % 2.
  const std::uint64_t txnid = ::mdb_txn_id(txn);
  unsigned char meta[page_header + 136];
  const std::uint64_t meta_at = (txnid % 2) * out.page_size;
  if (out.file_bytes < meta_at + sizeof meta) {
    out.problems.push_back("the file is too short to hold its meta pages (" +
                           std::to_string(out.file_bytes) + " bytes)");
    return out;
  }
  {
    std::size_t done = 0;
    while (done < sizeof meta) {
      const auto r =
          ::pread(fd, meta + done, sizeof meta - done, static_cast<off_t>(meta_at + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0)
        throw std::system_error(r < 0 ? errno : EIO, std::generic_category(), "reading data.mdb");
      done += static_cast<std::size_t>(r);
    }
  }
  const unsigned char* m = meta + page_header;
  if (load<std::uint64_t>(m + 128) != txnid) {
    out.snapshot_moved = true;
    return out;
  }
  if (load<std::uint32_t>(m) != lmdb_magic || load<std::uint32_t>(m + 4) != data_version ||
      load<std::uint32_t>(m + 24) != out.page_size) {
    out.problems.push_back("meta page " + std::to_string(txnid % 2) + " is damaged");
    return out;
  }
  const db_info free_db = decode_db(m + 24);
  const db_info main_db = decode_db(m + 72);
  const std::uint64_t last_page = load<std::uint64_t>(m + 120);
  if (last_page < first_data_page - 1 || last_page > (std::uint64_t{1} << 36)) {
    out.problems.push_back("meta page " + std::to_string(txnid % 2) +
                           " names an impossible last page " + std::to_string(last_page));
    return out;
  }
  out.pages = last_page + 1;
  // Only free pages may be missing from the file's end, and only a few: a file far
  // shorter than its page count was cut short (and a page map for a count the meta page
  // made up would not fit in memory).
  const std::uint64_t file_pages = out.file_bytes / out.page_size;
  if (out.pages > file_pages + (std::uint64_t{1} << 16)) {
    out.problems.push_back(
        "the file is " + std::to_string(out.file_bytes) + " bytes, but its pages need up to " +
        std::to_string(out.pages * out.page_size) + " (" + std::to_string(out.pages) +
        " pages of " + std::to_string(out.page_size) +
        " bytes): it was cut short (a full disk, an interrupted copy)");
    return out;
  }

  walker w(fd, out);
  w.state.assign(static_cast<std::size_t>(out.pages), 0);
  w.walk_tree("(free pages)", free_db, tree_kind::free);

  // The file must hold every page up to the last one not listed as free.
  std::uint64_t needed = out.pages;
  while (needed > first_data_page && w.state[needed - 1] == 2) --needed;
  if (out.file_bytes < needed * out.page_size)
    w.problem("the file is " + std::to_string(out.file_bytes) + " bytes, but its pages need " +
              std::to_string(needed * out.page_size) + " (" + std::to_string(needed) +
              " pages of " + std::to_string(out.page_size) +
              " bytes): it was cut short (a full disk, an interrupted copy)");
  if (depth == walk_depth::tail || !out.problems.empty()) return out;

  w.walk_tree("(main)", main_db, tree_kind::main);
  const auto tables = std::move(w.tables);
  for (const auto& [name, db] : tables) w.walk_tree(quoted_name(name), db, tree_kind::table);

  std::uint64_t unreached = 0, first_unreached = 0;
  for (std::uint64_t p = first_data_page; p < out.pages; ++p) {
    if (w.state[p] == 1) ++out.pages_used;
    if (w.state[p] != 0) continue;
    if (unreached++ == 0) first_unreached = p;
  }
  if (unreached != 0)
    w.problem(std::to_string(unreached) + " pages are neither in use nor free (the first is page " +
              std::to_string(first_unreached) + ")");
  return out;
}

std::string meta_pages_problem(int fd, std::uint64_t file_bytes) {
  if (!layout_supported) return {};
  constexpr std::size_t meta_bytes = page_header + 24 + 4;  // up to the page size field
  constexpr std::uint16_t p_meta = 0x08;
  std::uint64_t offset = 0;
  for (int page = 0; page < 2; ++page) {
    unsigned char bytes[meta_bytes];
    if (offset + meta_bytes > file_bytes ||
        ::pread(fd, bytes, meta_bytes, static_cast<off_t>(offset)) !=
            static_cast<ssize_t>(meta_bytes))
      return page == 0 ? "the file is too short for its first meta page" : std::string();
    const unsigned char* m = bytes + page_header;
    const bool meta = (load<std::uint16_t>(bytes + 10) & p_meta) != 0 &&
                      load<std::uint32_t>(m) == lmdb_magic &&
                      load<std::uint32_t>(m + 4) == data_version;
    // A page LMDB will not take is refused by LMDB itself, cleanly.
    if (!meta) return {};
    const auto size = load<std::uint32_t>(m + 24);
    if (size < 512 || size > 65536 || (size & (size - 1)) != 0)
      return "meta page " + std::to_string(page) + " gives a page size of " + std::to_string(size) +
             " bytes";
    offset = size;  // LMDB reads the second meta page one page size in
  }
  return {};
}

}  // namespace roost::detail
