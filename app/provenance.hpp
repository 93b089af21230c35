// Provenance of a run (docs/input.md, "Provenance"): which megabar (core/version.hpp), when, on which host,
// with how many host threads, from which input (its path and FNV-1a fingerprint). Recorded once by main,
// then written into results.json ("provenance"), the md.log and relax.log headers, and printed at the start.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace megabar::app {

// Called by main before a task runs, and by a campaign for each stage's input (host_threads <= 0 keeps the
// number recorded before).
void record_run(const std::string& input_path, int host_threads);

// {"megabar": version, "commit", "backend", "cuda_arch", "build_type", "compiler", "started_utc", "host",
//  "host_threads", "input", "input_fnv1a64"}
nlohmann::ordered_json provenance_json();

// The current time, UTC, as 2026-12-05T01:02:03Z.
std::string utc_timestamp();

// This machine's host name ("unknown" when the system does not say).
std::string host_name();

// "megabar 0.1.0 (commit ..., host backend, Release build, GNU 12.2.0); started 2026-12-05T01:02:03Z on HOST,
// 2 host threads; input scf.toml (fnv1a64 0123456789abcdef)"
std::string provenance_line();

}  // namespace megabar::app
