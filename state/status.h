// Errors as values: a Status is ok or carries a message with its context
// ("open saves/x.db: unable to open database file"). Result<T> is a value or a
// Status. Callers add context as errors travel up; whoever finally handles an
// error logs it once.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hegemon {

class Status {
 public:
  Status() = default;
  static Status error(std::string message) { return Status(std::move(message)); }
  // An I/O fault: the storage refused (an I/O error, a full disk, a file that
  // cannot be opened or is locked by another process). Unlike other errors,
  // the very same operation may succeed once the fault clears, so a caller may
  // retry it instead of giving up.
  static Status io_error(std::string message) { return Status(std::move(message), true); }

  bool ok() const { return !message_.has_value(); }
  bool is_io_error() const { return io_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const {
    static const std::string kOk = "ok";
    return message_ ? *message_ : kOk;
  }
  // Returns this error with `context: ` prepended; ok stays ok.
  Status with_context(const std::string& context) const {
    return ok() ? *this : Status(context + ": " + *message_, io_);
  }

 private:
  explicit Status(std::string message, bool io = false) : message_(std::move(message)), io_(io) {}
  std::optional<std::string> message_;
  bool io_ = false;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {}  // NOLINT: must be an error

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Status status() const { return ok() ? Status() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace hegemon
