// The reading storage operations as SQL (timeline_reads.cpp), each one statement or one
// read transaction on a connection, so that it reads one consistent snapshot.
//
// They hold the semantics (docs/spec/storage-contract.md) and throw sqlite_error on an
// engine failure; sqlite_storage around them handles connections, retries and errors.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "prepared_connection.hpp"
#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::sqlite {

/// get_statuses as stored JSON texts, newest first.
std::vector<std::string> get_statuses(prepared_connection& s, const prepared_get& request,
                                      std::size_t default_count);
/// get_unacked_counts; zero for an unknown timeline.
unacked_counts get_unacked_counts(prepared_connection& s, const std::string& timeline);
/// One flag per id: does the timeline hold it.
std::vector<bool> contains(prepared_connection& s, const std::string& timeline,
                           const std::vector<std::string>& ids);
/// Every timeline ever changed, sorted by the bytes of its name.
std::vector<std::string> timeline_names(prepared_connection& s);
/// The timeline's revision; 0 for an unknown timeline.
std::uint64_t get_revision(prepared_connection& s, const std::string& timeline);
/// Every timeline ever changed with its revision, in no particular order.
std::vector<std::pair<std::string, std::uint64_t>> timeline_revisions(prepared_connection& s);
/// PRAGMA data_version: moves after another connection's commit, not after this one's.
std::uint64_t data_version(prepared_connection& s);

}  // namespace roost::sqlite
