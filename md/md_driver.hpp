// The MD step loop of a run (task = "md"), with everything that is written along the way left to small
// observers (trajectory, log, checkpoints, PDOS snapshots, results): the driver integrates, keeps the run
// bookkeeping (md/run_record.hpp) and tells each observer, in the order they were added, what happened.
//
//   new run:  start() (forces of the first structure) -> on_start
//   each run: on_session_begin, then per step: [stop requested? -> on_stop, return]  step()  on_step
//   at md.steps: on_finish
//
// The driver writes nothing itself and knows only md::ForceProvider, so it runs against analytic
// providers in tests like any integrator.
#pragma once
#include <functional>
#include <vector>

#include "md/force_provider.hpp"
#include "md/md_options.hpp"
#include "md/md_state.hpp"
#include "md/run_record.hpp"
#include "md/trajectory.hpp"

namespace megabar::md {

// Observables of the current state, for the log, the trajectory and results.json.
Frame frame_of(const MdState& state, const MdOptions& options, int scf_iterations);

// What an observer is told: the state after the event, its frame and the run so far.
struct MdEvent {
  const MdState& state;
  const Frame& frame;
  const RunRecord& record;
  double step_seconds = 0;     // wall time of this step (or of the start), s
  double session_seconds = 0;  // wall time of this session's steps so far (not the start), s
  long session_steps = 0;      // steps integrated in this session (a restart starts a new session)
};

class MdObserver {
 public:
  virtual ~MdObserver() = default;
  virtual void on_start(const MdEvent& /*event*/) {}          // first structure's forces (new runs only)
  virtual void on_session_begin(const MdState& /*state*/) {}  // before the first step of this process
  virtual void on_step(const MdEvent& /*event*/) {}
  // A stop was requested (e.g. by a signal) before the next step.
  virtual void on_stop(const MdState& /*state*/, const RunRecord& /*record*/) {}
  virtual void on_finish(const MdEvent& /*event*/) {}  // md.steps reached
};

class MdDriver {
 public:
  enum class Outcome { finished, stopped, stopped_before_start, start_not_converged, step_not_converged };

  // `state`, `record`: the run's, restored from a checkpoint or new; both are updated as the run goes.
  MdDriver(MdState& state, RunRecord& record, ForceProvider& provider, const MdOptions& options, long steps);

  void add(MdObserver& observer) { observers_.push_back(&observer); }
  // Polled before every step; true stops the run after on_stop (default: never).
  void set_stop_request(std::function<bool()> stop_requested) { stop_requested_ = std::move(stop_requested); }

  // Integrates to `steps`; `new_run`: compute the first forces first. Stops at the first SCF (provider)
  // that does not converge: state.last then holds that result, and the observers heard nothing of it.
  Outcome run(bool new_run);

 private:
  bool start();
  bool step();
  void finish();

  MdState& state_;
  RunRecord& record_;
  ForceProvider& provider_;
  const MdOptions& options_;
  long steps_;
  std::vector<MdObserver*> observers_;
  std::function<bool()> stop_requested_;
  double session_seconds_ = 0;
  long session_steps_ = 0;
};

}  // namespace megabar::md
