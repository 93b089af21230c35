// Measured FFT plans kept in files: a run's own (output.directory/fft_plans, so that a restart uses the
// same FFT algorithms and continues bit for bit) and this machine's cache (so that new runs of the same
// input agree bit for bit too).
#pragma once
#include <string>

#include "md/md_driver.hpp"

namespace megabar::app {

// Where measured FFT plans are kept between runs: $MEGABAR_FFT_PLAN_CACHE ("" or "off": nowhere), else
// $XDG_CACHE_HOME/megabar or ~/.cache/megabar, one file per CPU model (plans measured on one kind of
// CPU may be slow on another).
std::string fft_plan_cache_path();

// The FFT planner's choices (kernels::export_fft_plans), written atomically; nothing for backends without them.
void save_fft_plans(const std::string& path);

// Adds this run's plans to the cache ("" : none); a cache that cannot be written only costs speed later.
void save_fft_plan_cache(const std::string& path);

// Observer of an MD run: adds the plans measured for the first structure to the cache.
class FftPlanCacheObserver : public md::MdObserver {
 public:
  explicit FftPlanCacheObserver(std::string cache_path) : cache_path_(std::move(cache_path)) {}
  void on_start(const md::MdEvent& /*event*/) override { save_fft_plan_cache(cache_path_); }

 private:
  std::string cache_path_;
};

}  // namespace megabar::app
