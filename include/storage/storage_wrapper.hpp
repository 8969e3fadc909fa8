// storage_wrapper: a status_storage that forwards every operation to another one.
//
// Derive from it and override one hook to inject a fault, delay completions, count
// calls or move work to another thread; the other operations keep working unchanged.
// Requests arrive already validated, so a wrapper never re-parses statuses.
//
// Thread safety: as the wrapped storage's. The wrapped storage must outlive the wrapper.
#pragma once

#include "storage/status_storage.hpp"

namespace roost {

/// Forwards every hook to `inner()`.
class storage_wrapper : public status_storage {
public:
  /// Wraps `inner`, which the caller keeps alive for the wrapper's lifetime.
  explicit storage_wrapper(status_storage& inner) : inner_(inner) {}

  /// The wrapped storage.
  status_storage& inner() const noexcept { return inner_; }

protected:
  status_storage& change_source() noexcept override { return inner_.change_source(); }

  void do_put_statuses(prepared_put request, count_callback done) override {
    inner_.do_put_statuses(std::move(request), std::move(done));
  }
  void do_get_statuses(prepared_get request, texts_callback done) override {
    inner_.do_get_statuses(std::move(request), std::move(done));
  }
  void do_ack_statuses(prepared_ack request, count_callback done) override {
    inner_.do_ack_statuses(std::move(request), std::move(done));
  }
  void do_delete_statuses(delete_request request, count_callback done) override {
    inner_.do_delete_statuses(std::move(request), std::move(done));
  }
  void do_get_unacked_counts(std::string timeline, counts_callback done) override {
    inner_.do_get_unacked_counts(std::move(timeline), std::move(done));
  }
  void do_contains(std::string timeline, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override {
    inner_.do_contains(std::move(timeline), std::move(ids), std::move(done));
  }
  void do_timeline_names(names_callback done) override {
    inner_.do_timeline_names(std::move(done));
  }
  void do_get_revision(std::string timeline, revision_callback done) override {
    inner_.do_get_revision(std::move(timeline), std::move(done));
  }
  void do_get_changes(prepared_changes request, changes_callback done) override {
    inner_.do_get_changes(std::move(request), std::move(done));
  }
  void do_get_setting(std::string key, setting_callback done) override {
    inner_.do_get_setting(std::move(key), std::move(done));
  }
  void do_put_setting(put_setting_request request, revision_callback done) override {
    inner_.do_put_setting(std::move(request), std::move(done));
  }

private:
  status_storage& inner_;
};

}  // namespace roost
