// Random JSON for the serialization tests: strings built from fragments that exercise
// every escaping rule, and values of every JSON type nested a few levels deep.
#pragma once

#include <cstdint>
#include <iterator>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace roost::test {

// Fragments that exercise every escaping rule: quotes, backslashes, each control
// character class, DEL (not escaped), and 2-, 3- and 4-byte UTF-8.
inline const char* const fragments[] = {"plain",
                                        " ",
                                        "\"",
                                        "\\",
                                        "\b",
                                        "\f",
                                        "\n",
                                        "\r",
                                        "\t",
                                        "\x01",
                                        "\x1f",
                                        "\x7f",
                                        "/",
                                        "caf\xc3\xa9",
                                        "\xe6\x97\xa5\xe6\x9c\xac",
                                        "\xf0\x9f\x90\xa6",
                                        "<&>",
                                        "'",
                                        "\u2028"};

inline std::string random_text(std::mt19937& rng) {
  std::string out;
  const int parts = std::uniform_int_distribution<int>(0, 12)(rng);
  for (int i = 0; i < parts; ++i)
    out += fragments[std::uniform_int_distribution<std::size_t>(0, std::size(fragments) - 1)(rng)];
  return out;
}

inline nlohmann::json random_value(std::mt19937& rng, int depth) {
  switch (std::uniform_int_distribution<int>(0, depth > 3 ? 5 : 7)(rng)) {
    case 0: return nullptr;
    case 1: return std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    case 2: return std::uniform_int_distribution<std::int64_t>(INT64_MIN, INT64_MAX)(rng);
    case 3: return std::uniform_int_distribution<std::uint64_t>(0, UINT64_MAX)(rng);
    case 4: return std::uniform_real_distribution<double>(-1e30, 1e30)(rng);
    case 5: return random_text(rng);
    case 6: {
      auto array = nlohmann::json::array();
      for (int n = std::uniform_int_distribution<int>(0, 4)(rng); n > 0; --n)
        array.push_back(random_value(rng, depth + 1));
      return array;
    }
    default: {
      auto object = nlohmann::json::object();
      for (int n = std::uniform_int_distribution<int>(0, 5)(rng); n > 0; --n)
        object[random_text(rng)] = random_value(rng, depth + 1);
      return object;
    }
  }
}

}  // namespace roost::test
