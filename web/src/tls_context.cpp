#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace roost::web {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's own reason, for a message an operator can act on.
std::string openssl_reason(const boost::system::error_code& ec) {
  std::string reason = ec.message();
  if (const auto code = ERR_get_error(); code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    reason = buf;
  }
  ERR_clear_error();
  return reason;
}

}  // namespace

tls_context::tls_context(std::filesystem::path cert_chain, std::filesystem::path private_key)
    : cert_chain_(std::move(cert_chain)), private_key_(std::move(private_key)), current_(load()) {}

std::shared_ptr<ssl::context> tls_context::load() const {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  // TLS 1.2 and 1.3 only; no compression, no renegotiation by clients.
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1)
    throw std::runtime_error("TLS: cannot require TLS 1.2 or later");
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                   ssl::context::single_dh_use);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_chain_.string(), ec);
  if (ec)
    throw std::runtime_error("TLS: cannot use the certificate file " + cert_chain_.string() + ": " +
                             openssl_reason(ec));
  ctx->use_private_key_file(private_key_.string(), ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error("TLS: cannot use the key file " + private_key_.string() + ": " +
                             openssl_reason(ec));
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("TLS: the key in " + private_key_.string() +
                             " does not belong to the certificate in " + cert_chain_.string());
  }
  return ctx;
}

std::shared_ptr<ssl::context> tls_context::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void tls_context::reload() {
  auto fresh = load();  // outside the lock: reading files takes time
  std::lock_guard lock(mutex_);
  current_ = std::move(fresh);
}

}  // namespace roost::web
