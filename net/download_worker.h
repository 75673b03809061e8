// The `download_save` request's worker (issue #17): takes the consistent copy
// of the live save (persistence/save_download.h) and reads it back in chunks,
// on a thread of its own, never on the gateway's I/O thread: the copy of a
// large save takes seconds, which would stall every client there.
//
// The copy is a temporary file beside the save (`<save>.download-XXXXXX`),
// unlinked as soon as it is made and open: it exists only as the worker's
// open file, so a download that ends early, a session that goes away or a
// server that crashes leaves nothing on the disk. One worker per download;
// it quits when its session's broker goes down, when told the download is
// over, or after 10 minutes without a request.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

namespace hegemon::net {

using dl_begin_atom = caf::atom_constant<caf::atom("dlbegin")>;
using dl_chunk_atom = caf::atom_constant<caf::atom("dlchunk")>;
using dl_end_atom = caf::atom_constant<caf::atom("dlend")>;

// Bytes of the copy per chunk sent to the client (before base64).
constexpr int32_t kDownloadChunkBytes = 256 << 10;

// (dl_begin_atom) -> (ok, error or sha256 hex, bytes, tick): the copy taken
//   and hashed, at most `max_bytes`;
// (dl_chunk_atom, offset, length) -> (ok, bytes or error): length at most
//   kDownloadChunkBytes, within the copy;
// (dl_end_atom): quits.
// `session`: the broker whose end ends the worker.
caf::actor spawn_download_worker(caf::actor_system& sys, const std::string& save_path,
                                 int64_t max_bytes, const caf::actor_addr& session);

// Base64 (RFC 4648, with padding) of a chunk on the wire, and back; decoding
// fails (false) on anything that is not base64 of whole groups.
std::string base64_encode(const std::string& bytes);
bool base64_decode(const std::string& text, std::string& out);

}  // namespace hegemon::net
