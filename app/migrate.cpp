#include "migrate.hpp"

#include <exception>
#include <future>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "bounded_queue.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"
#include "timeline_cursor.hpp"
#include "utf8_text.hpp"

namespace roost::app {

void text_digest::add(std::string_view text) noexcept {
  ++count;
  hash = (hash ^ std::hash<std::string_view>{}(text)) * 0x100000001b3;  // FNV-style mixing
}

namespace {

// What the reading thread hands to the writing one: a page of stored texts, or the end
// of a timeline with whether it stayed unchanged while it was read.
struct source_page {
  std::string timeline;
  std::vector<std::string> texts;
  bool timeline_end = false;
  bool unchanged = true;
  copied_timeline copied;  // at the end of a timeline
};

// Reads every timeline of `from` page by page on its own thread, so that reading
// overlaps with writing. The texts are not parsed: the target reads texts in stored form
// directly (put_status_texts). The destructor stops and joins the thread.
class source_reader {
public:
  source_reader(status_storage& from, std::size_t page_size)
      : queue_(2), thread_([this, &from, page_size] { run(from, page_size); }) {}
  ~source_reader() {
    queue_.close();
    thread_.join();
  }

  // The next page; nullopt at the end. Rethrows what the reading thread caught.
  std::optional<source_page> next() {
    auto page = queue_.pop();
    if (!page && error_) std::rethrow_exception(error_);
    return page;
  }

private:
  void run(status_storage& from, std::size_t page_size) {
    try {
      for (const auto& name : blocking::timeline_names(from)) {
        timeline_cursor cursor(from, name, page_size);
        copied_timeline copied{cursor.revision(), {}};
        while (true) {
          const auto& texts = cursor.next_page();
          if (texts.empty()) break;
          for (const auto& text : texts) copied.digest.add(text);
          if (!queue_.push({name, texts})) return;
        }
        if (!queue_.push({name, {}, true, cursor.unchanged(), copied})) return;
      }
    } catch (...) {
      error_ = std::current_exception();  // read by next() after close() below
    }
    queue_.close();
  }

  bounded_queue<source_page> queue_;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace

migrate_result migrate_statuses(status_storage& from, status_storage& to,
                                const migrate_options& options, const run_hooks& hooks) {
  migrate_result result;
  batch_writer writer(to, options.mode, options.batch_size, error_policy::abort, hooks,
                      [](const std::string& timeline, std::uint64_t n, const status&) {
                        return "status " + std::to_string(n) + " of timeline \"" + timeline + "\"";
                      });
  const auto finish = [&](run_outcome outcome, std::string message) {
    result.outcome = outcome;
    result.message = std::move(message);
    result.totals = writer.totals();
    return result;
  };
  const auto fraction = [&] {
    return options.expected_total > 0 ? double(result.read) / double(options.expected_total) : -1.0;
  };
  try {
    source_reader reader(from, options.batch_size);
    std::uint64_t position = 0;
    while (auto page = reader.next()) {
      if (hooks.should_stop()) return finish(run_outcome::stopped, "stopped");
      if (page->timeline_end) {
        if (!page->unchanged)
          throw std::runtime_error("timeline \"" + page->timeline +
                                   "\" changed in the source while it was copied; run migrate "
                                   "again once nothing writes to the source");
        // Every page of it was flushed as it came: the timeline is in the target.
        result.copied[page->timeline] = page->copied;
        ++result.timelines;
        position = 0;
        continue;
      }
      const auto count = page->texts.size();
      try {
        if (!writer.write_texts(page->timeline, std::move(page->texts), position + 1))
          return finish(run_outcome::aborted, "the target refused a status of the source");
      } catch (const invalid_request& e) {  // a stored text that is not a valid status
        throw std::runtime_error("a stored status of timeline \"" + page->timeline +
                                 "\" is damaged: " + e.what());
      }
      position += count;
      result.read += count;
      hooks.advance(result.read, fraction());
    }
  } catch (const storage_failure& e) {
    writer.discard();
    return finish(run_outcome::failed, std::string("a store failed: ") + e.what());
  }
  return finish(run_outcome::completed, {});
}

namespace {

// Every status of a timeline by id, as stored texts.
std::map<std::string, std::string> read_by_id(status_storage& s, const std::string& name) {
  std::map<std::string, std::string> out;
  timeline_cursor cursor(s, name);
  for (auto* page = &cursor.next_page(); !page->empty(); page = &cursor.next_page())
    for (const auto& text : *page) out.emplace(stored_status_id(text), text);
  return out;
}

// ` "a", "b", "c", ...`: the first few of `ids`, quoted and made printable.
std::string some_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i)
    out += (i ? ", \"" : " \"") + printable(ids[i], 100) + "\"";
  return out + (ids.size() > 5 ? ", ..." : "");
}

// Says how one timeline differs, once a quick pass found that it does.
void explain(status_storage& a, status_storage& b, const std::string& name,
             const store_names& names, const std::function<void(std::string)>& note) {
  const auto in_a = read_by_id(a, name), in_b = read_by_id(b, name);
  std::vector<std::string> only_a, only_b, changed;
  for (const auto& [id, text] : in_a) {
    const auto it = in_b.find(id);
    if (it == in_b.end())
      only_a.push_back(id);
    else if (it->second != text)
      changed.push_back(id);
  }
  for (const auto& [id, text] : in_b)
    if (!in_a.contains(id)) only_b.push_back(id);
  note(std::to_string(in_a.size()) + " statuses in " + names.first + ", " +
       std::to_string(in_b.size()) + " in " + names.second);
  if (!only_a.empty())
    note(std::to_string(only_a.size()) + " only in " + names.first + ":" + some_ids(only_a));
  if (!only_b.empty())
    note(std::to_string(only_b.size()) + " only in " + names.second + ":" + some_ids(only_b));
  if (!changed.empty())
    note(std::to_string(changed.size()) + " differ in content:" + some_ids(changed));
  if (only_a.empty() && only_b.empty() && changed.empty())
    note("the same statuses in a different order");
}

// Compares one timeline of both stores; returns the number of statuses in `a`.
std::size_t compare_timeline(status_storage& a, status_storage& b, const std::string& name,
                             const store_names& names, std::vector<std::string>& differences) {
  const std::string label = "timeline \"" + printable(name, 200) + "\": ";
  const auto note = [&](std::string text) { differences.push_back(label + text); };
  // The quick pass: equal texts in the same order need no parsing.
  timeline_cursor ca(a, name), cb(b, name);
  std::size_t n = 0;
  bool same = true;
  while (same) {
    // Both stores are read at once; each cursor is used by one thread only.
    auto next_b = std::async(std::launch::async,
                             [&]() -> const std::vector<std::string>& { return cb.next_page(); });
    const auto& pa = ca.next_page();
    const auto& pb = next_b.get();
    same = pa == pb;
    n += pa.size();
    if (pa.empty()) break;
  }
  if (!same) {
    explain(a, b, name, names, note);
    n = count_statuses(a, name);
  }
  const auto ua = blocking::get_unacked_counts(a, name);
  const auto ub = blocking::get_unacked_counts(b, name);
  if (!(ua == ub))
    note("unacked counts differ: " + ua.to_json().dump() + " in " + names.first + ", " +
         ub.to_json().dump() + " in " + names.second);
  return n;
}

}  // namespace

comparison compare_stores(status_storage& a, status_storage& b, const run_hooks& hooks,
                          const store_names& names) {
  comparison out;
  const auto names_a = blocking::timeline_names(a), names_b = blocking::timeline_names(b);
  std::set<std::string> timelines(names_a.begin(), names_a.end());
  timelines.insert(names_b.begin(), names_b.end());
  for (const auto& name : timelines) {
    if (hooks.should_stop()) {
      out.differences.push_back("comparison stopped before it ended");
      break;
    }
    out.statuses += compare_timeline(a, b, name, names, out.differences);
    ++out.timelines;
    hooks.advance(out.statuses, double(out.timelines) / double(timelines.size()));
  }
  return out;
}

comparison verify_migration(status_storage& from, status_storage& to, const migrate_result& copied,
                            const run_hooks& hooks, const store_names& names) {
  comparison out;
  const auto names_a = blocking::timeline_names(from), names_b = blocking::timeline_names(to);
  std::set<std::string> timelines(names_a.begin(), names_a.end());
  timelines.insert(names_b.begin(), names_b.end());
  for (const auto& [name, unused] : copied.copied) timelines.insert(name);
  for (const auto& name : timelines) {
    if (hooks.should_stop()) {
      out.differences.push_back("comparison stopped before it ended");
      break;
    }
    const auto it = copied.copied.find(name);
    bool same = false;
    if (it != copied.copied.end() && blocking::get_revision(from, name) == it->second.revision) {
      // The source is as it was copied: reading the target is enough.
      text_digest target;
      timeline_cursor cursor(to, name);
      for (auto* page = &cursor.next_page(); !page->empty(); page = &cursor.next_page())
        for (const auto& text : *page) target.add(text);
      same = target == it->second.digest &&
             blocking::get_unacked_counts(from, name) == blocking::get_unacked_counts(to, name);
      if (same) out.statuses += target.count;
    }
    if (!same) out.statuses += compare_timeline(from, to, name, names, out.differences);
    ++out.timelines;
    hooks.advance(out.statuses, double(out.timelines) / double(timelines.size()));
  }
  return out;
}

}  // namespace roost::app
