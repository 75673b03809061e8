#include "net/client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/protocol.h"

namespace hegemon::net {

Result<std::unique_ptr<Client>> Client::connect(const std::string& host, uint16_t port,
                                                std::chrono::seconds timeout, Encoding encoding) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return Status::error("connect to " + where + ": " + gai_strerror(rc));
  int fd = -1;
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return Status::error("connect to " + where + ": " + why);
  std::unique_ptr<Client> client(new Client(fd));
  auto hello = client->request(
      "hello", {{"version", kProtocolVersion}, {"encoding", encoding_name(encoding)}});
  if (!hello) return hello.status().with_context(where);
  client->encoding_ = encoding;
  return client;
}

Client::~Client() { ::close(fd_); }

Result<nlohmann::json> Client::request(const std::string& type, nlohmann::json fields) {
  server_error_ = false;
  fields["id"] = ++next_id_;
  fields["type"] = type;
  const std::string frame = encode_frame(encode_payload(fields, encoding_));
  if (::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size()))
    return Status::error(std::string("send: ") + std::strerror(errno));
  auto reply = receive();
  while (reply && reply->contains("push")) {
    pushes_.push_back(std::move(*reply));
    reply = receive();
  }
  if (!reply) return reply;
  if (reply->contains("error")) {
    server_error_ = true;
    const auto& e = (*reply)["error"];
    return Status::error(e.value("code", "?") + ": " + e.value("message", ""));
  }
  return (*reply)["result"];
}

Result<nlohmann::json> Client::next_push() {
  if (pushes_.empty()) return receive();
  nlohmann::json push = std::move(pushes_.front());
  pushes_.pop_front();
  return push;
}

// Frames that arrive together (pushes while watching) are kept for the next
// calls, never dropped.
Result<nlohmann::json> Client::receive() {
  while (frames_.empty()) {
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return Status::error("the server closed the connection");
    if (n < 0) return Status::error(std::string("receive: ") + std::strerror(errno));
    std::vector<std::string> frames;
    if (!decoder_.feed(buf, static_cast<size_t>(n), frames))
      return Status::error(
          "the server announced a frame of " + std::to_string(decoder_.announced_size()) +
          " bytes, more than any reply can be (" + std::to_string(kMaxReplyFrameBytes) + ")");
    for (auto& f : frames) frames_.push_back(std::move(f));
  }
  const std::string frame = std::move(frames_.front());
  frames_.pop_front();
  auto doc = decode_payload(frame, encoding_);
  if (!doc || !doc->is_object())
    return Status::error(std::string("the server sent a malformed ") + encoding_name(encoding_) +
                         " frame");
  return std::move(*doc);
}

}  // namespace hegemon::net
