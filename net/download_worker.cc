#include "net/download_worker.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>
#include <caf/system_messages.hpp>

#include "persistence/save_download.h"
#include "persistence/sha256.h"

namespace hegemon::net {
namespace {

// The copy, open and already unlinked; closed when the worker's behaviour
// (which holds it) goes.
struct OpenCopy {
  int fd = -1;
  int64_t bytes = 0;
  ~OpenCopy() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads exactly `length` bytes at `offset`, or fails.
bool read_at(int fd, int64_t offset, size_t length, std::string& out) {
  out.resize(length);
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, out.data() + done, length - done, offset + done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Takes the copy into a new temporary file and opens it; the file's name is
// gone when this returns, whatever happened.
caf::message begin(OpenCopy& copy, const std::string& save_path, int64_t max_bytes) {
  auto refuse = [](const std::string& why) {
    return caf::make_message(false, why, int64_t{0}, int64_t{0});
  };
  if (copy.fd >= 0) return refuse("the copy was already taken");
  std::string name = save_path + ".download-XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int made = ::mkstemp(buffer.data());
  if (made < 0) return refuse("cannot make a temporary file beside the save");
  ::close(made);
  name = buffer.data();
  auto taken = copy_save_for_download(save_path, name, max_bytes);
  if (taken.ok()) copy.fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  ::unlink(name.c_str());
  ::unlink((name + "-journal").c_str());  // left only if the copy failed half-way
  if (!taken.ok()) return refuse(taken.status().message());
  if (copy.fd < 0) return refuse("cannot open the copy");
  copy.bytes = taken->bytes;
  Sha256Stream sha;
  std::string block;
  for (int64_t at = 0; at < copy.bytes; at += kDownloadChunkBytes) {
    const size_t n = static_cast<size_t>(std::min<int64_t>(kDownloadChunkBytes, copy.bytes - at));
    if (!read_at(copy.fd, at, n, block)) return refuse("cannot read the copy back");
    sha.update(block);
  }
  return caf::make_message(true, sha.finish_hex(), copy.bytes, static_cast<int64_t>(taken->tick));
}

}  // namespace

caf::actor spawn_download_worker(caf::actor_system& sys, const std::string& save_path,
                                 int64_t max_bytes, const caf::actor_addr& session) {
  auto worker = [](caf::event_based_actor* self, const std::string& path, int64_t max_bytes,
                   const caf::actor_addr& session) -> caf::behavior {
    auto copy = std::make_shared<OpenCopy>();
    if (auto s = caf::actor_cast<caf::actor>(session)) {
      self->monitor(s);
    } else {
      self->quit();
    }
    self->set_down_handler([self](caf::down_msg&) { self->quit(); });
    return {
        [copy, path, max_bytes](dl_begin_atom) { return begin(*copy, path, max_bytes); },
        [copy](dl_chunk_atom, int64_t offset, int32_t length) {
          std::string bytes;
          if (copy->fd < 0 || offset < 0 || length <= 0 || length > kDownloadChunkBytes ||
              offset + length > copy->bytes || !read_at(copy->fd, offset, length, bytes))
            return caf::make_message(false, std::string("no such chunk of the copy"));
          return caf::make_message(true, std::move(bytes));
        },
        [self](dl_end_atom) { self->quit(); },
        caf::after(std::chrono::minutes(10)) >> [self] { self->quit(); },
    };
  };
  return sys.spawn<caf::detached>(worker, save_path, max_bytes, session);
}

std::string base64_encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool base64_decode(const std::string& text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  out.resize(text.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t size = static_cast<size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return true;
}

}  // namespace hegemon::net
