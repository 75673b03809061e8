// SHA-256 as Hegemon writes it: 64 lowercase hex digits. One place for the
// digest that tokens are stored as, mods are named by, and the content
// checksum clients compare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hegemon {

std::string sha256_hex(std::string_view bytes);

// Whether `text` is what sha256_hex returns: 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text);

// The content checksum of a load order (docs/MODDING.md): the SHA-256 of the
// mods' own sha256_hex strings concatenated in load order. The same mods in
// another order give another checksum; no mods give the SHA-256 of nothing
// (e3b0c442...), so a client compares one string either way.
std::string content_checksum_hex(const std::vector<std::string>& mod_sha256_hex);

}  // namespace hegemon

namespace hegemon {

// SHA-256 fed piece by piece (a save downloaded in chunks, hashed as it is
// written and as it is read back). Move-only.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
  Sha256Stream& operator=(Sha256Stream&&) = delete;
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(std::string_view bytes);
  // The digest of everything fed so far, as sha256_hex writes it; the stream
  // is finished then (update() after it throws).
  std::string finish_hex();

 private:
  void* ctx_;  // EVP_MD_CTX
};

}  // namespace hegemon
