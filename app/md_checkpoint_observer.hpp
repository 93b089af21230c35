// Observer of an MD run that writes output.directory/checkpoint.h5 (md/checkpoint.hpp) with the run's FFT
// plans beside it (fft_plans): after the first structure, every md.checkpoint_every steps and at the last
// step, and when a stop is requested (a signal from the batch system). It counts the host <-> device
// copies that checkpoints make (the band history), so that results.json can report the steps' own.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include "kernels/memory.hpp"
#include "md/force_provider.hpp"
#include "md/md_driver.hpp"
#include "md/trajectory.hpp"

namespace megabar::app {

class CheckpointObserver : public md::MdObserver {
 public:
  // `input_path`: recorded in the checkpoint with its full text (read here), as the input of the run.
  CheckpointObserver(const std::filesystem::path& directory, std::string input_path, long every, long steps,
                     md::TrajectoryWriter& trajectory, const md::ForceProvider& provider);

  void on_start(const md::MdEvent& e) override { save(e.state, e.record); }
  void on_step(const md::MdEvent& e) override;
  void on_stop(const md::MdState& state, const md::RunRecord& record) override { save(state, record); }

  // What a restart must find unchanged (key -> value, e.g. "xc" -> "PBE"): stored in every checkpoint's run
  // record as texts "physics: KEY" and compared by --restart (app/md_task.cpp).
  void set_physics(std::map<std::string, std::string> physics) { physics_ = std::move(physics); }

  // Host <-> device copies made by the checkpoints of this process, and how many were written.
  const kernels::TransferCounts& traffic() const { return traffic_; }
  long written() const { return written_; }

 private:
  void save(const md::MdState& state, md::RunRecord record);

  std::string checkpoint_path_, plans_path_, input_record_;
  long every_, steps_;
  md::TrajectoryWriter& trajectory_;
  const md::ForceProvider& provider_;
  kernels::TransferCounts traffic_;
  long written_ = 0;
  std::map<std::string, std::string> physics_;
};

}  // namespace megabar::app
