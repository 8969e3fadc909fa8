// The ASCII escaping of JSON answers (web/src/ascii_json.hpp) over any bytes.
//
// Properties:
//  - the output is ASCII, and a text that is ASCII already comes back unchanged;
//  - for a text that is valid JSON, the escaped text is valid JSON of the same value, and
//    the same bytes as nlohmann's ensure_ascii serializer writes for that value when the
//    text is in stored form (its own dump()), but for DEL, which stays as it is.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ascii_json.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using roost::fuzz::check;
  const std::string input(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    const auto out = roost::web::ascii_json(input);
    bool ascii_in = true;
    for (const unsigned char c : input) ascii_in = ascii_in && c < 0x80;
    for (const unsigned char c : out) check(c < 0x80, "the escaped text is ASCII", out);
    if (ascii_in) check(out == input, "an ASCII text is copied unchanged", input);
    if (input.find('\0') != std::string::npos || !nlohmann::json::accept(input)) return;
    const auto value = nlohmann::json::parse(input);
    check(nlohmann::json::accept(out) && nlohmann::json::parse(out) == value,
          "the escaped text is the same JSON value", out);
    const auto stored = value.dump();
    // nlohmann's ensure_ascii also escapes DEL (0x7F), which is ASCII; BusyBird's encoder
    // (JSON::XS, ascii) and ascii_json leave it as it is, so texts with one are compared
    // by value only (above).
    if (stored.find('\x7f') == std::string::npos)
      check(roost::web::ascii_json(stored) == value.dump(-1, ' ', true),
            "a stored text escapes to what ensure_ascii writes", stored);
  });
}
