// The LMDB backend's open and read paths on a damaged data.mdb: the input is the file,
// the seeds are small real stores (fuzz/make_store_seeds.sh). See store_walk.hpp for
// what is read and the properties checked; beyond those, nothing may crash.
#include <cstdint>

#include "fuzz_check.hpp"
#include "store_walk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto dir = roost::fuzz::private_directory("lmdb");
  return roost::fuzz::run_input([&] {
    roost::fuzz::open_and_walk(dir, "data.mdb", "lmdb:" + dir.string(),
                               {reinterpret_cast<const char*>(data), size});
  });
}
