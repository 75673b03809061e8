#include "apps/port_check.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hegemon {

Status check_port_free(const std::string& host, uint16_t port, const std::string& what) {
  if (port == 0) return Status();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return Status::error(what + " " + service + ": cannot resolve " + host + ": " +
                         gai_strerror(rc));
  std::string problem = "no address";
  bool bound = false;
  for (addrinfo* a = found; a != nullptr && !bound; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) {
      problem = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1) == 0) {
      bound = true;
    } else {
      problem = std::strerror(errno);
    }
    ::close(fd);
  }
  freeaddrinfo(found);
  if (bound) return Status();
  return Status::error(what + " " + service + " on " + host + " is not free: " + problem);
}

}  // namespace hegemon
