#include "apps/logging.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace hegemon {
namespace {

// spdlog creates its file with fopen (0666 less the umask: world-readable
// under the usual 022). A log tells who connected and what failed; it is
// made (or, if it exists and is ours, set to) owner-only before spdlog opens it.
Status make_private(const std::string& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::error("cannot open log file " + file + ": " + std::strerror(errno));
  struct stat st {};
  Status result;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    result = Status::error("log file " + file + " is not a regular file");
  } else if ((st.st_mode & 077) != 0 && ::fchmod(fd, 0600) != 0) {
    result = Status::error("cannot make log file " + file +
                           " owner-only (mode 0600): " + std::strerror(errno));
  }
  ::close(fd);
  return result;
}

}  // namespace

Status init_logging(const std::string& level, const std::string& file) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    return Status::error("unknown log level '" + level +
                         "' (trace, debug, info, warn, error, critical, off)");
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stdout_color_sink_mt>());
  if (!file.empty()) {
    if (Status st = make_private(file); !st.ok()) return st;
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
    } catch (const spdlog::spdlog_ex& e) {
      return Status::error("cannot open log file " + file + ": " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("hegemon", sinks.begin(), sinks.end());
  logger->set_level(lvl);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return Status();
}

}  // namespace hegemon
