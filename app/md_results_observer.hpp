// Observer of an MD run that, at md.steps, writes final.extxyz and results.json (the last SCF's results
// with an "md" section: drift, mean SCF iterations, final T, P, V, seconds per step; "memory": the
// steps' host <-> device traffic without the checkpoints'; "md.pdos" with md.pdos_every) and prints the
// summary lines.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/dft_provider.hpp"
#include "app/input.hpp"
#include "app/md_checkpoint_observer.hpp"
#include "app/md_pdos_observer.hpp"
#include "kernels/memory.hpp"
#include "md/md_driver.hpp"
#include "md/trajectory.hpp"

namespace megabar::app {

class ResultsObserver : public md::MdObserver {
 public:
  struct Sources {  // what results.json reports besides the last frame
    const DftForceProvider& provider;
    const md::TrajectoryWriter& trajectory;
    const PdosObserver& pdos;
    const CheckpointObserver& checkpoints;
  };
  // `symbols`: the atoms in input order; `t_start`: when the task started (results.json's wall time).
  ResultsObserver(const RunInput& in, const md::MdOptions& options, std::vector<std::string> symbols, Sources sources,
                  std::chrono::steady_clock::time_point t_start)
      : in_(in),
        options_(options),
        symbols_(std::move(symbols)),
        natoms_(static_cast<int>(symbols_.size())),
        src_(sources),
        t_start_(t_start) {}

  void on_session_begin(const md::MdState& state) override;
  void on_finish(const md::MdEvent& e) override;

 private:
  nlohmann::ordered_json md_section(const md::MdEvent& e) const;
  void add_transfers(nlohmann::ordered_json& j, long session_steps) const;
  void print_summary(const md::MdEvent& e, const nlohmann::ordered_json& j, double wall) const;

  const RunInput& in_;
  const md::MdOptions& options_;
  std::vector<std::string> symbols_;
  int natoms_;
  Sources src_;
  std::chrono::steady_clock::time_point t_start_;
  kernels::TransferCounts transfers_before_, checkpoint_before_;  // at the first step of this session
};

}  // namespace megabar::app
