// GTH pseudopotentials: the CP2K-format reader (values, library selection, errors) and the analytic
// Fourier transforms against numerical radial quadrature of the real-space forms in dft/gth.hpp:
//   projector_form_factor(l, i, q) = 4 pi int r^2 j_l(qr) p_i^l(r) dr
//   local_form_factor(q) + 4 pi Z / q^2 = 4 pi int r^2 j_0(qr) [V_loc(r) + Z/r] dr
//                                       = 4 pi int r^2 j_0(qr) [Z erfc(r/(sqrt2 rloc))/r + V_gauss(r)] dr
//   local_g0_term() = the same integral at q = 0 (the q -> 0 limit of the left-hand side).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/units.hpp"
#include "dft/gth.hpp"

namespace {

using megabar::dft::GthChannel;
using megabar::dft::GthPseudopotential;
using megabar::dft::read_gth;
namespace fs = std::filesystem;

using megabar::units::pi;

std::string pp_dir() { return std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/"; }

// ---- Reader -----------------------------------------------------------------------------------------

TEST(GthReader, ReadsSingleElementFiles) {
  const auto b = read_gth(pp_dir() + "B-GTH-PBE.gth", "B");
  EXPECT_EQ(b.element, "B");
  EXPECT_EQ(b.name, "GTH-PBE-q3");
  EXPECT_EQ(b.source, pp_dir() + "B-GTH-PBE.gth");
  EXPECT_DOUBLE_EQ(b.zion, 3.0);
  EXPECT_DOUBLE_EQ(b.rloc, 0.41899145);
  ASSERT_EQ(b.c.size(), 2u);
  EXPECT_DOUBLE_EQ(b.c[0], -5.85946171);
  EXPECT_DOUBLE_EQ(b.c[1], 0.90375643);
  ASSERT_EQ(b.channels.size(), 2u);
  EXPECT_EQ(b.lmax(), 1);
  EXPECT_DOUBLE_EQ(b.channels[0].r, 0.37132046);
  ASSERT_EQ(b.channels[0].nproj, 1);
  EXPECT_DOUBLE_EQ(b.channels[0].h[0][0], 6.29728018);
  EXPECT_DOUBLE_EQ(b.channels[1].r, 0.36456308);
  EXPECT_EQ(b.channels[1].nproj, 0);
  EXPECT_EQ(b.projectors_per_atom(), 1);

  const auto o = read_gth(pp_dir() + "O-GTH-PBE.gth", "O");
  EXPECT_EQ(o.name, "GTH-PBE-q6");
  EXPECT_DOUBLE_EQ(o.zion, 6.0);
  EXPECT_DOUBLE_EQ(o.rloc, 0.24455430);
  ASSERT_EQ(o.c.size(), 2u);
  EXPECT_DOUBLE_EQ(o.c[0], -16.66721480);
  EXPECT_DOUBLE_EQ(o.c[1], 2.48731132);
  EXPECT_DOUBLE_EQ(o.channels[0].r, 0.22095592);
  EXPECT_DOUBLE_EQ(o.channels[0].h[0][0], 18.33745811);
  EXPECT_DOUBLE_EQ(o.channels[1].r, 0.21133247);

  const auto bp = read_gth(pp_dir() + "B-GTH-PADE.gth", "B");
  EXPECT_EQ(bp.name, "GTH-PADE-q3");
  EXPECT_DOUBLE_EQ(bp.rloc, 0.43392956);
  EXPECT_DOUBLE_EQ(bp.c[0], -5.57864173);
  EXPECT_DOUBLE_EQ(bp.c[1], 0.80425145);
  EXPECT_DOUBLE_EQ(bp.channels[0].h[0][0], 6.23392822);
}

TEST(GthReader, SelectsBlockOfLibraryByElementAndNameOrAlias) {
  const std::string lib = pp_dir() + "GTH_POTENTIALS_B_O";
  const auto b_pade = read_gth(lib, "B", "GTH-PADE-q3");
  EXPECT_EQ(b_pade.element, "B");
  EXPECT_EQ(b_pade.name, "GTH-PADE-q3");
  EXPECT_EQ(b_pade.source, lib);
  EXPECT_DOUBLE_EQ(b_pade.zion, 3.0);
  EXPECT_DOUBLE_EQ(b_pade.rloc, 0.43392956);
  EXPECT_DOUBLE_EQ(b_pade.channels[0].r, 0.37384326);
  EXPECT_DOUBLE_EQ(b_pade.channels[1].r, 0.36039317);
  // An alias selects the same block.
  EXPECT_DOUBLE_EQ(read_gth(lib, "B", "GTH-LDA").rloc, 0.43392956);
  // The PBE block of B comes first in the library, the PADE block of O last.
  EXPECT_DOUBLE_EQ(read_gth(lib, "B", "GTH-PBE-q3").rloc, 0.41899145);
  EXPECT_DOUBLE_EQ(read_gth(lib, "O", "GTH-PADE-q6").rloc, 0.24762086);
  EXPECT_DOUBLE_EQ(read_gth(lib, "O", "GTH-PBE").rloc, 0.24455430);
  // Without a name the first block of the element is taken.
  EXPECT_EQ(read_gth(lib, "O").name, "GTH-PBE-q6");
}

// A temporary file that is removed when the test ends.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path = fs::temp_directory_path() /
           (std::string("megabar_gth_") + info->name() + "_" + std::to_string(::getpid()) + ".gth");
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

TEST(GthReader, ReadsMultiProjectorChannelsAsSymmetricH) {
  TempFile f(
      "# a synthetic potential with 3, 2 and 1 projectors\n"
      "Xx GTH-TEST-q4 TEST\n"
      "    2    2\n"
      "     0.44    4    -7.3   1.1   0.2  -0.01\n"
      "    3\n"
      "     0.42    3     1.0   2.0   3.0\n"
      "                         4.0   5.0\n"
      "                               6.0\n"
      "     0.48    2     7.0   8.0\n"
      "                         9.0   # trailing comment\n"
      "     0.60    1    10.0\n");
  const auto pp = read_gth(f.path.string(), "Xx", "TEST");
  EXPECT_DOUBLE_EQ(pp.zion, 4.0);
  ASSERT_EQ(pp.c.size(), 4u);
  EXPECT_DOUBLE_EQ(pp.c[3], -0.01);
  ASSERT_EQ(pp.channels.size(), 3u);
  const double h0[3][3] = {{1, 2, 3}, {2, 4, 5}, {3, 5, 6}};
  ASSERT_EQ(pp.channels[0].nproj, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(pp.channels[0].h[i][j], h0[i][j]) << i << j;
  ASSERT_EQ(pp.channels[1].nproj, 2);
  EXPECT_DOUBLE_EQ(pp.channels[1].h[0][1], 8.0);
  EXPECT_DOUBLE_EQ(pp.channels[1].h[1][0], 8.0);
  EXPECT_DOUBLE_EQ(pp.channels[1].h[1][1], 9.0);
  EXPECT_DOUBLE_EQ(pp.channels[2].r, 0.60);
  EXPECT_DOUBLE_EQ(pp.channels[2].h[0][0], 10.0);
  EXPECT_EQ(pp.projectors_per_atom(), 3 * 1 + 2 * 3 + 1 * 5);
}

// Expects read_gth to throw std::invalid_argument whose message contains every string in `parts`.
void expect_invalid(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

TEST(GthReader, MissingFileWrongElementOrNameAreReportedWithTheFile) {
  const std::string missing = pp_dir() + "does-not-exist.gth";
  expect_invalid([&] { read_gth(missing, "B"); }, {missing});
  const std::string b = pp_dir() + "B-GTH-PBE.gth";
  expect_invalid([&] { read_gth(b, "O"); }, {b, "'O'"});
  // A single-element file whose block does not carry the requested name is not silently accepted.
  expect_invalid([&] { read_gth(b, "B", "GTH-PADE-q3"); }, {b, "GTH-PADE-q3"});
  const std::string lib = pp_dir() + "GTH_POTENTIALS_B_O";
  expect_invalid([&] { read_gth(lib, "B", "GTH-BLYP-q3"); }, {lib, "GTH-BLYP-q3"});
  expect_invalid([&] { read_gth(lib, "Si"); }, {lib, "'Si'"});
}

TEST(GthReader, GarbledFilesAreReportedWithFileAndLine) {
  {
    TempFile f("B GTH-BAD-q3\n    2    1\n     0.43    two    -5.5\n    0\n");
    expect_invalid([&] { read_gth(f.path.string(), "B"); }, {f.path.string() + ":3", "two"});
  }
  {
    TempFile f("B GTH-BAD-q3\n    2    1\n     0.43    2    -5.5    0.8\n");  // ends before the channels
    expect_invalid([&] { read_gth(f.path.string(), "B"); }, {f.path.string(), "missing"});
  }
  {
    TempFile f("B GTH-BAD-q3\n    2    1\n     0.43    3    -5.5    0.8\n    0\n");  // n_c = 3, two C given
    expect_invalid([&] { read_gth(f.path.string(), "B"); }, {f.path.string() + ":3"});
  }
  {
    TempFile f("B GTH-BAD-q3\n    2    1\n     0.43    1    -5.5\n    1\n     0.37    2    6.2   1.0\n     0.5 0.6\n");
    expect_invalid([&] { read_gth(f.path.string(), "B"); }, {f.path.string() + ":6", "h_ij"});
  }
  {
    TempFile f("    2    1\n     0.43    1    -5.5\n");  // no header line
    expect_invalid([&] { read_gth(f.path.string(), "B"); }, {f.path.string() + ":1", "header"});
  }
}

// ---- Form factors against radial quadrature ----------------------------------------------------------

// Composite Gauss-Legendre rule on [0, rmax]: panels of width rmax/npanel, 16 nodes each.
struct RadialRule {
  std::vector<double> r, w;
  RadialRule(double rmax, int npanel) {
    const int n = 16;
    std::vector<double> x(n), wx(n);
    for (int k = 0; k < n; ++k) {  // Newton on P_n from the Chebyshev guess
      double z = std::cos(pi * (k + 0.75) / (n + 0.5)), dp = 0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1, p1 = z;
        for (int j = 2; j <= n; ++j) {
          const double p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
          p0 = p1, p1 = p2;
        }
        dp = n * (z * p1 - p0) / (z * z - 1);
        const double dz = p1 / dp;
        z -= dz;
        if (std::fabs(dz) < 1e-16) break;
      }
      x[k] = z;
      wx[k] = 2.0 / ((1 - z * z) * dp * dp);
    }
    const double h = rmax / npanel;
    for (int p = 0; p < npanel; ++p)
      for (int k = 0; k < n; ++k) {
        r.push_back(h * (p + 0.5 * (x[k] + 1)));
        w.push_back(0.5 * h * wx[k]);
      }
  }
  double integrate(const std::function<double(double)>& f) const {
    double s = 0;
    for (std::size_t k = 0; k < r.size(); ++k) s += w[k] * f(r[k]);
    return s;
  }
};

GthPseudopotential synthetic_pp() {
  GthPseudopotential pp;
  pp.element = "Xx";
  pp.zion = 5;
  pp.rloc = 0.38;
  pp.c = {-7.1, 1.3, 0.4, -0.05};
  const double rl[4] = {0.45, 0.5, 0.55, 0.62};
  const int np[4] = {3, 3, 2, 1};
  for (int l = 0; l < 4; ++l) {
    GthChannel ch;
    ch.r = rl[l];
    ch.nproj = np[l];
    ch.h.assign(np[l], std::vector<double>(np[l], 1.0));
    pp.channels.push_back(ch);
  }
  return pp;
}

// p_i^l(r) of dft/gth.hpp (HGH 1998, eq. 3).
double projector_r(int l, int i, double rl, double r) {
  const double e = l + (4.0 * i - 1.0) / 2.0;
  return std::sqrt(2.0) * std::pow(r, l + 2 * (i - 1)) * std::exp(-r * r / (2 * rl * rl)) /
         (std::pow(rl, e) * std::sqrt(std::tgamma(e)));
}

TEST(GthFormFactors, ProjectorsMatchRadialQuadrature) {
  const auto pp = synthetic_pp();
  const RadialRule rule(20.0, 200);
  for (int l = 0; l <= 3; ++l)
    for (int i = 1; i <= pp.channels[l].nproj; ++i) {
      const double rl = pp.channels[l].r;
      // Norm check of the real-space projector itself: int r^2 p^2 dr = 1.
      EXPECT_NEAR(rule.integrate([&](double r) { return r * r * std::pow(projector_r(l, i, rl, r), 2); }), 1.0, 1e-12)
          << "l=" << l << " i=" << i;
      std::vector<double> qs{0.0, 0.3, 1.0, 2.2, 4.0, 6.5, 9.0};
      std::vector<double> num, ana;
      double scale = 0;
      for (double q : qs) {
        num.push_back(4 * pi * rule.integrate([&](double r) {
          return r * r * std::sph_bessel(static_cast<unsigned>(l), q * r) * projector_r(l, i, rl, r);
        }));
        ana.push_back(pp.projector_form_factor(l, i, q));
        scale = std::max(scale, std::fabs(num.back()));
      }
      for (std::size_t k = 0; k < qs.size(); ++k)
        EXPECT_NEAR(ana[k], num[k], 1e-10 * scale) << "l=" << l << " i=" << i << " q=" << qs[k];
    }
  EXPECT_THROW(pp.projector_form_factor(2, 3, 1.0), std::invalid_argument);
}

// V_loc(r) + Z/r: short-ranged, so its transform is an ordinary radial integral for every q >= 0.
double local_short_range(const GthPseudopotential& pp, double r) {
  const double x = r / pp.rloc;
  double poly = 0;
  for (std::size_t i = 0; i < pp.c.size(); ++i) poly += pp.c[i] * std::pow(x, 2.0 * i);
  return pp.zion * std::erfc(r / (std::sqrt(2.0) * pp.rloc)) / r + std::exp(-0.5 * x * x) * poly;
}

TEST(GthFormFactors, LocalPartMatchesRadialQuadrature) {
  const RadialRule rule(20.0, 400);
  std::vector<GthPseudopotential> pps{synthetic_pp(), read_gth(pp_dir() + "O-GTH-PBE.gth", "O"),
                                      read_gth(pp_dir() + "B-GTH-PADE.gth", "B")};
  for (const auto& pp : pps)
    for (double q : {0.05, 0.4, 1.0, 2.5, 5.0, 8.0}) {
      const double num = 4 * pi * rule.integrate([&](double r) {
        return r * r * std::sph_bessel(0u, q * r) * local_short_range(pp, r);
      });
      const double ana = pp.local_form_factor(q) + 4 * pi * pp.zion / (q * q);
      EXPECT_NEAR(ana, num, 1e-10 * std::max(1.0, std::fabs(num))) << pp.element << " q=" << q;
    }
}

TEST(GthFormFactors, G0TermIsTheLimitOfTheRegularisedLocalFormFactor) {
  const RadialRule rule(20.0, 400);
  std::vector<GthPseudopotential> pps{synthetic_pp(), read_gth(pp_dir() + "O-GTH-PBE.gth", "O"),
                                      read_gth(pp_dir() + "B-GTH-PBE.gth", "B")};
  for (const auto& pp : pps) {
    const double alpha = pp.local_g0_term();
    // Direct: the q = 0 transform of V_loc + Z/r.
    const double direct = 4 * pi * rule.integrate([&](double r) { return r * r * local_short_range(pp, r); });
    EXPECT_NEAR(alpha, direct, 1e-10 * std::fabs(direct)) << pp.element;
    // Richardson extrapolation of f(q) = local_form_factor(q) + 4 pi Z/q^2 = f0 + a q^2 + O(q^4).
    auto f = [&](double q) { return pp.local_form_factor(q) + 4 * pi * pp.zion / (q * q); };
    const double q = 0.02;
    const double f0 = (4 * f(q / 2) - f(q)) / 3;
    EXPECT_NEAR(alpha, f0, 1e-6 * std::fabs(alpha)) << pp.element;
  }
}

}  // namespace
