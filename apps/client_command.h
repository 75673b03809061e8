// `hegemon client`: talk to a running server through its gateway.
#pragma once

#include <string>
#include <vector>

namespace hegemon {

// args: everything after "client". Returns the process exit code: 0 success,
// 1 the server refused the request, 2 bad usage, 3 no connection.
int run_client(const std::vector<std::string>& args);

}  // namespace hegemon
