#include "core/fault.hpp"

#include <csignal>
#include <cstdlib>

namespace megabar::core {

namespace {

struct FaultRequest {
  std::string point;
  long at = 0;  // 0: none
  long passed = 0;
};

// MEGABAR_FAULT, read once; a value without ":N" or with N < 1 means none.
FaultRequest& request() {
  static FaultRequest r = [] {
    FaultRequest f;
    const char* env = std::getenv("MEGABAR_FAULT");
    if (!env) return f;
    const std::string text = env;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return f;
    char* end = nullptr;
    const long n = std::strtol(text.c_str() + colon + 1, &end, 10);
    if (end == text.c_str() + colon + 1 || *end != '\0' || n < 1) return f;
    f.point = text.substr(0, colon);
    f.at = n;
    return f;
  }();
  return r;
}

}  // namespace

void fault_point(const std::string& point) {
  FaultRequest& r = request();
  if (r.at == 0 || point != r.point) return;
  if (++r.passed == r.at) std::raise(SIGKILL);
}

}  // namespace megabar::core
