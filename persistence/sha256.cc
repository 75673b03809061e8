#include "persistence/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace hegemon {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // Fails only when OpenSSL cannot allocate its context: nothing to recover.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kDigits[digest[i] >> 4]);
    out.push_back(kDigits[digest[i] & 15]);
  }
  return out;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string content_checksum_hex(const std::vector<std::string>& mod_sha256_hex) {
  std::string joined;
  for (const std::string& h : mod_sha256_hex) joined += h;
  return sha256_hex(joined);
}

}  // namespace hegemon
