#include "persistence/token_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace hegemon {
namespace fs = std::filesystem;
namespace {

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// What to do about a key file that is refused: never replaced by us, because
// a new key disowns every token of every save of this host.
std::string remedy(const std::string& path) {
  return "; fix it, or move it away to have a new key made (every access token in every save "
         "of this host is then dropped at its next start), or point HEGEMON_STATE_DIR elsewhere (" +
         path + ")";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Result of reading: the key, or "missing" (ENOENT), or an error.
struct ReadOutcome {
  bool missing = false;
  Result<TokenKey> key = Status::error("unset");
};

ReadOutcome read_key(const std::string& path) {
  const std::string what = "token key file " + path;
  ReadOutcome out;
  // O_NOFOLLOW: a symbolic link is not the regular file it should be; and
  // O_NONBLOCK, so that a FIFO planted there cannot block the open.
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) {
      out.missing = true;
      return out;
    }
    if (err == ELOOP) {
      out.key = Status::error(what + " is a symbolic link, not a regular file" + remedy(path));
    } else {
      out.key = Status::io_error("cannot open " + what + ": " + errno_text(err));
    }
    return out;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    out.key = Status::io_error("cannot stat " + what + ": " + errno_text(errno));
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.key = Status::error(what + " is not a regular file" + remedy(path));
    return out;
  }
  if ((st.st_mode & 07777) != 0600) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    out.key = Status::error(what + " has mode " + mode +
                            ", not 0600: a key others can read lets them forge access tokens" +
                            remedy(path));
    return out;
  }
  if (st.st_uid != ::geteuid()) {
    out.key = Status::error(what + " is owned by uid " + std::to_string(st.st_uid) +
                            ", not by this user (uid " + std::to_string(::geteuid()) + ")" +
                            remedy(path));
    return out;
  }
  TokenKey key;
  if (st.st_size != static_cast<off_t>(key.bytes.size())) {
    out.key = Status::error(what + " holds " + std::to_string(st.st_size) + " bytes, not " +
                            std::to_string(key.bytes.size()) + remedy(path));
    return out;
  }
  size_t got = 0;
  while (got < key.bytes.size()) {
    const ssize_t n = ::read(fd.get(), key.bytes.data() + got, key.bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out.key = Status::io_error("cannot read " + what + ": " +
                                 (n < 0 ? errno_text(errno) : std::string("it got shorter")));
      return out;
    }
    got += static_cast<size_t>(n);
  }
  out.key = key;
  return out;
}

// Makes a new key file at `path`: written whole under a temporary name, then
// linked into place, which fails if another process got there first (whose
// key then wins, and is read back by the caller).
Status create_key(const std::string& path) {
  const std::string what = "create token key file " + path;
  const fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::exists(dir, ec)) {
    fs::create_directories(dir.parent_path().empty() ? fs::path(".") : dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return Status::io_error(what + ": cannot make directory " + dir.string() + ": " +
                              errno_text(errno));
  }
  TokenKey key;
  if (RAND_bytes(key.bytes.data(), static_cast<int>(key.bytes.size())) != 1)
    return Status::error(what + ": the random number generator failed");
  // A name of its own (mkostemp: O_EXCL, mode 0600), so that two threads or
  // processes making the key at once never write into one file.
  std::string temp = path + ".new.XXXXXX";
  {
    Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.get() < 0) return Status::io_error(what + ": " + errno_text(errno));
    // The umask may have taken bits from 0600, never added any: set it exactly.
    bool ok = ::fchmod(fd.get(), 0600) == 0 &&
              ::write(fd.get(), key.bytes.data(), key.bytes.size()) ==
                  static_cast<ssize_t>(key.bytes.size()) &&
              ::fsync(fd.get()) == 0;
    if (!ok) {
      const int err = errno;
      ::unlink(temp.c_str());
      return Status::io_error(what + ": " + errno_text(err));
    }
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int err = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && err != EEXIST) return Status::io_error(what + ": " + errno_text(err));
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);  // best effort: the key is in place either way
    ::close(dfd);
  }
  return Status();
}

}  // namespace

Result<std::string> default_token_key_path() {
  if (std::string dir = env("HEGEMON_STATE_DIR"); !dir.empty()) return dir + "/token.key";
  if (std::string dir = env("XDG_STATE_HOME"); !dir.empty()) return dir + "/hegemon/token.key";
  if (std::string home = env("HOME"); !home.empty())
    return home + "/.local/state/hegemon/token.key";
  return Status::error(
      "no place for the token key: set HEGEMON_STATE_DIR (or XDG_STATE_HOME or HOME) to a "
      "directory of this host's own");
}

Result<TokenKey> load_or_create_token_key(const std::string& path) {
  ReadOutcome read = read_key(path);
  if (!read.missing) return read.key;
  Status created = create_key(path);
  if (!created.ok()) return created;
  read = read_key(path);
  if (read.missing)
    return Status::io_error("token key file " + path + " vanished after it was made");
  return read.key;
}

std::string token_mac(const TokenKey& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.bytes.data(), static_cast<int>(key.bytes.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &size) == nullptr) {
    return std::string();  // never equal to a stored MAC (64 hex digits)
  }
  std::string out;
  char buf[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    out += buf;
  }
  return out;
}

bool same_mac(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hegemon
