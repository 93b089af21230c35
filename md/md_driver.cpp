#include "md/md_driver.hpp"

#include <chrono>

#include "md/integrator.hpp"
#include "md/observables.hpp"

namespace megabar::md {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

}  // namespace

Frame frame_of(const MdState& s, const MdOptions& o, int scf_iterations) {
  Frame f;
  f.step = s.step;
  f.time = s.time;
  f.structure = s.structure;
  f.masses = s.masses;
  f.velocities = s.velocities;
  f.forces = s.last.forces;
  f.stress = s.last.stress;
  f.potential_energy = s.last.energy;
  f.kinetic_energy = kinetic_energy(s);
  f.total_energy = f.potential_energy + f.kinetic_energy;
  f.conserved_energy = conserved_energy(s, o);
  f.temperature = temperature(s, o);
  f.pressure = pressure(s);
  f.scf_iterations = scf_iterations;
  return f;
}

MdDriver::MdDriver(MdState& state, RunRecord& record, ForceProvider& provider, const MdOptions& options, long steps)
    : state_(state), record_(record), provider_(provider), options_(options), steps_(steps) {}

MdDriver::Outcome MdDriver::run(bool new_run) {
  if (new_run && stop_requested_ && stop_requested_()) return Outcome::stopped_before_start;
  // The provider may end the first SCF early on a stop request (nothing to checkpoint yet).
  if (new_run && !start())
    return stop_requested_ && stop_requested_() ? Outcome::stopped_before_start : Outcome::start_not_converged;
  if (!new_run && state_.step >= steps_ && !provider_.has_restored_result()) {
    // A restart with no step left (the run had finished, or was stopped between its last checkpoint and its
    // final results) whose checkpoint did not keep the provider's last result (older checkpoints): one SCF
    // at the final state gives the provider the result the final outputs report.
    md::start(state_, provider_);
    if (!state_.last.converged) return Outcome::start_not_converged;
  }
  for (MdObserver* o : observers_) o->on_session_begin(state_);
  while (state_.step < steps_) {
    if (stop_requested_ && stop_requested_()) {
      for (MdObserver* o : observers_) o->on_stop(state_, record_);
      return Outcome::stopped;
    }
    if (!step()) return Outcome::step_not_converged;
  }
  finish();
  return Outcome::finished;
}

bool MdDriver::start() {
  const auto t0 = clock_type::now();
  md::start(state_, provider_);
  if (!state_.last.converged) return false;
  const Frame f = frame_of(state_, options_, provider_.last_iterations());
  record_.conserved_start = f.conserved_energy;
  const MdEvent event{state_, f, record_, seconds_since(t0), session_seconds_, session_steps_};
  for (MdObserver* o : observers_) o->on_start(event);
  return true;
}

bool MdDriver::step() {
  const auto t0 = clock_type::now();
  md::step(state_, provider_, options_);
  const double secs = seconds_since(t0);
  if (!state_.last.converged) return false;
  session_seconds_ += secs;
  ++session_steps_;
  record_.scf_iterations_total += provider_.last_iterations();
  ++record_.steps_counted;
  const Frame f = frame_of(state_, options_, provider_.last_iterations());
  const MdEvent event{state_, f, record_, secs, session_seconds_, session_steps_};
  for (MdObserver* o : observers_) o->on_step(event);
  return true;
}

void MdDriver::finish() {
  const Frame f = frame_of(state_, options_, provider_.last_iterations());
  const MdEvent event{state_, f, record_, 0.0, session_seconds_, session_steps_};
  for (MdObserver* o : observers_) o->on_finish(event);
}

}  // namespace megabar::md
