// md::MdDriver against an analytic provider: the order observers hear of a run, stopping on request,
// an unconverged provider, and the run bookkeeping (md/run_record.hpp) round-tripping bit for bit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "md/md_driver.hpp"
#include "md_test_systems.hpp"

namespace megabar::md {
namespace {

using test::HarmonicWell;

// Writes down every event as "NAME:step".
class Recorder : public MdObserver {
 public:
  explicit Recorder(std::vector<std::string>& log, std::string name) : log_(log), name_(std::move(name)) {}
  void on_start(const MdEvent& e) override { add("start", e.state.step); }
  void on_session_begin(const MdState& s) override { add("session", s.step); }
  void on_step(const MdEvent& e) override { add("step", e.state.step); }
  void on_stop(const MdState& s, const RunRecord&) override { add("stop", s.step); }
  void on_finish(const MdEvent& e) override { add("finish", e.state.step); }

 private:
  void add(const char* what, long step) { log_.push_back(name_ + "." + what + ":" + std::to_string(step)); }
  std::vector<std::string>& log_;
  std::string name_;
};

// A harmonic well whose compute() reports no convergence from call `fail_at` on.
class FailingWell : public HarmonicWell {
 public:
  FailingWell(int fail_at) : HarmonicWell(Vec3{0.3, 0.5, 0.8}, {Vec3{0, 0, 0}}), fail_at_(fail_at) {}
  ForceResult compute(const Structure& s) override {
    ForceResult r = HarmonicWell::compute(s);
    r.converged = ++calls_ < fail_at_;
    return r;
  }

 private:
  int fail_at_, calls_ = 0;
};

struct OneParticle {
  MdOptions options;
  MdState state;
  RunRecord record;
  OneParticle() {
    options.timestep = 0.5;
    options.fix_center_of_mass = false;
    Structure s;
    s.cell = core::Cell::from_lattice(Mat3{{{10, 0, 0}, {0, 10, 0}, {0, 0, 10}}});
    s.positions = {Vec3{0.3, -0.2, 0.1}};
    s.symbols = {"X"};
    state = initial_state(s, {2.0}, 0.0, 1, options);
    state.velocities = {Vec3{0.05, 0.1, -0.02}};
  }
};

TEST(MdDriver, ObserversHearEachEventInTheOrderTheyWereAdded) {
  OneParticle run;
  FailingWell well(1000);
  std::vector<std::string> log;
  Recorder a(log, "a"), b(log, "b");
  MdDriver driver(run.state, run.record, well, run.options, 2);
  driver.add(a);
  driver.add(b);
  EXPECT_EQ(driver.run(/*new_run=*/true), MdDriver::Outcome::finished);
  const std::vector<std::string> expected{"a.start:0", "b.start:0", "a.session:0", "b.session:0", "a.step:1",
                                          "b.step:1",  "a.step:2",  "b.step:2",    "a.finish:2",  "b.finish:2"};
  EXPECT_EQ(log, expected);
  EXPECT_EQ(run.record.steps_counted, 2);
  EXPECT_DOUBLE_EQ(run.record.conserved_start,
                   0.5 * (0.3 * 0.09 + 0.5 * 0.04 + 0.8 * 0.01) + 0.5 * 2.0 * (0.0025 + 0.01 + 0.0004));
}

TEST(MdDriver, ContinuesARestoredStateWithoutStarting) {
  OneParticle run;
  FailingWell well(1000);
  start(run.state, well);
  std::vector<std::string> log;
  Recorder a(log, "a");
  MdDriver driver(run.state, run.record, well, run.options, 1);
  driver.add(a);
  EXPECT_EQ(driver.run(/*new_run=*/false), MdDriver::Outcome::finished);
  EXPECT_EQ(log, (std::vector<std::string>{"a.session:0", "a.step:1", "a.finish:1"}));
}

TEST(MdDriver, StopsBeforeTheNextStepWhenAsked) {
  OneParticle run;
  FailingWell well(1000);
  std::vector<std::string> log;
  Recorder a(log, "a");
  MdDriver driver(run.state, run.record, well, run.options, 5);
  driver.add(a);
  int polls = 0;  // asked before the start, before step 1 and before step 2
  driver.set_stop_request([&polls] { return ++polls > 2; });
  EXPECT_EQ(driver.run(true), MdDriver::Outcome::stopped);
  EXPECT_EQ(log, (std::vector<std::string>{"a.start:0", "a.session:0", "a.step:1", "a.stop:1"}));
}

// A stop asked for before a new run has its first forces: nothing to save, no observer hears of anything.
TEST(MdDriver, StopBeforeTheStartEndsTheRunUnheard) {
  OneParticle run;
  FailingWell well(1000);
  std::vector<std::string> log;
  Recorder a(log, "a");
  MdDriver driver(run.state, run.record, well, run.options, 5);
  driver.add(a);
  driver.set_stop_request([] { return true; });
  EXPECT_EQ(driver.run(true), MdDriver::Outcome::stopped_before_start);
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(run.state.has_forces);
}

TEST(MdDriver, AnUnconvergedProviderEndsTheRunUnheard) {
  OneParticle run;
  FailingWell at_start(1), at_step(3);
  std::vector<std::string> log;
  Recorder a(log, "a");
  MdDriver d1(run.state, run.record, at_start, run.options, 5);
  d1.add(a);
  EXPECT_EQ(d1.run(true), MdDriver::Outcome::start_not_converged);
  EXPECT_TRUE(log.empty());
  OneParticle run2;
  MdDriver d2(run2.state, run2.record, at_step, run2.options, 5);
  d2.add(a);
  EXPECT_EQ(d2.run(true), MdDriver::Outcome::step_not_converged);
  EXPECT_EQ(log, (std::vector<std::string>{"a.start:0", "a.session:0", "a.step:1"}));
  EXPECT_EQ(run2.state.step, 2);
}

TEST(RunRecord, RoundTripsAndReadsOldCheckpointsWithoutPdos) {
  RunRecord r;
  r.conserved_start = -123.456789012345;
  r.scf_iterations_total = 77;
  r.steps_counted = 12;
  r.frames = 13;
  r.extxyz_bytes = 987654321ull;
  r.pdos_snapshots = 4;
  StateArrays a = pack_record(r);
  const RunRecord back = unpack_record(a);
  EXPECT_EQ(back.conserved_start, r.conserved_start);
  EXPECT_EQ(back.scf_iterations_total, 77);
  EXPECT_EQ(back.steps_counted, 12);
  EXPECT_EQ(back.frames, 13);
  EXPECT_EQ(back.extxyz_bytes, 987654321ull);
  EXPECT_EQ(back.pdos_snapshots, 4);
  a.words.erase("trajectory_pdos_snapshots");
  EXPECT_EQ(unpack_record(a).pdos_snapshots, 0);
}

}  // namespace
}  // namespace megabar::md
