#include "dft/pdos_projection.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/units.hpp"
#include "dft/atom_centred.hpp"
#include "kernels/loops.hpp"
#include "kernels/linalg.hpp"
#include "kernels/math.hpp"

namespace megabar::dft {

namespace {
using units::pi;
using IntTable = ColumnTable;
}  // namespace

AtomicOrbitalVectors atomic_orbital_vectors(const Basis& basis, const Atoms& atoms,
                                            const std::vector<PseudoAtom>& pseudo_atoms) {
  if (pseudo_atoms.size() != atoms.species.size())
    throw std::invalid_argument("atomic_orbital_vectors: one pseudo-atom per species expected");
  const int npw = basis.npw();
  auto G2h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.wfc().G2);
  const double prefactor = 4.0 * pi / std::sqrt(basis.cell().volume);
  // Radial tables, one per (species, valence shell).
  std::vector<std::vector<int>> radial_index(pseudo_atoms.size());
  int n_radial = 0;
  for (std::size_t s = 0; s < pseudo_atoms.size(); ++s)
    for (const auto& orb : pseudo_atoms[s].valence) {
      if (orb.l > 2)
        throw std::invalid_argument("atomic_orbital_vectors: " + pseudo_atoms[s].element + " has l > 2 valence");
      radial_index[s].push_back(n_radial++);
    }
  RadialValues radial("pdos::radial", n_radial, npw);
  auto rh = Kokkos::create_mirror_view(radial);
  for (std::size_t s = 0; s < pseudo_atoms.size(); ++s)
    for (std::size_t v = 0; v < pseudo_atoms[s].valence.size(); ++v)
      for (int k = 0; k < npw; ++k)
        rh(radial_index[s][v], k) = prefactor * pseudo_atoms[s].valence[v].form_factor(std::sqrt(G2h(k)));
  Kokkos::deep_copy(radial, rh);

  AtomicOrbitalVectors out;
  std::vector<int> rad_of;
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) {
    const int s = atoms.species_of_atom[a];
    for (std::size_t v = 0; v < pseudo_atoms[s].valence.size(); ++v) {
      const int l = pseudo_atoms[s].valence[v].l;
      for (int m = 0; m < 2 * l + 1; ++m) {
        out.labels.push_back({static_cast<int>(a), s, static_cast<int>(v), l, m});
        rad_of.push_back(radial_index[s][v]);
      }
    }
  }
  const int norb = out.count();
  IntTable info("pdos::orbital_info", norb, 4);
  auto ih = Kokkos::create_mirror_view(info);
  for (int i = 0; i < norb; ++i) {
    ih(i, 0) = out.labels[i].atom;
    ih(i, 1) = out.labels[i].l;
    ih(i, 2) = out.labels[i].m;
    ih(i, 3) = rad_of[i];
  }
  Kokkos::deep_copy(info, ih);
  out.phi = View2<double>("pdos::phi", basis.n_real(), norb);
  // radial(r, k) already holds (4 pi / sqrt(Omega)) F_l(|G_k|)
  if (norb > 0) fill_atom_centred(basis, AtomPhases(atoms, basis.cell(), basis.wfc()), radial, info, 1.0, out.phi);
  return out;
}

// V(:, j) = U(:, j) / sqrt(s_j): the columns of S^{-1/2} = V U^T.
void scale_columns_inverse_sqrt(const View2<double>& U, const View1<double>& s, View2<double> V) {
  const int n = static_cast<int>(U.extent(0));
  kernels::for_2d(
      "dft::pdos::scale_columns", n, n, KOKKOS_LAMBDA(int j, int i) { V(i, j) = U(i, j) / kernels::math::sqrt(s(j)); });
}

BandProjections project_bands(const Basis& basis, const AtomicOrbitalVectors& orbitals, const View2<double>& X,
                              int nb) {
  using kernels::linalg::Op;
  const int norb = orbitals.count(), nr = basis.n_real();
  BandProjections out;
  out.n_orbitals = norb;
  out.n_bands = nb;
  out.labels = orbitals.labels;
  out.weight.assign(static_cast<std::size_t>(norb) * nb, 0.0);
  if (norb == 0 || nb == 0) return out;
  const auto& phi = orbitals.phi;
  View2<double> S("pdos::S", norb, norb), P("pdos::P", norb, nb), C("pdos::C", norb, nb);
  kernels::linalg::gemm(Op::T, Op::N, norb, norb, nr, 1.0, phi.data(), phi.stride(1), phi.data(), phi.stride(1), 0.0,
                        S.data(), S.stride(1));
  {
    auto Sh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), S);
    for (int i = 0; i < norb; ++i) out.overlap_diagonal.push_back(Sh(i, i));
  }
  std::vector<double> s(norb);
  if (kernels::linalg::syev(norb, S.data(), S.stride(1), s.data()) != 0)
    throw std::runtime_error("pdos: eigensolver failed on the orbital overlap matrix");
  out.min_overlap_eigenvalue = s[0];
  if (!(s[0] > 1e-8 * s[norb - 1]))
    throw std::runtime_error("pdos: the atomic orbitals are linearly dependent (smallest overlap eigenvalue " +
                             std::to_string(s[0]) + "); atoms too close together?");
  View1<double> s_dev("pdos::s", norb);
  auto sh = Kokkos::create_mirror_view(s_dev);
  for (int i = 0; i < norb; ++i) sh(i) = s[i];
  Kokkos::deep_copy(s_dev, sh);
  View2<double> V("pdos::V", norb, norb), S_inv_sqrt("pdos::S_inv_sqrt", norb, norb);
  scale_columns_inverse_sqrt(S, s_dev, V);
  kernels::linalg::gemm(Op::N, Op::T, norb, norb, norb, 1.0, V.data(), V.stride(1), S.data(), S.stride(1), 0.0,
                        S_inv_sqrt.data(), S_inv_sqrt.stride(1));
  // c = S^{-1/2} (Phi^T X)
  kernels::linalg::gemm(Op::T, Op::N, norb, nb, nr, 1.0, phi.data(), phi.stride(1), X.data(), X.stride(1), 0.0,
                        P.data(), P.stride(1));
  kernels::linalg::gemm(Op::N, Op::N, norb, nb, norb, 1.0, S_inv_sqrt.data(), S_inv_sqrt.stride(1), P.data(),
                        P.stride(1), 0.0, C.data(), C.stride(1));
  auto Ch = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), C);
  for (int n = 0; n < nb; ++n)
    for (int i = 0; i < norb; ++i) out.weight[i + static_cast<std::size_t>(norb) * n] = Ch(i, n) * Ch(i, n);
  return out;
}

}  // namespace megabar::dft
