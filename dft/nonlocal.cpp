#include "kernels/math.hpp"
#include "dft/nonlocal.hpp"

#include "kernels/loops.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "dft/gth_form_factors.hpp"
#include "dft/radial_tables.hpp"
#include "kernels/linalg.hpp"

namespace megabar::dft {

namespace {
struct ProjectorInfo {
  int atom, l, m, radial;  // radial: index into the table of radial form factors
};
struct RadialSpec {
  int l, i;
  double r;        // GTH: r_l of the channel
  int table = -1;  // numerical species: column of the interpolation tables (-1: GTH, analytic)
};
// One angular-momentum channel of a species: its projectors (indices into the radial specs) and their
// coupling block h_ij (Ha).
struct Channel {
  int l;
  std::vector<int> radial;
  std::vector<std::vector<double>> h;
};
}  // namespace

// D (zeroed, nproj x nproj) from its nonzero entries (p, q, h_pq): the few block entries cross to the device,
// not the whole matrix.
void scatter_d_matrix(const std::vector<std::array<int, 2>>& pq, const std::vector<double>& h, View2<double> D) {
  const int n = static_cast<int>(h.size());
  if (n == 0) return;
  Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace> idx("nonlocal::d_index", n, 2);
  View1<double> val("nonlocal::d_value", n);
  auto ih = Kokkos::create_mirror_view(idx);
  auto vh = Kokkos::create_mirror_view(val);
  for (int t = 0; t < n; ++t) {
    ih(t, 0) = pq[t][0];
    ih(t, 1) = pq[t][1];
    vh(t) = h[t];
  }
  Kokkos::deep_copy(idx, ih);
  Kokkos::deep_copy(val, vh);
  Kokkos::parallel_for(
      "dft::nonlocal::scatter_d", kernels::RangePolicy(0, n),
      KOKKOS_LAMBDA(int t) { D(idx(t, 0), idx(t, 1)) = val(t); });
}

// The radial form factors P^l_i(|G|) of every (species, l, i) on the wavefunction sphere, and their
// derivatives d/d|G|, computed on the device (a free function: nvcc rejects device lambdas in constructors).
void fill_radial_tables(const Basis& basis, const std::vector<RadialSpec>& specs, const DeviceRadialTables& tables,
                        Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> rad,
                        Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> drad) {
  const int nr = static_cast<int>(specs.size()), npw = basis.npw();
  if (nr == 0) return;
  Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> spec("nonlocal::radial_spec", nr, 4);
  auto sh = Kokkos::create_mirror_view(spec);
  for (int r = 0; r < nr; ++r) {
    sh(r, 0) = specs[r].l;
    sh(r, 1) = specs[r].i;
    sh(r, 2) = specs[r].r;
    sh(r, 3) = specs[r].table;
  }
  Kokkos::deep_copy(spec, sh);
  auto G2 = basis.wfc().G2;
  auto tf = tables.f, tdf = tables.df;
  const int tn = tables.n;
  const double tdq = tables.dq;
  kernels::for_2d(
      "dft::nonlocal::radial_tables", nr, npw, KOKKOS_LAMBDA(int r, int k) {
        const int l = static_cast<int>(spec(r, 0)), i = static_cast<int>(spec(r, 1));
        const int column = static_cast<int>(spec(r, 3));
        const double q = kernels::math::sqrt(G2(k));
        if (column >= 0) {  // numerical: the interpolated table f_i(q) and its derivative
          double d = 0;
          rad(r, k) = interpolate_radial(&tf(0, column), &tdf(0, column), tn, tdq, q, &d);
          drad(r, k) = d;
        } else {
          rad(r, k) = gth_ff::projector(l, i, spec(r, 2), q);
          drad(r, k) = gth_ff::projector_derivative(l, i, spec(r, 2), q);
        }
      });
}

NonlocalTerm::NonlocalTerm(const Basis& basis, const Atoms& atoms) : basis_(basis) {
  const int npw = basis.npw();
  // Radial form factors per (species, projector): their parameters here, the tables on the device below.
  // Each species is a list of channels (l, its projectors, their h block); GTH potentials give theirs
  // analytically, numerical ones (psp8/UPF) through interpolation tables up to the sphere's largest |G|.
  std::vector<ProjectorInfo> info;
  std::vector<RadialSpec> radial;
  std::vector<const RadialTable*> tables;  // of the numerical species, column = RadialSpec::table
  std::vector<std::vector<Channel>> channels(atoms.species.size());
  const double qmax = std::sqrt(2.0 * basis.ecut_rho());  // the local term's reach too: one tabulation
  for (std::size_t s = 0; s < atoms.species.size(); ++s) {
    const auto& sp = atoms.species[s];
    if (sp.lmax() > 2) throw std::invalid_argument(sp.source + ": nonlocal channels with l > 2 are not supported");
    if (sp.gth) {
      const auto& pp = *sp.gth;
      for (int l = 0; l <= pp.lmax(); ++l) {
        Channel c{l, {}, pp.channels[l].h};
        for (int i = 1; i <= pp.channels[l].nproj; ++i) {
          if (!gth_ff::projector_supported(l, i))
            throw std::invalid_argument(pp.source + ": GTH projector l=" + std::to_string(l) +
                                        " i=" + std::to_string(i) + " is not supported");
          c.radial.push_back(static_cast<int>(radial.size()));
          radial.push_back({l, i, pp.channels[l].r});
        }
        channels[s].push_back(std::move(c));
      }
      continue;
    }
    const auto& pp = *sp.nc;
    const NcFormFactors& ff = sp.form_factors(qmax);
    for (int l = 0; l <= pp.lmax(); ++l) {
      Channel c{l, {}, {}};
      std::vector<int> members;  // projector indices of the file with this l
      for (std::size_t i = 0; i < pp.projectors.size(); ++i)
        if (pp.projectors[i].l == l) members.push_back(static_cast<int>(i));
      for (int i : members) {
        c.radial.push_back(static_cast<int>(radial.size()));
        radial.push_back({l, 0, 0.0, static_cast<int>(tables.size())});
        tables.push_back(&ff.projectors[i]);
        std::vector<double> row;
        for (int j : members) row.push_back(pp.D[i][j]);
        c.h.push_back(std::move(row));
      }
      if (!members.empty()) channels[s].push_back(std::move(c));
    }
  }
  std::vector<double> dh;  // D entries as (p, q, value) triples built below
  std::vector<std::array<int, 2>> dpq;
  std::vector<std::array<int, 2>> block;  // (first projector, size) of the h block each projector is in
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) {
    const int s = atoms.species_of_atom[a];
    for (const Channel& c : channels[s]) {
      const int l = c.l, n = static_cast<int>(c.radial.size());
      for (int m = 0; m < 2 * l + 1; ++m) {
        const int base = static_cast<int>(info.size());
        for (int i = 0; i < n; ++i) {
          info.push_back({static_cast<int>(a), l, m, c.radial[i]});
          block.push_back({base, n});
        }
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j) {
            dpq.push_back({base + i, base + j});
            dh.push_back(c.h[i][j]);
          }
      }
    }
  }
  nproj_ = static_cast<int>(info.size());
  B_ = View2<double>("nonlocal::B", basis.n_real(), nproj_);
  D_ = View2<double>("nonlocal::D", nproj_, nproj_);
  if (nproj_ == 0) return;
  scatter_d_matrix(dpq, dh, D_);  // np^2 entries, nearly all zero: built on the device from the blocks
  block_ = Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace>("nonlocal::block", nproj_, 2);
  auto bh = Kokkos::create_mirror_view(block_);
  for (int p = 0; p < nproj_; ++p) {
    bh(p, 0) = block[p][0];
    bh(p, 1) = block[p][1];
  }
  Kokkos::deep_copy(block_, bh);
  atom_of_projector_ = View1<int>("nonlocal::atom_of_projector", nproj_);
  auto ah = Kokkos::create_mirror_view(atom_of_projector_);
  for (int p = 0; p < nproj_; ++p) ah(p) = info[p].atom;
  Kokkos::deep_copy(atom_of_projector_, ah);

  Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> rad("nonlocal::radial", radial.size(), npw);
  Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace> pinfo("nonlocal::info", nproj_, 4);
  auto pih = Kokkos::create_mirror_view(pinfo);
  for (int p = 0; p < nproj_; ++p) {
    pih(p, 0) = info[p].atom;
    pih(p, 1) = info[p].l;
    pih(p, 2) = info[p].m;
    pih(p, 3) = info[p].radial;
  }
  Kokkos::deep_copy(pinfo, pih);
  radial_derivative_ =
      Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>("nonlocal::radial_derivative", radial.size(), npw);
  fill_radial_tables(basis, radial, to_device(tables), rad, radial_derivative_);

  phases_ = std::make_unique<AtomPhases>(atoms, basis.cell(), basis.wfc());
  radial_ = rad;
  info_ = pinfo;
  fill_atom_centred(basis, *phases_, rad, pinfo, 1.0 / std::sqrt(basis.cell().volume), B_);
}

View2<double> NonlocalTerm::projections(const View2<double>& X, int nb) const {
  View2<double> P("nonlocal::P", nproj_, nb);
  if (nproj_ == 0 || nb == 0) return P;
  using kernels::linalg::Op;
  kernels::linalg::gemm(Op::T, Op::N, nproj_, nb, basis_.n_real(), 1.0, B_.data(), B_.stride(1), X.data(), X.stride(1),
                        0.0, P.data(), P.stride(1));
  return P;
}

View2<double> NonlocalTerm::coupled_projections(const View2<double>& X, int nb, View2<double>* P_out) const {
  using kernels::linalg::Op;
  auto P = projections(X, nb);
  if (P_out) *P_out = P;
  View2<double> Q("nonlocal::DP", nproj_, nb);
  kernels::linalg::gemm(Op::N, Op::N, nproj_, nb, nproj_, 1.0, D_.data(), D_.stride(1), P.data(), P.stride(1), 0.0,
                        Q.data(), Q.stride(1));
  return Q;
}

void NonlocalTerm::apply(const View2<double>& X, int nb, View2<double> Y, double beta_y) const {
  if (nproj_ == 0 || nb == 0) {
    if (beta_y != 1.0) {
      auto sub = Kokkos::subview(Y, Kokkos::ALL, std::make_pair(0, nb));
      kernels::for_2d(
          "dft::nonlocal::scale", nb, int(Y.extent(0)), KOKKOS_LAMBDA(int j, int i) { sub(i, j) *= beta_y; });
    }
    return;
  }
  using kernels::linalg::Op;
  const auto Q = coupled_projections(X, nb);
  kernels::linalg::gemm(Op::N, Op::N, basis_.n_real(), nb, nproj_, 1.0, B_.data(), B_.stride(1), Q.data(), Q.stride(1),
                        beta_y, Y.data(), Y.stride(1));
}

double NonlocalTerm::energy(const View2<double>& X, const View1<double>& occ, int nb) const {
  if (nproj_ == 0) return 0.0;
  auto P = projections(X, nb);
  auto D = D_;
  auto blk = block_;
  const int np = nproj_;
  double e = 0;
  Kokkos::parallel_reduce(
      "dft::nonlocal::energy", kernels::RangePolicy(0, nb),
      KOKKOS_LAMBDA(int n, double& acc) {
        double s = 0;
        for (int p = 0; p < np; ++p)
          for (int q = blk(p, 0); q < blk(p, 0) + blk(p, 1); ++q) s += P(p, n) * D(p, q) * P(q, n);
        acc += occ(n) * s;
      },
      e);
  return e;
}

// dB = scaled vectors of -i G_d beta: (re, im) -> (G_d im, -G_d re); the G = 0 entry vanishes.
void projector_derivative(const Basis& basis, const View2<double>& B, int d, View2<double> dB) {
  const int npw = basis.npw(), nproj = static_cast<int>(B.extent(1));
  auto G = basis.wfc().G;
  kernels::for_2d(
      "dft::nonlocal::projector_derivative", nproj, npw, KOKKOS_LAMBDA(int p, int k) {
        if (k == 0) {
          dB(0, p) = 0.0;
          return;
        }
        const double re = B(k, p), im = B(npw - 1 + k, p);
        dB(k, p) = G(k, d) * im;
        dB(npw - 1 + k, p) = -G(k, d) * re;
      });
}

// F(atom(p), d) -= 2 sum_n occ_n dP(p, n) Q(p, n), accumulated per atom on the host.
void accumulate_nonlocal_force(const View2<double>& dP, const View2<double>& Q, const View1<double>& occ,
                               const View1<int>& atom_of, int nb, int d, View2<double> F) {
  const int np = static_cast<int>(dP.extent(0));
  View1<double> s("nonlocal::force_per_projector", np);
  Kokkos::parallel_for(
      "dft::nonlocal::force_per_projector", kernels::RangePolicy(0, np), KOKKOS_LAMBDA(int p) {
        double acc = 0;
        for (int n = 0; n < nb; ++n) acc += occ(n) * dP(p, n) * Q(p, n);
        s(p) = acc;
      });
  auto sh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atom_of);
  auto Fh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
  for (int p = 0; p < np; ++p) Fh(ah(p), d) -= 2.0 * sh(p);
  Kokkos::deep_copy(F, Fh);
}

// dB(:, p) = scaled vector of d beta_p / d eps_ab (see nonlocal.hpp).
void projector_strain_derivative(const Basis& basis, const AtomPhases& phases,
                                 const Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>& rad,
                                 const Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>& drad,
                                 const Kokkos::View<int**, Kokkos::LayoutRight, kernels::MemSpace>& pinfo, int a, int b,
                                 View2<double> dB) {
  const int npw = basis.npw(), nproj = static_cast<int>(dB.extent(1));
  auto G = basis.wfc().G;
  auto G2 = basis.wfc().G2;
  const double inv_sqrt_omega = 1.0 / std::sqrt(basis.cell().volume);
  const double delta = a == b ? 1.0 : 0.0;
  kernels::for_2d(
      "dft::nonlocal::projector_strain_derivative", nproj, npw, KOKKOS_LAMBDA(int p, int k) {
        const int at = pinfo(p, 0), l = pinfo(p, 1), m = pinfo(p, 2), r = pinfo(p, 3);
        if (k == 0) {  // G = 0: only l = 0 is non-zero there, and only its volume factor depends on strain
          dB(0, p) = (l == 0) ? -0.5 * delta * rad(r, 0) * inv_sqrt_omega * real_ylm(0, 0, 0, 0, 1) : 0.0;
          return;
        }
        const double g = kernels::math::sqrt(G2(k));
        const double u[3] = {G(k, 0) / g, G(k, 1) / g, G(k, 2) / g};
        const double y = real_ylm(l, m, u[0], u[1], u[2]);
        double gy[3];
        real_ylm_gradient(l, m, u[0], u[1], u[2], gy);
        const double ugy = u[0] * gy[0] + u[1] * gy[1] + u[2] * gy[2];
        const double P = rad(r, k), dP = drad(r, k);
        // d_c F = P' u_c Y + (P/g) (dY_c - u_c u.dY)
        const double dFa = dP * u[a] * y + P / g * (gy[a] - u[a] * ugy);
        const double dFb = dP * u[b] * y + P / g * (gy[b] - u[b] * ugy);
        const double T = (-0.5 * delta * P * y - 0.5 * (G(k, b) * dFa + G(k, a) * dFb)) * inv_sqrt_omega;
        double re, im;
        scaled_projector_entry(T, l, phases(at, k), re, im);
        dB(k, p) = re;
        dB(npw - 1 + k, p) = im;
      });
}

// sum_n occ_n sum_p dP(p, n) Q(p, n)
double weighted_trace(const View2<double>& dP, const View2<double>& Q, const View1<double>& occ, int nb) {
  const long np = static_cast<long>(dP.extent(0));
  double s = 0;
  Kokkos::parallel_reduce(
      "dft::nonlocal::weighted_trace", Kokkos::RangePolicy<kernels::ExecSpace, Kokkos::IndexType<long>>(0, np * nb),
      KOKKOS_LAMBDA(long idx, double& acc) {
        const int n = static_cast<int>(idx / np), p = static_cast<int>(idx % np);
        acc += occ(n) * dP(p, n) * Q(p, n);
      },
      s);
  return s;
}

Mat3 NonlocalTerm::stress(const View2<double>& X, const View1<double>& occ, int nb, double* energy) const {
  Mat3 sigma{};
  if (energy) *energy = 0;
  if (nproj_ == 0) return sigma;
  using kernels::linalg::Op;
  View2<double> P;
  const auto Q = coupled_projections(X, nb, &P);
  if (energy) *energy = weighted_trace(P, Q, occ, nb);  // sum_n f_n sum_pq P_pn D_pq P_qn
  View2<double> dP("nonlocal::dP", nproj_, nb), dB("nonlocal::dB", basis_.n_real(), nproj_);
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      projector_strain_derivative(basis_, *phases_, radial_, radial_derivative_, info_, a, b, dB);
      kernels::linalg::gemm(Op::T, Op::N, nproj_, nb, basis_.n_real(), 1.0, dB.data(), dB.stride(1), X.data(),
                            X.stride(1), 0.0, dP.data(), dP.stride(1));
      sigma[a][b] = sigma[b][a] = -2.0 * weighted_trace(dP, Q, occ, nb) / basis_.cell().volume;
    }
  return sigma;
}

View2<double> NonlocalTerm::forces(const View2<double>& X, const View1<double>& occ, int nb, int natoms) const {
  View2<double> F("nonlocal::forces", natoms, 3);
  if (nproj_ == 0) return F;
  using kernels::linalg::Op;
  const auto Q = coupled_projections(X, nb);
  View2<double> dP("nonlocal::dP", nproj_, nb), dB("nonlocal::dB", basis_.n_real(), nproj_);
  for (int d = 0; d < 3; ++d) {
    projector_derivative(basis_, B_, d, dB);
    kernels::linalg::gemm(Op::T, Op::N, nproj_, nb, basis_.n_real(), 1.0, dB.data(), dB.stride(1), X.data(),
                          X.stride(1), 0.0, dP.data(), dP.stride(1));
    accumulate_nonlocal_force(dP, Q, occ, atom_of_projector_, nb, d, F);
  }
  return F;
}

std::vector<Vec3> NonlocalTerm::forces(const TermState& s) const {
  return host_forces(forces(s.X, s.occ, s.nb, static_cast<int>(s.atoms->structure.size())));
}

View1<double> NonlocalTerm::diagonal() const {
  View1<double> d("nonlocal::diagonal", basis_.n_real());
  auto B = B_;
  auto D = D_;
  auto blk = block_;
  const int np = nproj_;
  Kokkos::parallel_for(
      "dft::nonlocal::diagonal", kernels::RangePolicy(0, basis_.n_real()), KOKKOS_LAMBDA(int k) {
        double s = 0;
        for (int p = 0; p < np; ++p)
          for (int q = blk(p, 0); q < blk(p, 0) + blk(p, 1); ++q) s += B(k, p) * D(p, q) * B(k, q);
        d(k) = s;
      });
  return d;
}

}  // namespace megabar::dft
