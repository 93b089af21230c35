// Observer of an MD run that stores band projections on pseudo-atomic orbitals every md.pdos_every steps
// into trajectory.h5:/pdos (docs/trajectory.md, "/pdos"; docs/pdos.md), from the SCF of that step.
#pragma once
#include <vector>

#include "app/dft_provider.hpp"
#include "app/input.hpp"
#include "dft/atomic_orbitals.hpp"
#include "dft/atoms.hpp"
#include "md/md_driver.hpp"
#include "md/trajectory.hpp"

namespace megabar::app {

class PdosObserver : public md::MdObserver {
 public:
  // Stores nothing unless in.md.pdos_every > 0.
  PdosObserver(const RunInput& in, const dft::Atoms& atoms, const DftForceProvider& provider,
               md::TrajectoryWriter& trajectory)
      : in_(in), atoms_(atoms), provider_(provider), trajectory_(trajectory) {}

  void on_start(const md::MdEvent& e) override { store(e.state); }
  void on_step(const md::MdEvent& e) override { store(e.state); }

  double seconds() const { return seconds_; }  // spent on snapshots in this process

 private:
  void store(const md::MdState& state);

  const RunInput& in_;
  const dft::Atoms& atoms_;
  const DftForceProvider& provider_;
  md::TrajectoryWriter& trajectory_;
  std::vector<dft::PseudoAtom> pseudo_atoms_;  // the orbitals projected on: solved at the first snapshot
  double seconds_ = 0;
};

}  // namespace megabar::app
