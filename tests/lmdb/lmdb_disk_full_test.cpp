// A full disk: LMDB reports a write cut short as EIO ("Input/output error"); the backend
// must say "no space left on device", name the store, and change nothing. The test needs
// a small file system: a tmpfs mounted for it, which takes root (else it is skipped).
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "lmdb_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

// A tmpfs of `bytes` mounted on `dir` for the guard's lifetime.
class small_mount {
public:
  small_mount(const std::filesystem::path& dir, std::size_t bytes) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string data = "size=" + std::to_string(bytes);
    mounted_ = ::geteuid() == 0 && ::mount("tmpfs", dir.c_str(), "tmpfs", 0, data.c_str()) == 0;
  }
  ~small_mount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  small_mount(const small_mount&) = delete;
  small_mount& operator=(const small_mount&) = delete;
  bool mounted() const noexcept { return mounted_; }

private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

}  // namespace

TEST_CASE("a full disk is reported as such, naming the store", "[lmdb][disk-full]") {
  temp_dir dir;
  const small_mount disk(dir / "disk", 512 * 1024);
  if (!disk.mounted()) {
    WARN("skipped: mounting a small tmpfs needs root");
    return;
  }
  const auto store = dir / "disk" / "store";
  std::filesystem::create_directory(store);
  lmdb_storage s(small_options(store));
  storage_error error;
  std::size_t stored = 0;
  for (int batch = 0; batch < 200 && !error; ++batch) {
    s.put_statuses(
        {"home", put_mode::insert, make_statuses("b" + std::to_string(batch) + "-", 0, 20, 1000)},
        [&](const storage_error& e, std::size_t n) {
          error = e;
          stored += n;
        });
  }
  REQUIRE(error);
  INFO(error.message());
  CHECK(error.code() == make_error_code(errc::io_error));
  CHECK_THAT(error.message(), Catch::Contains("no space left on device") &&
                                  Catch::Contains(store.string()) &&
                                  Catch::Contains("Nothing was changed"));
  // The failed write left the store as it was: everything stored before is there.
  CHECK(all_statuses(s, "home").size() == stored);
  CHECK(s.check().ok());
}
