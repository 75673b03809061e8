#include "test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <stdexcept>

namespace hegemon::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/hegemon-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

WorldParams small_world(uint64_t seed) {
  WorldParams p;
  p.seed = seed;
  p.provinces = 200;
  p.nations = 12;
  return p;
}

int64_t count_incidents(const std::string& save, const std::string& type) {
  return query_int(save, "SELECT count(*) FROM audit_log WHERE event_type = '" + type + "'");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t spawn_hegemon(const std::string& binary, const std::vector<std::string>& args,
                    const std::string& log, const std::function<void()>& in_child) {
  // Built before fork(): the child only makes async-signal-safe calls.
  std::vector<char*> argv{const_cast<char*>("hegemon")};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
    if (in_child) in_child();
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

pid_t spawn_serve(const std::string& binary, const std::vector<std::string>& args,
                  const std::string& log, const std::function<void()>& in_child) {
  std::vector<std::string> serve{"serve"};
  serve.insert(serve.end(), args.begin(), args.end());
  return spawn_hegemon(binary, serve, log, in_child);
}

namespace {
constexpr const char* kRoleVar = "HEGEMON_TEST_CHILD_ROLE";
std::string arg_var(size_t i) { return "HEGEMON_TEST_CHILD_ARG_" + std::to_string(i); }
}  // namespace

ChildRole::ChildRole(const char* name, ChildRoleMain main) {
  const char* role = std::getenv(kRoleVar);
  if (role == nullptr || std::string(role) != name) return;
  std::vector<std::string> args;
  for (size_t i = 0;; ++i) {
    const char* arg = std::getenv(arg_var(i).c_str());
    if (arg == nullptr) break;
    args.emplace_back(arg);
  }
  std::fflush(nullptr);
  std::_Exit(main(args));
}

pid_t spawn_child_role(const std::string& role, const std::vector<std::string>& args,
                       const std::vector<int>& pass_fds) {
  // Everything the child needs is built here, before fork(): between fork
  // and exec it only duplicates descriptors.
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "HEGEMON_TEST_CHILD_", 19) != 0) env_text.emplace_back(*e);
  }
  env_text.push_back(std::string(kRoleVar) + "=" + role);
  for (size_t i = 0; i < args.size(); ++i) env_text.push_back(arg_var(i) + "=" + args[i]);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  char self[] = "/proc/self/exe";
  char* argv[] = {self, nullptr};
  // Descriptors are first moved above the target range so that dup2 onto
  // 3, 4, ... cannot overwrite one still to be passed.
  std::vector<int> high;
  for (int fd : pass_fds) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 100);
    if (copy < 0) throw std::runtime_error("spawn_child_role: fcntl failed");
    high.push_back(copy);
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (size_t i = 0; i < high.size(); ++i) {
      if (::dup2(high[i], static_cast<int>(3 + i)) < 0) _exit(126);  // dup2 clears CLOEXEC
    }
    ::execve(self, argv, envp.data());
    _exit(127);
  }
  for (int fd : high) ::close(fd);
  if (pid < 0) throw std::runtime_error("spawn_child_role: fork failed");
  return pid;
}

int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace hegemon::test
