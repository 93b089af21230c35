#include "app/md_checkpoint_observer.hpp"

#include <fstream>
#include <sstream>

#include "app/fft_plan_files.hpp"
#include "md/checkpoint.hpp"

namespace megabar::app {

namespace {

// a += after - before, field by field.
void add_difference(kernels::TransferCounts& a, const kernels::TransferCounts& before,
                    const kernels::TransferCounts& after) {
  a.to_host_bytes += after.to_host_bytes - before.to_host_bytes;
  a.to_host_copies += after.to_host_copies - before.to_host_copies;
  a.to_device_bytes += after.to_device_bytes - before.to_device_bytes;
  a.to_device_copies += after.to_device_copies - before.to_device_copies;
}

// "# megabar input: PATH" and the file's text, or only the first line when it cannot be read now.
std::string input_record(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return "# megabar input: " + path + "\n" + (in.is_open() ? text.str() : std::string());
}

}  // namespace

CheckpointObserver::CheckpointObserver(const std::filesystem::path& directory, std::string input_path, long every,
                                       long steps, md::TrajectoryWriter& trajectory, const md::ForceProvider& provider)
    : checkpoint_path_((directory / "checkpoint.h5").string()),
      plans_path_((directory / "fft_plans").string()),
      input_record_(input_record(input_path)),
      every_(every),
      steps_(steps),
      trajectory_(trajectory),
      provider_(provider) {}

void CheckpointObserver::on_step(const md::MdEvent& e) {
  if (e.state.step % every_ == 0 || e.state.step == steps_) save(e.state, e.record);
}

// The record as it stands, with where the trajectory files stand (synced first, so that the frames the
// checkpoint counts are on disk).
void CheckpointObserver::save(const md::MdState& state, md::RunRecord record) {
  const auto before = kernels::transfers();
  save_fft_plans(plans_path_);
  trajectory_.sync();
  md::CheckpointData ck;
  ck.md = md::pack(state);
  provider_.save_state(ck.provider);
  record.frames = trajectory_.frames();
  record.extxyz_bytes = trajectory_.extxyz_bytes();
  record.pdos_snapshots = trajectory_.pdos_snapshots();
  ck.run = md::pack_record(record);
  for (const auto& [key, value] : physics_) ck.run.texts["physics: " + key] = value;
  ck.created_by_input = input_record_;
  md::write_checkpoint(checkpoint_path_, ck);
  add_difference(traffic_, before, kernels::transfers());
  ++written_;
}

}  // namespace megabar::app
