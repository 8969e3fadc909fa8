// The server's TLS settings: Beast's SSL stream over Debian's OpenSSL, TLS 1.2 and later
// only, with a certificate chain and key read from PEM files, re-read on SIGHUP.
//
// A reload builds a new context and swaps it in: connections accepted afterwards use the
// new certificate, open ones keep the context they started with (each holds it) and are
// never dropped. A reload that fails (a missing or mismatched file) keeps the old one.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace roost::web {

class tls_context {
public:
  /// Reads `cert_chain` and `private_key` (PEM); throws std::runtime_error saying which
  /// file is wrong and why.
  tls_context(std::filesystem::path cert_chain, std::filesystem::path private_key);

  /// The context new connections use. Thread-safe.
  std::shared_ptr<boost::asio::ssl::context> current() const;

  /// Re-reads both files. Throws std::runtime_error, keeping the current context, when
  /// they cannot be used. Thread-safe.
  void reload();

private:
  std::shared_ptr<boost::asio::ssl::context> load() const;

  std::filesystem::path cert_chain_, private_key_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace roost::web
