#include "apps/download_save.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "net/download_worker.h"
#include "persistence/sha256.h"

namespace hegemon {
namespace {

namespace fs = std::filesystem;

// The file being written: anonymous if it can be, named (and removed unless
// kept) if not.
class PartFile {
 public:
  explicit PartFile(const std::string& out) : out_(out) {
    const fs::path dir = fs::absolute(out).parent_path();
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd_ >= 0) return;
    std::string name = (dir / ("." + fs::path(out).filename().string() + ".part-XXXXXX")).string();
    std::vector<char> buffer(name.begin(), name.end());
    buffer.push_back('\0');
    fd_ = ::mkstemp(buffer.data());
    if (fd_ >= 0) named_ = buffer.data();
  }
  ~PartFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!named_.empty()) ::unlink(named_.c_str());
  }
  bool ok() const { return fd_ >= 0; }

  bool write(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Synced, then given OUT's name (replacing what was there).
  std::string keep() {
    if (::fsync(fd_) != 0) return "cannot sync the file";
    std::string from = named_;
    if (from.empty()) {  // anonymous: a name first, beside OUT
      from = out_ + ".part-" + std::to_string(::getpid());
      const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, from.c_str(), AT_SYMLINK_FOLLOW) != 0)
        return "cannot name the file";
    }
    if (std::rename(from.c_str(), out_.c_str()) != 0) {
      ::unlink(from.c_str());
      return "cannot rename the file to " + out_;
    }
    named_.clear();
    return "";
  }

 private:
  std::string out_;
  std::string named_;
  int fd_ = -1;
};

void show_progress(bool tty, int64_t done, int64_t total) {
  if (!tty) return;
  const int width = 30;
  const int filled = total > 0 ? static_cast<int>(done * width / total) : width;
  std::cerr << fmt::format("\r[{}{}] {:>3}%  {:.1f} of {:.1f} MiB", std::string(filled, '#'),
                           std::string(width - filled, ' '), total > 0 ? done * 100 / total : 100,
                           done / 1048576.0, total / 1048576.0)
            << std::flush;
}

}  // namespace

int download_save(net::Client& client, const std::string& out_path) {
  auto fail = [](const std::string& why, int code) {
    std::cerr << "\nhegemon client: download-save: " << why << " (no file written)\n";
    return code;
  };
  PartFile part(out_path);
  if (!part.ok()) return fail("cannot make a file beside " + out_path, 1);
  auto begun = client.request("download_save");
  if (!begun) return fail(begun.status().message(), client.server_error() ? 1 : 3);
  const int64_t total = begun->value("bytes", int64_t{-1});
  const int64_t tick = begun->value("tick", int64_t{-1});
  if (total < 0) return fail("the server announced no size", 1);
  const bool tty = ::isatty(2) != 0;
  Sha256Stream sha;
  int64_t received = 0;
  std::string bytes;
  show_progress(tty, 0, total);
  for (;;) {
    auto push = client.next_push();
    if (!push) return fail(push.status().message(), 3);
    const std::string kind = push->value("push", "");
    if (kind == "save_error") return fail(push->value("message", "the server gave up"), 1);
    if (kind == "save_chunk") {
      const auto data = push->find("data");
      if (push->value("offset", int64_t{-1}) != received || data == push->end() ||
          !data->is_string() || !net::base64_decode(data->get<std::string>(), bytes))
        return fail("a chunk out of order or not base64", 1);
      if (received + static_cast<int64_t>(bytes.size()) > total)
        return fail("more bytes than the server announced", 1);
      if (!part.write(bytes)) return fail("cannot write beside " + out_path, 1);
      sha.update(bytes);
      received += static_cast<int64_t>(bytes.size());
      show_progress(tty, received, total);
      continue;
    }
    if (kind != "save_end") continue;  // a watcher's delta, say
    if (received != total || push->value("bytes", int64_t{-1}) != total)
      return fail(fmt::format("{} bytes received of {}", received, total), 1);
    const std::string expected = push->value("sha256", "");
    const std::string got = sha.finish_hex();
    if (got != expected) return fail("SHA-256 " + got + " is not the server's " + expected, 1);
    if (std::string why = part.keep(); !why.empty()) return fail(why, 1);
    if (tty) std::cerr << "\n";
    std::cerr << fmt::format("{}: {} bytes, tick {}, sha256 {}\n", out_path, total, tick, got);
    return 0;
  }
}

}  // namespace hegemon
