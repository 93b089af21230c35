// The norm-conserving pseudopotential readers (dft/pseudo_nc.hpp): the PseudoDojo NC-SR 0.4 LDA psp8
// files of Debian's abinit-data (B, O) against values read off the files by hand and the psp8 conventions
// (r beta, 4 pi rho), format detection from the content, the functional names, errors that name the file
// and line/tag, a synthetic UPF v2 (Ry -> Ha, r beta -> beta, 4 pi r^2 rho -> rho), and
// scripts/psp8-to-upf: its UPF read back equals the psp8 it came from.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/errors.hpp"
#include "core/units.hpp"
#include "dft/pseudo_nc.hpp"

namespace {

using megabar::dft::NcPseudo;
using megabar::dft::pseudodojo_dir;
using megabar::dft::read_nc_pseudo;
using megabar::dft::read_psp8;
using megabar::dft::read_upf;
using megabar::dft::xc_name_from_psp8;
using megabar::dft::xc_name_from_upf;
using megabar::units::pi;

std::string dojo() { return pseudodojo_dir(MEGABAR_PSEUDODOJO_DIR_DEFAULT); }

// scripts/setup installs abinit-data, so a missing folder is a failure (not a skip that would hide it).
#define REQUIRE_DOJO()                                                                                              \
  ASSERT_FALSE(dojo().empty()) << "abinit-data's PseudoDojo folder not found (scripts/setup installs abinit-data; " \
                                  "or set MEGABAR_PSEUDODOJO_DIR)"

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "megabar_pseudo_nc_" + name;
  std::ofstream(path) << text;
  return path;
}

// The message of the InputError that f throws ("" if none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const megabar::core::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(PseudoNc, ReadsPseudoDojoOxygenPsp8) {
  REQUIRE_DOJO();
  const NcPseudo o = read_psp8(dojo() + "/O.psp8");
  EXPECT_EQ(o.element, "O");
  EXPECT_EQ(o.format, "psp8");
  EXPECT_DOUBLE_EQ(o.zatom, 8.0);
  EXPECT_DOUBLE_EQ(o.zion, 6.0);
  EXPECT_EQ(o.xc_label, "-1012");
  EXPECT_EQ(o.xc, "LDA-PW92");
  ASSERT_EQ(o.r.size(), 600u);
  EXPECT_DOUBLE_EQ(o.r[1], 0.01);
  EXPECT_DOUBLE_EQ(o.r[599], 5.99);
  ASSERT_EQ(o.projectors.size(), 5u);
  const int ls[] = {0, 0, 1, 1, 2};
  const double ekb[] = {6.0260281166406, 0.81616704464047, -4.7989589186365, -1.1725217366683, -1.0336861106092};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(o.projectors[i].l, ls[i]);
    for (int j = 0; j < 5; ++j) EXPECT_DOUBLE_EQ(o.D[i][j], i == j ? ekb[i] : 0.0);
  }
  EXPECT_EQ(o.lmax(), 2);
  EXPECT_EQ(o.projectors_per_atom(), 1 + 1 + 3 + 3 + 5);
  // Row 2 of the l = 0 table: "2 1.0e-02 9.6782840459094D-02 -3.8195144181228D-02" holds r beta.
  EXPECT_NEAR(o.projectors[0].beta[1], 9.6782840459094e-02 / 0.01, 1e-12);
  EXPECT_NEAR(o.projectors[1].beta[1], -3.8195144181228e-02 / 0.01, 1e-12);
  // beta_s(0) extrapolated (finite), beta_p(0) = 0.
  EXPECT_NEAR(o.projectors[0].beta[0], o.projectors[0].beta[1], 0.05 * std::fabs(o.projectors[0].beta[1]));
  EXPECT_EQ(o.projectors[2].beta[0], 0.0);
  EXPECT_DOUBLE_EQ(o.vloc[0], -1.0215728072530e+01);
  EXPECT_NEAR(o.vloc[599] * 5.99, -6.0, 1e-2);  // Coulomb tail -zion/r (Ha)
  // Model core: the file holds 4 pi rho_core.
  ASSERT_TRUE(o.has_core());
  EXPECT_DOUBLE_EQ(o.rho_core[0], 4.3735345738954e+01 / (4 * pi));
  // Valence density (extension_switch 1): 4 pi int rho_v r^2 dr = zion.
  ASSERT_EQ(o.rho_valence.size(), 600u);
  std::vector<double> n(600);
  for (int k = 0; k < 600; ++k) n[k] = 4 * pi * o.r[k] * o.r[k] * o.rho_valence[k];
  EXPECT_NEAR(o.integrate(n), 6.0, 2e-3);
  // Quadrature weights integrate r^2 on [0, 5.99] exactly.
  for (int k = 0; k < 600; ++k) n[k] = o.r[k] * o.r[k];
  EXPECT_NEAR(o.integrate(n), std::pow(5.99, 3) / 3, 1e-10);
}

TEST(PseudoNc, ReadsPseudoDojoBoronPsp8) {
  REQUIRE_DOJO();
  const NcPseudo b = read_nc_pseudo(dojo() + "/B.psp8");
  EXPECT_EQ(b.element, "B");
  EXPECT_DOUBLE_EQ(b.zion, 3.0);
  EXPECT_EQ(b.xc, "LDA-PW92");
  ASSERT_EQ(b.projectors.size(), 4u);
  EXPECT_EQ(b.lmax(), 1);
  EXPECT_TRUE(b.has_core());
  std::vector<double> n(b.r.size());
  for (size_t k = 0; k < n.size(); ++k) n[k] = 4 * pi * b.r[k] * b.r[k] * b.rho_valence[k];
  // B's valence density reaches past the psp8 grid's end (5.99 bohr): 0.016 electrons are outside.
  EXPECT_NEAR(b.integrate(n), 2.984, 1e-3);
}

TEST(PseudoNc, DetectsTheFormatFromTheContent) {
  REQUIRE_DOJO();
  const std::string misnamed = temp_file("O_really_psp8.upf", slurp(dojo() + "/O.psp8"));
  const NcPseudo o = read_nc_pseudo(misnamed);
  EXPECT_EQ(o.format, "psp8");
  EXPECT_EQ(o.projectors.size(), 5u);
  const std::string garbage = temp_file("garbage.psp8", "hello\nworld\n");
  const std::string msg = error_of([&] { read_nc_pseudo(garbage); });
  EXPECT_NE(msg.find(garbage), std::string::npos) << msg;
  EXPECT_NE(msg.find("neither UPF v2"), std::string::npos) << msg;
}

TEST(PseudoNc, Psp8ErrorsNameFileAndLine) {
  REQUIRE_DOJO();
  const std::string text = slurp(dojo() + "/O.psp8");
  // Truncated inside the l = 1 table.
  std::istringstream ss(text);
  std::string line, head;
  for (int i = 0; i < 700 && std::getline(ss, line); ++i) head += line + "\n";
  const std::string cut = temp_file("cut.psp8", head);
  std::string msg = error_of([&] { read_psp8(cut); });
  EXPECT_NE(msg.find(cut + ":701:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("projectors of l = 1"), std::string::npos) << msg;
  // Spin-orbit and other pspcod are rejected.
  std::string so = text;
  so.replace(so.find("1     1           extension_switch"), 1, "2");
  const std::string sof = temp_file("so.psp8", so);
  msg = error_of([&] { read_psp8(sof); });
  EXPECT_NE(msg.find(sof + ":6:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("spin-orbit"), std::string::npos) << msg;
  std::string code = text;
  code.replace(code.find("8   -1012"), 1, "3");
  const std::string codef = temp_file("code.psp8", code);
  msg = error_of([&] { read_nc_pseudo(codef); });
  EXPECT_NE(msg.find(codef + ":3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pspcod 3"), std::string::npos) << msg;
  // A bad number in a table row.
  std::string bad = text;
  bad.replace(bad.find("9.6782840459094D-02"), 19, "9.67828404590xxD-02");
  const std::string badf = temp_file("bad.psp8", bad);
  msg = error_of([&] { read_psp8(badf); });
  EXPECT_NE(msg.find(badf + ":9:"), std::string::npos) << msg;  // row 2 of the l = 0 table
}

// A 6-point UPF v2 with one s and one p projector, a core and an orbital; values chosen by hand.
const char* tiny_upf = R"(<UPF version="2.0.1">
  <PP_INFO> made by hand </PP_INFO>
  <PP_HEADER generated="test" element="Xx" pseudo_type="NC" relativistic="scalar" is_ultrasoft="F"
     is_paw="F" is_coulomb="F" has_so="F" core_correction="T" functional="SLA  PW" z_valence=" 2.00"
     l_max="1" l_local="-1" mesh_size="6" number_of_wfc="1" number_of_proj="2"/>
  <PP_MESH dx="0.1" mesh="6">
    <PP_R type="real" size="6" columns="4"> 0.0 0.1 0.2 0.3 0.4 0.5 </PP_R>
    <PP_RAB type="real" size="6" columns="4"> 0.1 0.1 0.1 0.1 0.1 0.1 </PP_RAB>
  </PP_MESH>
  <PP_NLCC type="real" size="6"> 1.0 0.9 0.8 0.7 0.6 0.5 </PP_NLCC>
  <PP_LOCAL type="real" size="6"> -4.0 -4.0 -4.0 -4.0 -4.0 -4.0 </PP_LOCAL>
  <PP_NONLOCAL>
    <PP_BETA.1 type="real" size="6" index="1" angular_momentum="0" cutoff_radius_index="6">
      0.0 0.2 0.4 0.6 0.8 1.0 </PP_BETA.1>
    <PP_BETA.2 type="real" size="6" index="2" angular_momentum="1" cutoff_radius_index="4">
      0.0 0.01 0.04 0.09 0.16 0.25 </PP_BETA.2>
    <PP_DIJ type="real" size="4"> 3.0 0.0 0.0 -1.0 </PP_DIJ>
  </PP_NONLOCAL>
  <PP_PSWFC>
    <PP_CHI.1 type="real" size="6" label="1S" l="0" occupation="2.0" n="1"> 0.0 0.1 0.2 0.3 0.4 0.5 </PP_CHI.1>
  </PP_PSWFC>
  <PP_RHOATOM type="real" size="6"> 0.0 0.01 0.04 0.09 0.16 0.25 </PP_RHOATOM>
</UPF>
)";

TEST(PseudoNc, ReadsUpfV2Conventions) {
  const std::string path = temp_file("tiny.upf", tiny_upf);
  const NcPseudo u = read_nc_pseudo(path);
  EXPECT_EQ(u.format, "upf");
  EXPECT_EQ(u.element, "Xx");
  EXPECT_DOUBLE_EQ(u.zion, 2.0);
  EXPECT_EQ(u.xc, "LDA-PW92");
  ASSERT_EQ(u.r.size(), 6u);
  EXPECT_DOUBLE_EQ(u.vloc[3], -2.0);  // Ry -> Ha
  ASSERT_EQ(u.projectors.size(), 2u);
  EXPECT_EQ(u.projectors[1].l, 1);
  EXPECT_DOUBLE_EQ(u.projectors[0].beta[3], 2.0);  // (r beta) / r
  EXPECT_DOUBLE_EQ(u.projectors[0].beta[0], 2.0);  // s: extrapolated to r = 0
  EXPECT_DOUBLE_EQ(u.projectors[1].beta[2], 0.2);
  EXPECT_DOUBLE_EQ(u.projectors[1].beta[4], 0.0);  // past cutoff_radius_index = 4
  EXPECT_DOUBLE_EQ(u.D[0][0], 1.5);                // Ry -> Ha
  EXPECT_DOUBLE_EQ(u.D[1][1], -0.5);
  EXPECT_DOUBLE_EQ(u.rho_core[2], 0.8);                  // plain density
  EXPECT_NEAR(u.rho_valence[3], 1.0 / (4 * pi), 1e-15);  // 4 pi r^2 rho / (4 pi r^2)
  ASSERT_EQ(u.orbitals.size(), 1u);
  EXPECT_EQ(u.orbitals[0].label, "1S");
  EXPECT_DOUBLE_EQ(u.orbitals[0].occupation, 2.0);
  EXPECT_DOUBLE_EQ(u.orbitals[0].R[5], 1.0);  // (r R) / r
}

TEST(PseudoNc, UpfRejectsWhatItDoesNotSupport) {
  std::string us = tiny_upf;
  us.replace(us.find("is_ultrasoft=\"F\""), 16, "is_ultrasoft=\"T\"");
  const std::string usf = temp_file("us.upf", us);
  std::string msg = error_of([&] { read_nc_pseudo(usf); });
  EXPECT_NE(msg.find(usf + ":3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ultrasoft"), std::string::npos) << msg;
  std::string so = tiny_upf;
  so.replace(so.find("has_so=\"F\""), 10, "has_so=\"T\"");
  const std::string sof = temp_file("so.upf", so);
  EXPECT_NE(error_of([&] { read_upf(sof); }).find("spin-orbit"), std::string::npos);
  std::string shortr = tiny_upf;
  shortr.replace(shortr.find("0.0 0.1 0.2 0.3 0.4 0.5 </PP_R>"), 31, "0.0 0.1 0.2 </PP_R>");
  const std::string shortf = temp_file("short.upf", shortr);
  msg = error_of([&] { read_upf(shortf); });
  EXPECT_NE(msg.find("<PP_R> has 3 numbers; expected 6"), std::string::npos) << msg;
  EXPECT_NE(msg.find(shortf + ":7:"), std::string::npos) << msg;
  const std::string v1 = temp_file("v1.upf", "<PP_INFO>\n</PP_INFO>\n<PP_HEADER>\n 0 Version\n</PP_HEADER>\n");
  EXPECT_NE(error_of([&] { read_nc_pseudo(v1); }).find("UPF v1 is not supported"), std::string::npos);
}

TEST(PseudoNc, FunctionalNames) {
  EXPECT_EQ(xc_name_from_psp8(-1012), "LDA-PW92");
  EXPECT_EQ(xc_name_from_psp8(2), "LDA-PW92");
  EXPECT_EQ(xc_name_from_psp8(11), "PBE");
  EXPECT_EQ(xc_name_from_psp8(-101130), "PBE");
  EXPECT_EQ(xc_name_from_psp8(-1009), "LDA");
  EXPECT_EQ(xc_name_from_psp8(1), "PADE");
  EXPECT_EQ(xc_name_from_psp8(-20), "PADE");
  EXPECT_THROW(xc_name_from_psp8(-116133), megabar::core::InputError);
  EXPECT_EQ(xc_name_from_upf("PW"), "LDA-PW92");
  EXPECT_EQ(xc_name_from_upf(" sla  pw "), "LDA-PW92");
  EXPECT_EQ(xc_name_from_upf("SLA PW NOGX NOGC"), "LDA-PW92");
  EXPECT_EQ(xc_name_from_upf("PBE"), "PBE");
  EXPECT_EQ(xc_name_from_upf("SLA PW PBX PBC"), "PBE");
  EXPECT_EQ(xc_name_from_upf("SLA PZ NOGX NOGC"), "LDA");
  const std::string msg = error_of([] { xc_name_from_upf("SLA PW PSX PSC"); });
  EXPECT_NE(msg.find("SLA PW PSX PSC"), std::string::npos) << msg;
}

TEST(PseudoNc, EnvironmentOverridesThePseudoDojoFolder) {
  const char* old = std::getenv("MEGABAR_PSEUDODOJO_DIR");
  const std::string saved = old ? old : "";
  setenv("MEGABAR_PSEUDODOJO_DIR", "/some/where", 1);
  EXPECT_EQ(pseudodojo_dir("/usr/share"), "/some/where");
  unsetenv("MEGABAR_PSEUDODOJO_DIR");
  EXPECT_EQ(pseudodojo_dir("/nonexistent/folder"), "");
  if (old) setenv("MEGABAR_PSEUDODOJO_DIR", saved.c_str(), 1);
}

// scripts/psp8-to-upf: the UPF it writes reads back as the same pseudopotential.
TEST(PseudoNc, Psp8ToUpfRoundTrip) {
  REQUIRE_DOJO();
  // scripts/psp8-to-upf needs numpy: scripts/setup installs python3-numpy (CI has it); a bare GPU machine may not.
  if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 without numpy on this machine: scripts/psp8-to-upf cannot run";
  for (const std::string el : {"O", "B"}) {
    const std::string upf = ::testing::TempDir() + "megabar_pseudo_nc_" + el + ".upf";
    const std::string cmd = "/usr/bin/python3 " + std::string(MEGABAR_SOURCE_DIR) + "/scripts/psp8-to-upf " + dojo() +
                            "/" + el + ".psp8 " + upf;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const NcPseudo a = read_psp8(dojo() + "/" + el + ".psp8"), b = read_nc_pseudo(upf);
    EXPECT_EQ(b.format, "upf");
    EXPECT_EQ(b.element, a.element);
    EXPECT_EQ(b.xc, a.xc);
    EXPECT_DOUBLE_EQ(b.zion, a.zion);
    ASSERT_EQ(b.r.size(), a.r.size());
    ASSERT_EQ(b.projectors.size(), a.projectors.size());
    // From index `first` on (PP_RHOATOM = 4 pi r^2 rho loses rho(0), which the reader extrapolates).
    auto same = [](const std::vector<double>& x, const std::vector<double>& y, const char* what, size_t first = 0) {
      ASSERT_EQ(x.size(), y.size()) << what;
      double scale = 0, worst = 0;
      for (size_t k = 0; k < x.size(); ++k) scale = std::max(scale, std::fabs(x[k]));
      for (size_t k = first; k < x.size(); ++k) worst = std::max(worst, std::fabs(x[k] - y[k]));
      EXPECT_LE(worst, 1e-14 * scale) << what;
    };
    same(a.r, b.r, "r");
    same(a.weights, b.weights, "weights");
    same(a.vloc, b.vloc, "vloc");
    same(a.rho_core, b.rho_core, "rho_core");
    same(a.rho_valence, b.rho_valence, "rho_valence", 1);
    EXPECT_NEAR(b.rho_valence[0], a.rho_valence[0], 1e-4 * a.rho_valence[0]);  // quadratic extrapolation
    for (size_t i = 0; i < a.projectors.size(); ++i) {
      EXPECT_EQ(a.projectors[i].l, b.projectors[i].l);
      same(a.projectors[i].beta, b.projectors[i].beta, "beta");
      for (size_t j = 0; j < a.projectors.size(); ++j) EXPECT_NEAR(a.D[i][j], b.D[i][j], 1e-14 * std::fabs(a.D[i][i]));
    }
  }
}

}  // namespace
