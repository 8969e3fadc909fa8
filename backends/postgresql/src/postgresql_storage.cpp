// postgresql_storage: the executor, the pool and the operations put together.
#include "storage/postgresql_storage.hpp"

#include <libpq-fe.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "change_notice.hpp"
#include "connection_pool.hpp"
#include "notice_listener.hpp"
#include "schema.hpp"
#include "storage/postgresql_asio.hpp"
#include "timeline_reads.hpp"
#include "timeline_writes.hpp"

namespace roost {

namespace asio = boost::asio;

namespace {

// How messages name the store: host, database and schema, never the password.
std::string describe(const postgresql_options& options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.connection.c_str(), &error);
  if (error) PQfreemem(error);
  std::string host, db;
  for (auto* o = parsed; o && o->keyword; ++o) {
    if (!o->val) continue;
    if (std::string_view(o->keyword) == "host") host = o->val;
    if (std::string_view(o->keyword) == "dbname") db = o->val;
  }
  if (parsed) PQconninfoFree(parsed);
  std::string out = host.empty() ? "(default host)" : host;
  out += "/" + (db.empty() ? std::string("(default database)") : db);
  return out + " schema " + nlohmann::json(options.schema).dump();
}

void validate(const postgresql_options& options) {
  options.limits.validate();
  if (options.pool_size == 0)
    throw invalid_request("postgresql_options.pool_size must be at least 1");
  if (options.schema.empty()) throw invalid_request("postgresql_options.schema must not be empty");
  if (options.statement_timeout.count() < 0)
    throw invalid_request("postgresql_options.statement_timeout must not be negative");
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.connection.c_str(), &error);
  if (parsed) PQconninfoFree(parsed);
  if (error) {
    std::string message = error;
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw invalid_request("postgresql_options.connection is not a libpq connection string: " +
                          message);
  }
}

}  // namespace

struct postgresql_storage::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor executor, postgresql_options o)
      : options(std::move(o)),
        store(describe(options)),
        settings{options.connection, options.schema, options.statement_timeout},
        pool(asio::make_strand(std::move(executor)), settings, options.pool_size, store),
        notice{pg::notice_channel(options.schema), pg::new_origin()} {}

  // Starts hearing other storages' changes, calling `heard` for them (notice_listener.hpp).
  void start_listening(status_storage::change_listener heard) {
    listener = std::make_shared<pg::notice_listener>(pool.executor(), settings, notice.channel,
                                                     notice.origin, std::move(heard));
    listener->start();
  }

  // On the strand: no new operations, no more notices.
  void close() {
    pool.close();
    if (listener) listener->stop();
  }

  // Runs `body(connection&) -> awaitable<Result>` on the pool and calls `done(error,
  // result)` on the strand. Counted, so that the destructor can wait for it.
  template <typename Result, typename Body, typename Done>
  void start(std::string_view operation, bool write, Body body, Done done) {
    {
      std::lock_guard lock(mutex);
      ++running;
    }
    asio::co_spawn(
        pool.executor(),
        run<Result>(shared_from_this(), operation, write, std::move(body), std::move(done)),
        asio::detached);
  }

  // Holds the state alive until the operation has completed, also past the storage.
  template <typename Result, typename Body, typename Done>
  static asio::awaitable<void> run(std::shared_ptr<impl> self, std::string_view operation,
                                   bool write, Body body, Done done) {
    Result result{};
    auto attempt = [&](pg::connection& c) -> asio::awaitable<void> { result = co_await body(c); };
    const storage_error error = co_await self->pool.run(operation, write, attempt);
    try {
      done(error, error ? Result{} : std::move(result));
    } catch (...) {
      // Callbacks must not throw; one that does must not end the process either.
      std::cerr << "roost: a postgresql_storage callback threw; ignored\n";
    }
    self->finished();
  }

  void finished() {
    std::lock_guard lock(mutex);
    if (--running == 0) idle.notify_all();
  }

  postgresql_options options;
  std::string store;
  pg::session_settings settings;
  pg::connection_pool pool;
  pg::notice_source notice;
  std::shared_ptr<pg::notice_listener> listener;
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t running = 0;
};

// The executor of a storage opened without one, and the thread that runs it.
struct postgresql_storage::own_thread {
  asio::io_context context{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
      context.get_executor()};
  std::thread thread;
};

namespace {

std::shared_ptr<postgresql_storage::impl> open(asio::any_io_executor executor,
                                               postgresql_options options) {
  validate(options);
  const std::string store = describe(options);
  pg::ensure_schema({options.connection, options.schema, options.statement_timeout},
                    options.create_schema, store);
  return std::make_shared<postgresql_storage::impl>(std::move(executor), std::move(options));
}

}  // namespace

postgresql_storage::postgresql_storage(std::shared_ptr<impl> impl) : impl_(std::move(impl)) {
  if (impl_->options.listen_for_changes) impl_->start_listening(changes_elsewhere_notifier());
}

postgresql_storage::postgresql_storage(postgresql_options options)
    : thread_(std::make_unique<own_thread>()) {
  impl_ = open(thread_->context.get_executor(), std::move(options));
  thread_->thread = std::thread([ctx = &thread_->context] {
    for (;;) {
      try {
        ctx->run();
        return;
      } catch (const std::exception& e) {
        std::cerr << "roost: postgresql_storage thread: " << e.what() << "; going on\n";
      }
    }
  });
  if (impl_->options.listen_for_changes) impl_->start_listening(changes_elsewhere_notifier());
}

postgresql_storage::~postgresql_storage() {
  if (!impl_) return;
  // Waiting operations fail with errc::cancelled; running ones finish.
  asio::post(impl_->pool.executor(), [i = impl_] { i->close(); });
  if (!thread_) return;
  {
    std::unique_lock lock(impl_->mutex);
    impl_->idle.wait(lock, [&] { return impl_->running == 0; });
  }
  thread_->work.reset();
  thread_->thread.join();
  impl_.reset();  // before the io_context its connections were made on
}

const postgresql_options& postgresql_storage::options() const noexcept { return impl_->options; }

void postgresql_storage::do_put_statuses(prepared_put request, count_callback done) {
  impl_->start<std::size_t>(
      "put_statuses", true,
      [r = std::move(request), limits = impl_->options.limits, notice = impl_->notice](
          pg::connection& c) { return pg::put_statuses(c, r, limits, notice); },
      std::move(done));
}

void postgresql_storage::do_ack_statuses(prepared_ack request, count_callback done) {
  impl_->start<std::size_t>(
      "ack_statuses", true,
      [r = std::move(request), limits = impl_->options.limits, notice = impl_->notice](
          pg::connection& c) { return pg::ack_statuses(c, r, limits, notice); },
      std::move(done));
}

void postgresql_storage::do_delete_statuses(delete_request request, count_callback done) {
  impl_->start<std::size_t>(
      "delete_statuses", true,
      [r = std::move(request), limits = impl_->options.limits, notice = impl_->notice](
          pg::connection& c) { return pg::delete_statuses(c, r, limits, notice); },
      std::move(done));
}

void postgresql_storage::do_get_statuses(prepared_get request, texts_callback done) {
  impl_->start<std::vector<std::string>>(
      "get_statuses", false,
      [r = std::move(request), n = impl_->options.limits.default_count](pg::connection& c) {
        return pg::get_statuses(c, r, n);
      },
      std::move(done));
}

void postgresql_storage::do_get_unacked_counts(std::string timeline, counts_callback done) {
  impl_->start<unacked_counts>(
      "get_unacked_counts", false,
      [t = std::move(timeline)](pg::connection& c) { return pg::get_unacked_counts(c, t); },
      std::move(done));
}

void postgresql_storage::do_contains(
    std::string timeline, std::vector<std::string> ids,
    std::function<void(const storage_error&, std::vector<bool>)> done) {
  impl_->start<std::vector<bool>>(
      "contains", false,
      [t = std::move(timeline), i = std::move(ids)](pg::connection& c) {
        return pg::contains(c, t, i);
      },
      std::move(done));
}

void postgresql_storage::do_timeline_names(names_callback done) {
  impl_->start<std::vector<std::string>>(
      "timeline_names", false, [](pg::connection& c) { return pg::timeline_names(c); },
      std::move(done));
}

void postgresql_storage::do_get_revision(std::string timeline, revision_callback done) {
  impl_->start<std::uint64_t>(
      "get_revision", false,
      [t = std::move(timeline)](pg::connection& c) { return pg::get_revision(c, t); },
      std::move(done));
}

void postgresql_storage::do_get_changes(prepared_changes request, changes_callback done) {
  // The page is finished (stale checks) after the read, with this store's name.
  auto finish = [store = impl_->store, timeline = request.timeline, done = std::move(done)](
                    const storage_error& error, std::optional<change_page_builder> page) {
    change_page out;
    storage_error e = error;
    if (!e)
      e = page->finish("get_changes on postgresql store " + store + ", timeline " +
                           nlohmann::json(timeline).dump(),
                       out);
    done(e, e ? change_page{} : std::move(out));
  };
  impl_->start<std::optional<change_page_builder>>(
      "get_changes", false,
      [r = std::move(request)](
          pg::connection& c) -> asio::awaitable<std::optional<change_page_builder>> {
        co_return co_await pg::read_changes(c, r);
      },
      std::move(finish));
}

void postgresql_storage::do_get_setting(std::string key, setting_callback done) {
  impl_->start<setting>(
      "get_setting", false,
      [k = std::move(key)](pg::connection& c) { return pg::get_setting(c, k); }, std::move(done));
}

void postgresql_storage::do_put_setting(put_setting_request request, revision_callback done) {
  auto finish = [store = impl_->store, key = request.key, expected = request.expected_version,
                 done = std::move(done)](const storage_error& error, pg::setting_write outcome) {
    storage_error e = error;
    if (!e && !outcome.written)
      e = storage_error(make_error_code(errc::conflict),
                        "put_setting on postgresql store " + store + ": setting \"" + key +
                            "\" is at version " + std::to_string(outcome.version) + ", not " +
                            std::to_string(expected) + "; nothing was changed");
    done(e, e ? 0 : outcome.version);
  };
  impl_->start<pg::setting_write>(
      "put_setting", true,
      [r = std::move(request)](pg::connection& c) { return pg::put_setting(c, r); },
      std::move(finish));
}

std::unique_ptr<status_storage> make_postgresql_storage(postgresql_options options) {
  return std::make_unique<postgresql_storage>(std::move(options));
}

std::unique_ptr<postgresql_storage> make_postgresql_storage(asio::any_io_executor executor,
                                                            postgresql_options options) {
  return std::make_unique<postgresql_storage>(open(std::move(executor), std::move(options)));
}

}  // namespace roost
