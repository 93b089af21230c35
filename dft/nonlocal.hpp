// Separable nonlocal pseudopotential term (GTH: HGH 1998, eq. 3; numerical norm-conserving psp8/UPF files:
// the same form with their projectors beta_i and coupling D_ij as h_ij, dft/species.hpp):
//   V_nl = sum_a sum_{l,m} sum_{ij} |beta^a_{lmi}> h^l_ij <beta^a_{lmj}|
//   beta^a_{lmi}(G) = Omega^{-1/2} P^l_i(|G|) (-i)^l Y_lm(G/|G|) exp(-i G.R_a)
// with real spherical harmonics Y_lm, so beta is real in real space and its scaled half-sphere vector
// (basis.hpp) gives <beta|psi> as a plain dot product. Applied as matrix products:
//   P = B^T X (projections), V_nl X = B (D P),  E_nl = sum_n f_n P_n^T D P_n.
#pragma once
#include <memory>

#include "dft/atom_centred.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/term.hpp"

namespace megabar::dft {

class NonlocalTerm : public Term {
 public:
  NonlocalTerm(const Basis& basis, const Atoms& atoms);

  int n_projectors() const { return nproj_; }
  // Y = beta_y * Y + V_nl X for the first `nb` columns of X.
  void apply(const View2<double>& X, int nb, View2<double> Y, double beta_y) const;
  // Projections P = B^T X (nproj x nb).
  View2<double> projections(const View2<double>& X, int nb) const;
  // D P = D B^T X, the factor shared by V_nl X, the forces and the stress.
  // With P_out, also P itself.
  View2<double> coupled_projections(const View2<double>& X, int nb, View2<double>* P_out = nullptr) const;
  // E_nl = sum_n occ[n] P_n^T D P_n.
  double energy(const View2<double>& X, const View1<double>& occ, int nb) const;
  // Hellmann-Feynman forces (natoms x 3): dbeta_p/dR_a = -i G beta_p for the projectors p of atom a, so
  //   F_a = -2 sum_n f_n sum_{p in a} sum_q <dbeta_p|psi_n> D_pq <beta_q|psi_n>.
  View2<double> forces(const View2<double>& X, const View1<double>& occ, int nb, int natoms) const;
  // Stress at a fixed set of plane waves (QE's sign): with beta(G) = Omega^{-1/2} F(G) (-i)^l exp(-iG.R),
  // F = P(|G|) Y(G/|G|), strain gives d beta/d eps_ab = -delta_ab beta/2 - (G_b d_a F + G_a d_b F)/2 (...),
  //   sigma_ab = -(2/Omega) sum_n f_n sum_pq <d beta_p/d eps_ab|psi_n> D_pq <beta_q|psi_n>.
  // With `energy`, also the energy (from the same projections).
  Mat3 stress(const View2<double>& X, const View1<double>& occ, int nb, double* energy = nullptr) const;
  // <beta|beta> h weighted diagonal: sum_pq B(k,p) D(p,q) B(k,q) per basis entry (for preconditioners).
  View1<double> diagonal() const;

  // As a term of run_scf's list (it acts on the bands through Hamiltonian::apply: no potential).
  std::string key() const override { return "nonlocal"; }
  bool band_term() const override { return true; }
  double energy(const TermState& s) const override { return energy(s.X, s.occ, s.nb); }
  std::vector<Vec3> forces(const TermState& s) const override;
  Mat3 stress(const TermState& s) const override { return stress(s.X, s.occ, s.nb); }
  double energy_and_stress(const TermState& s, Mat3& sigma) const override {
    double e = 0;
    sigma = stress(s.X, s.occ, s.nb, &e);
    return e;
  }

  const View2<double>& projectors() const { return B_; }
  const View2<double>& coupling() const { return D_; }

 private:
  const Basis& basis_;
  int nproj_ = 0;
  View2<double> B_;  // n_real x nproj
  View2<double> D_;  // nproj x nproj (block diagonal h^l_ij)
  Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace> block_;
  View1<int> atom_of_projector_;
  Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> radial_, radial_derivative_;  // per radial index x npw
  Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace> info_;  // per projector: atom, l, m, radial index
  std::unique_ptr<AtomPhases>
      phases_;  // exp(-i G.R_a) on the wavefunction sphere                                           // per projector: first, size of its block
};

}  // namespace megabar::dft
