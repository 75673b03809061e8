#include "net/accept_guard.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/abstract_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/acceptor_impl.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "net/log_throttle.h"

namespace hegemon::net {
namespace {

namespace nw = caf::io::network;

constexpr std::chrono::milliseconds kFirstPause{10};
constexpr std::chrono::milliseconds kLongestPause{1000};

class GuardedDoorman;

// The accept policy of the acceptor below: CAF's policy::tcp, with the
// decision of what to do on failure handed to the doorman.
struct GuardedAccept {
  explicit GuardedAccept(GuardedDoorman* owner) : owner(owner) {}
  bool try_accept(nw::native_socket& result, nw::native_socket fd);
  GuardedDoorman* owner;
};

// CAF's doorman_impl (libcaf_io/src/doorman_impl.cpp at 0.17.6) with the
// accept policy above.
class GuardedDoorman : public caf::io::doorman {
 public:
  GuardedDoorman(nw::default_multiplexer& mx, nw::native_socket fd, std::string what)
      : doorman(nw::accept_hdl_from_socket(fd)), acceptor_(mx, fd, this), what_(std::move(what)) {
    reserve_ = open_reserve();
  }

  ~GuardedDoorman() override {
    if (reserve_ >= 0) ::close(reserve_);
  }

  bool new_connection() override {
    if (detached()) return false;  // as doorman_impl: closed while events were pending
    auto& dm = acceptor_.backend();
    auto scribe = dm.new_scribe(acceptor_.accepted_socket());
    auto hdl = scribe->hdl();
    parent()->add_scribe(std::move(scribe));
    failures_ = 0;
    return doorman::new_connection(&dm, hdl);
  }

  void graceful_shutdown() override {
    acceptor_.graceful_shutdown();
    detach(&acceptor_.backend(), false);
  }

  void launch() override { acceptor_.start(this); }

  std::string addr() const override {
    auto x = nw::local_addr_of_fd(acceptor_.fd());
    return x ? std::move(*x) : std::string();
  }

  uint16_t port() const override {
    auto x = nw::local_port_of_fd(acceptor_.fd());
    return x ? *x : 0;
  }

  void add_to_loop() override { acceptor_.activate(this); }
  void remove_from_loop() override { acceptor_.passivate(); }

  // accept(2), and what to do when it fails. Returns whether the listener
  // goes on (CAF ignores the answer); `result` is the new socket or invalid.
  bool try_accept(nw::native_socket& result, nw::native_socket fd) {
    result = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (result >= 0) return true;
    result = nw::invalid_native_socket;
    const int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ECONNABORTED) return true;
    if ((err == EMFILE || err == ENFILE) && shed(fd, err)) return true;
    // Out of memory, or out of descriptors with no reserve to shed with: the
    // connection stays queued, and retrying at once would only spin.
    pause(err);
    return false;
  }

 private:
  static int open_reserve() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

  // Frees the reserve to accept the waiting connection and close it.
  // Returns false if there was no reserve.
  bool shed(nw::native_socket fd, int err) {
    if (reserve_ < 0) reserve_ = open_reserve();  // a descriptor may be free again
    if (reserve_ < 0) return false;
    ::close(reserve_);
    const int doomed = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (doomed >= 0) ::close(doomed);
    reserve_ = open_reserve();
    ++shed_;
    warn("out of file descriptors (" + std::string(std::strerror(err)) +
         "): a new connection was closed at once");
    return true;
  }

  // Stops listening; the broker is asked to listen again after a pause that
  // doubles while the failures go on.
  void pause(int err) {
    auto* broker = parent();
    if (broker == nullptr) return;
    const auto delay = std::min<std::chrono::milliseconds>(
        kFirstPause * (1 << std::min(failures_, 7)), kLongestPause);
    ++failures_;
    warn(std::string("accept failed (") + std::strerror(err) + "); not accepting for " +
         std::to_string(delay.count()) + " ms");
    acceptor_.passivate();
    caf::delayed_anon_send(caf::actor_cast<caf::actor>(broker->ctrl()), delay,
                           resume_accept_atom::value, hdl());
  }

  void warn(const std::string& what) {
    static LogThrottle throttle(1);
    uint64_t held_back = 0;
    if (!throttle.allow(held_back)) return;
    spdlog::warn("{}: {} ({} more such since the last warning; {} connections shed so far)", what_,
                 what, held_back, shed_);
  }

  nw::acceptor_impl<GuardedAccept> acceptor_;
  std::string what_;
  int reserve_ = -1;
  int failures_ = 0;  // pauses in a row, for the backoff
  uint64_t shed_ = 0;
};

bool GuardedAccept::try_accept(nw::native_socket& result, nw::native_socket fd) {
  return owner->try_accept(result, fd);
}

}  // namespace

caf::io::doorman_ptr guarded_doorman(caf::actor_system& sys, int fd, std::string what) {
  auto& backend = sys.middleman().backend();
  auto* mx = dynamic_cast<nw::default_multiplexer*>(&backend);
  if (mx == nullptr) return backend.new_doorman(fd);
  return caf::make_counted<GuardedDoorman>(*mx, fd, std::move(what));
}

}  // namespace hegemon::net
