// dft/atom_phases.hpp: the factorised phases exp(-i G.R_a) equal the direct sine and cosine on both spheres of
// a triclinic cell, for atoms inside and far outside the cell, and the structure factors sum them per species.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "dft/atom_phases.hpp"
#include "kernels/loops.hpp"
#include "tiny_cell.hpp"

namespace {

using namespace megabar::dft;
using namespace megabar::test;

// Free function: nvcc accepts no extended lambdas inside a gtest TestBody.
View2<megabar::kernels::complex> all_phases(const AtomPhases& phases, int na, int nG) {
  View2<megabar::kernels::complex> out("test::phases", na, nG);
  megabar::kernels::for_2d(
      "test::atom_phases", na, nG, KOKKOS_LAMBDA(int a, int k) { out(a, k) = phases(a, k); });
  return out;
}

double max_phase_error(const Atoms& atoms, const Basis& basis, const GVectors& g) {
  const int na = static_cast<int>(atoms.structure.size());
  auto got = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(),
                                                 all_phases(AtomPhases(atoms, basis.cell(), g), na, g.count));
  auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g.G);
  double worst = 0;
  for (int a = 0; a < na; ++a)
    for (int k = 0; k < g.count; ++k) {
      const auto& r = atoms.structure.positions[a];
      const double phase = G(k, 0) * r[0] + G(k, 1) * r[1] + G(k, 2) * r[2];
      const std::complex<double> want(std::cos(phase), -std::sin(phase));
      worst = std::max(worst, std::abs(std::complex<double>(got(a, k).real(), got(a, k).imag()) - want));
    }
  return worst;
}

TEST(AtomPhases, EqualTheDirectPhasesOnBothSpheres) {
  // One atom far outside the cell (unwrapped MD coordinates) and one at negative coordinates.
  std::vector<Vec3> positions = kPositions;
  positions[1] = {5.0 + 3 * 7.4, 4.2 - 2 * 7.1, 3.5 + 5 * 7.7};
  positions[3] = {-6.0, -0.7, -3.2};
  const Atoms atoms = tiny_atoms(kLattice, positions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  EXPECT_LT(max_phase_error(atoms, basis, basis.dense()), 1e-12);
  EXPECT_LT(max_phase_error(atoms, basis, basis.wfc()), 1e-12);
}

TEST(AtomPhases, StructureFactorsSumThePhasesOfEachSpecies) {
  const Atoms atoms = tiny_atoms(kLattice, kPositions);
  const Basis basis(atoms.structure.cell, kEcut, default_fft_grid(atoms.structure.cell, 4 * kEcut));
  auto S = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), structure_factors(atoms, basis));
  auto G = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.dense().G);
  ASSERT_EQ(S.extent(0), atoms.species.size());
  double worst = 0;
  for (int k = 0; k < basis.dense().count; ++k)
    for (std::size_t s = 0; s < atoms.species.size(); ++s) {
      std::complex<double> want(0, 0);
      for (std::size_t a = 0; a < atoms.structure.size(); ++a) {
        if (atoms.species_of_atom[a] != static_cast<int>(s)) continue;
        const auto& r = atoms.structure.positions[a];
        want += std::polar(1.0, -(G(k, 0) * r[0] + G(k, 1) * r[1] + G(k, 2) * r[2]));
      }
      worst = std::max(worst, std::abs(std::complex<double>(S(s, k).real(), S(s, k).imag()) - want));
    }
  EXPECT_LT(worst, 1e-12);
}

}  // namespace
