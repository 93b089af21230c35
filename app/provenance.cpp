#include "app/provenance.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <ctime>

#include "core/fingerprint.hpp"
#include "core/version.hpp"

namespace megabar::app {

namespace {

struct RunRecord {
  std::string input, input_fingerprint, started, host;
  int threads = 0;
};

RunRecord& run_record() {
  static RunRecord r;
  return r;
}

}  // namespace

std::string utc_timestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

void record_run(const std::string& input_path, int host_threads) {
  RunRecord& r = run_record();
  r.input = input_path;
  try {
    r.input_fingerprint = input_path.empty() ? "" : core::file_fingerprint(input_path);
  } catch (const std::exception&) {
    r.input_fingerprint = "unreadable";  // the input reader says why
  }
  r.started = utc_timestamp();
  r.host = host_name();
  if (host_threads > 0) r.threads = host_threads;
}

nlohmann::ordered_json provenance_json() {
  const core::BuildInfo& b = core::build_info();
  const RunRecord& r = run_record();
  return {{"megabar", b.version},
          {"commit", b.commit},
          {"backend", b.backend},
          {"cuda_arch", b.cuda_arch},
          {"build_type", b.build_type},
          {"compiler", b.compiler},
          {"started_utc", r.started},
          {"host", r.host},
          {"host_threads", r.threads},
          {"input", r.input},
          {"input_fnv1a64", r.input_fingerprint}};
}

std::string provenance_line() {
  const RunRecord& r = run_record();
  return fmt::format("{}; started {} on {}, {} host threads; input {} (fnv1a64 {})", core::version_line(), r.started,
                     r.host, r.threads, r.input, r.input_fingerprint);
}

}  // namespace megabar::app
