#include "persistence/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "state/hash_hex.h"

namespace hegemon {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // Fails only when OpenSSL cannot allocate its context: nothing to recover.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return bytes_to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
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
