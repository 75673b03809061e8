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
