// The paired put benchmark: the library's put and its raw engine's put of the same
// statuses, batch by batch in turn, so that both see the same disk at the same moment.
#pragma once

#include <cstddef>

#include "harness/backend.hpp"

namespace roost::bench {

/// Registers "<backend>/put-paired/<N>". Each iteration puts statuses 0 .. N-1 into the
/// empty measured timeline of a new store (as "put" does) and into a new raw store,
/// alternating: one library call of 100 (put_statuses, JSON objects), one library call
/// of the same 100 as their stored-form texts (put_status_texts, into a second store
/// made the same way: the very bytes the raw engine inserts), then one raw transaction
/// of the same 100, then, where the engine has one (open_schema_inserter), one
/// transaction of the backend's own schema in plain statements. Reported: the library's
/// rate (the benchmark's time and items_per_second), the raw engine's
/// (raw_items_per_second), library_share (the library's rate as a fraction of the raw
/// engine's in the same iterations), text_items_per_second and text_share for the texts,
/// and for the schema baseline schema_items_per_second and schema_share (its rate as a
/// fraction of the raw engine's); each also over the thread's CPU time (cpu_ prefix).
/// REQUIRES: b.name is in raw_engines(); `b` outlives the run.
void register_paired_put_benchmark(const backend& b, std::size_t n);

}  // namespace roost::bench
