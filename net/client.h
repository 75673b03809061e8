// A blocking C++ client for Hegemon's protocol (docs/PROTOCOL.md), for tools
// and tests: connect, hello, then one request at a time.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "net/frame_codec.h"
#include "net/protocol.h"
#include "state/status.h"

namespace hegemon::net {

class Client {
 public:
  // Connects and says hello, asking for `encoding` for everything after it;
  // errors name the address and the cause.
  static Result<std::unique_ptr<Client>> connect(
      const std::string& host, uint16_t port,
      std::chrono::seconds timeout = std::chrono::seconds(10), Encoding encoding = Encoding::json);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One request; the result, or the server's error as "code: message" with
  // server_error() true, or a transport error with server_error() false.
  Result<nlohmann::json> request(const std::string& type,
                                 nlohmann::json fields = nlohmann::json::object());
  bool server_error() const { return server_error_; }

  // The next frame the server pushes (after a "watch": deltas and snapshots).
  // Pushes that arrive while a request waits for its reply are kept for this.
  Result<nlohmann::json> next_push();

 private:
  explicit Client(int fd) : fd_(fd) {}
  Result<nlohmann::json> receive();

  int fd_;
  int64_t next_id_ = 0;
  Encoding encoding_ = Encoding::json;
  FrameDecoder decoder_{kMaxReplyFrameBytes};  // replies may be large (frame_codec.h)
  std::deque<std::string> frames_;             // received, not yet decoded
  std::deque<nlohmann::json> pushes_;          // pushes that came before a reply
  bool server_error_ = false;
};

}  // namespace hegemon::net
