// Observer of an MD run (md/md_driver.hpp) that appends frames to trajectory.h5 and trajectory.extxyz
// (md/trajectory.hpp): the first structure of a new run, then every `every`-th step (md.trajectory_every).
#pragma once
#include "md/md_driver.hpp"
#include "md/trajectory.hpp"

namespace megabar::md {

class TrajectoryObserver : public MdObserver {
 public:
  TrajectoryObserver(TrajectoryWriter& writer, long every) : writer_(writer), every_(every) {}

  void on_start(const MdEvent& e) override { writer_.append(e.frame); }
  void on_step(const MdEvent& e) override {
    if (e.state.step % every_ == 0) writer_.append(e.frame);
  }

 private:
  TrajectoryWriter& writer_;
  long every_;
};

}  // namespace megabar::md
