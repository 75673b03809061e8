// `hegemon client download-save OUT` (issue #17): the save's copy as the
// server streams it (docs/PROTOCOL.md, "Save download"), written to a file
// that has no name until the whole copy is in and its SHA-256 matches: an
// anonymous file (O_TMPFILE) in OUT's folder, linked and renamed onto OUT at
// the end. A download cut short, refused, corrupted or killed leaves no OUT
// and no partial file (where the filesystem lacks O_TMPFILE, a hidden named
// temporary file, removed on every failure the client lives through).
#pragma once

#include <string>

#include "net/client.h"

namespace hegemon {

// Returns the exit code (0 ok, 1 the server refused or the copy is bad,
// 3 the connection broke). A progress bar goes to stderr when it is a
// terminal; otherwise one line at the end.
int download_save(net::Client& client, const std::string& out_path);

}  // namespace hegemon
