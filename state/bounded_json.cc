#include "state/bounded_json.h"

#include <string>
#include <utility>

namespace hegemon {
namespace {

using nlohmann::json;

// Builds nothing: only counts how deep the value nests and stops the parse
// (returns false) at the first level beyond the limit.
class DepthCounter : public nlohmann::json_sax<json> {
 public:
  explicit DepthCounter(int max_depth) : max_depth_(max_depth) {}
  bool too_deep() const { return too_deep_; }
  const std::string& error() const { return error_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error_ = "not valid JSON at byte " + std::to_string(position);
    return false;
  }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    too_deep_ = true;
    return false;
  }
  bool leave() {
    --depth_;
    return true;
  }
  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
  std::string error_;
};

}  // namespace

Status check_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    return Status::error("JSON of " + std::to_string(text.size()) + " bytes, more than the " +
                         std::to_string(limits.max_bytes) + " allowed");
  DepthCounter counter(limits.max_depth);
  // strict: trailing text after the value is an error, as in json::parse.
  const bool ok = json::sax_parse(text.begin(), text.end(), &counter, json::input_format_t::json,
                                  /*strict=*/true);
  if (ok) return Status();
  if (counter.too_deep())
    return Status::error("JSON nested deeper than " + std::to_string(limits.max_depth) + " levels");
  return Status::error(counter.error().empty() ? std::string("not valid JSON") : counter.error());
}

Result<json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (Status ok = check_json(text, limits); !ok.ok()) return ok;
  // Checked: well-formed and shallow, so the recursive parse is safe.
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

json parse_json_or_null(std::string_view text, const JsonLimits& limits) {
  Result<json> value = parse_json(text, limits);
  return value.ok() ? std::move(*value) : json(nullptr);
}

}  // namespace hegemon
