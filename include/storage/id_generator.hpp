// Fresh status ids for statuses that arrive without one (timeline::add_statuses).
//
// An id is 33 ASCII characters: 16 lowercase hex digits of a microsecond clock, a dash,
// and 16 hex digits that name the process ("00062f1c3a4b5d6e-9f8e7d6c5b4a3921").
//  - Unique across threads: the clock part is taken from one atomic counter that never
//    repeats a value within a process (it runs ahead of the wall clock when more than
//    one id per microsecond is asked for, and waits for nothing).
//  - Unique across processes and restarts: the process part is drawn at random (from
//    std::random_device, mixed with the process id and the start time) when the process
//    first needs an id, and drawn again in the child after fork().
//  - Sorted in creation order: ids of one process compare (as strings, hence as bytes)
//    in the order they were made; ids of different processes sort by the time they were
//    made, to the microsecond, unless one process ran more than a million ids a second
//    ahead of the clock.
//
// Thread-safe and lock-free.
#pragma once

#include <string>

namespace roost {

/// A new id, unique and greater than every id this process made before.
std::string new_status_id();

}  // namespace roost
