// The checks before routing (web/src/request_guard.hpp): Host and Origin are client bytes.
//
// Input: method, Host, Origin and Sec-Fetch-Site, one per line; a line "-" leaves that
// header out.
//
// Properties:
//  - nothing throws; the refusal, when there is one, is 400, 403 or 421 with JSON;
//  - reads (GET, HEAD, OPTIONS) are never refused as cross-site, and a request that names
//    no Origin and no Sec-Fetch-Site never is;
//  - the decisions ignore the case of Host and Origin;
//  - a served Host with an Origin of exactly "http://" + Host, and no Sec-Fetch-Site, is
//    never refused.
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "request_guard.hpp"

namespace {

using roost::fuzz::check;
namespace web = roost::web;

const web::request_guard_settings settings{
    .public_hosts = {"roost.example.com", "pinned.example:8443"}};

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

web::http_request request_of(const std::vector<std::string>& f, bool shout) {
  web::http_request r{f[0], "/timelines/home/ack.json", "", {}};
  const char* names[] = {"Host", "Origin", "Sec-Fetch-Site"};
  for (int i = 0; i < 3; ++i)
    if (f[i + 1] != "-")
      r.headers.emplace_back(names[i], shout && i < 2 ? upper(f[i + 1]) : f[i + 1]);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    std::vector<std::string> f;
    std::size_t start = 0;
    for (int i = 0; i < 3; ++i) {
      const auto end = input.find('\n', start);
      f.push_back(input.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? input.size() : end + 1;
    }
    f.push_back(input.substr(start));
    const auto plain = request_of(f, false);
    const auto refused = web::refuse_request(plain, settings);
    if (refused) {
      check(refused->status == 400 || refused->status == 403 || refused->status == 421,
            "a refusal is 400, 403 or 421", std::to_string(refused->status));
      check(nlohmann::json::accept(refused->body), "a refusal's body is JSON", refused->body);
    }
    const bool read = plain.method == "GET" || plain.method == "HEAD" || plain.method == "OPTIONS";
    const bool no_browser_headers = f[2] == "-" && f[3] == "-";
    check(!(refused && refused->status == 403 && (read || no_browser_headers)),
          "reads and requests without Origin or Sec-Fetch-Site are never refused as cross-site",
          input);
    const auto shouted = web::refuse_request(request_of(f, true), settings);
    check(refused.has_value() == shouted.has_value() &&
              (!refused || refused->status == shouted->status),
          "Host and Origin are compared without regard to case", input);
    if (f[1] != "-" && web::is_served_host(f[1], settings)) {
      auto same = request_of({f[0], f[1], "http://" + f[1], "-"}, false);
      check(!web::refuse_request(same, settings),
            "a served Host with its own origin is not refused", input);
    }
  });
}
