// roost::asio: Roost's storage operations and timeline watchers as Asio asynchronous
// operations, usable with any completion token: a plain callback, use_future,
// use_awaitable (C++20 coroutines), deferred, as_tuple(...), bind_executor(...).
//
//   roost::asio::async_storage store(io.get_executor(), backend);
//   auto page = co_await store.async_get_statuses({.timeline = "home"}, asio::use_awaitable);
//
// Completion signature: `void(boost::system::error_code, Result)`. A store failure's code
// is a `roost::errc` (category "roost.storage", carried by Boost.System's interop with
// std::error_code, so `ec == roost::errc::overloaded` works); a Timeline failure's is a
// `roost::timeline_errc`. With use_future and use_awaitable a failure is thrown as
// boost::system::system_error. The store's own message (which engine call failed, the
// engine's code) does not fit an error_code: every operation has an overload taking a
// `roost::storage_error& error_out`, filled in before the completion handler runs, with
// the code and the message (empty on success). It must live until then.
//
// Executors: the completion handler always runs on its associated executor (for a plain
// callback, the executor this object was made with; for use_awaitable, the coroutine's),
// never inside the initiating call and never inside the code that completed the
// operation: it is posted, even when the storage completed synchronously. While an
// operation is pending it holds a work guard on that executor, so io_context::run() does
// not return under it.
//
// Caller mistakes throw roost::invalid_request from the async_* call itself, for every
// token, exactly as the storage's own operations would: the request is validated (and
// prepared, once) at the call and started when the token launches it (at once for a
// callback or use_future, at co_await for use_awaitable, when a deferred operation is
// invoked). So in a coroutine the exception is thrown inside it, where the co_await is,
// and no handler ever runs for a rejected request.
//
// Blocking backends (SQLite, LMDB) complete inside the initiation, on the caller's thread;
// wrap them in an offloading_storage (storage/offloading_storage.hpp) so that an
// io_context thread never waits for the disk.
//
// Watchers support per-operation cancellation: when the completion handler has a
// connected cancellation slot (awaitable operators, bind_cancellation_slot), emitting
// terminal, partial or total cancellation cancels the watch, which then completes with
// roost::errc::cancelled. Other operations are not cancellable once started.
//
// Lifetimes: the storage (and timeline) must outlive the operations started on it, and
// the execution context (io_context) must outlive every storage that may still complete
// into it: destroy an offloading_storage, whose workers complete operations, before the
// io_context its handlers run on (as Asio asks of I/O objects and their context).
//
// Thread safety: an async_storage or async_timeline is a small handle (an executor and a
// reference); any number of operations may be pending on it, from any thread.
#pragma once

#include "storage/asio/async_storage.hpp"
#include "storage/asio/async_timeline.hpp"
