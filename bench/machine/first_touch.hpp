// Benchmarks of the machine itself, for reading the library's figures (see the .cpp).
#pragma once

namespace roost::bench {

/// Registers "machine/first-touch/0": microseconds per 4 KiB page touched for the first time.
void register_machine_benchmarks();

}  // namespace roost::bench
