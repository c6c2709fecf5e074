#include "aws/crypto.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace dynasink::aws {
namespace {

constexpr size_t kBlockSize = 64;  // SHA-256 block size, as HMAC needs it

const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) {
      std::fprintf(stderr, "fatal: OpenSSL has no SHA256 implementation\n");
      std::abort();
    }
    return fetched;
  }();
  return md;
}

// One reusable digest context per thread.
class DigestContext {
 public:
  DigestContext() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) std::abort();
  }
  ~DigestContext() { EVP_MD_CTX_free(ctx_); }
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;

  void Init() { Check(EVP_DigestInit_ex(ctx_, Sha256Md(), nullptr)); }
  void Update(const void* data, size_t size) { Check(EVP_DigestUpdate(ctx_, data, size)); }
  Sha256Digest Final() {
    Sha256Digest out;
    unsigned int len = 0;
    Check(EVP_DigestFinal_ex(ctx_, out.data(), &len));
    return out;
  }

 private:
  static void Check(int rc) {
    // These calls fail only on allocation failure or a broken OpenSSL install.
    if (rc != 1) {
      std::fprintf(stderr, "fatal: OpenSSL SHA256 failed\n");
      std::abort();
    }
  }
  EVP_MD_CTX* ctx_;
};

DigestContext& ThreadContext() {
  thread_local DigestContext ctx;
  return ctx;
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  DigestContext& ctx = ThreadContext();
  ctx.Init();
  ctx.Update(data.data(), data.size());
  return ctx.Final();
}

Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  uint8_t block[kBlockSize] = {0};
  if (key.size() > kBlockSize) {
    Sha256Digest hashed = Sha256(key);
    std::memcpy(block, hashed.data(), hashed.size());
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[kBlockSize];
  DigestContext& ctx = ThreadContext();

  for (size_t i = 0; i < kBlockSize; ++i)
    pad[i] = block[i] ^ 0x36;
  ctx.Init();
  ctx.Update(pad, kBlockSize);
  ctx.Update(data.data(), data.size());
  Sha256Digest inner = ctx.Final();

  for (size_t i = 0; i < kBlockSize; ++i)
    pad[i] = block[i] ^ 0x5c;
  ctx.Init();
  ctx.Update(pad, kBlockSize);
  ctx.Update(inner.data(), inner.size());
  return ctx.Final();
}

void AppendHex(std::string* out, const uint8_t* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  size_t at = out->size();
  out->resize(at + 2 * size);
  char* p = out->data() + at;
  for (size_t i = 0; i < size; ++i) {
    *p++ = kDigits[bytes[i] >> 4];
    *p++ = kDigits[bytes[i] & 0xf];
  }
}

}  // namespace dynasink::aws
