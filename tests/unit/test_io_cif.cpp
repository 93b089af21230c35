// CIF input (io/cif.hpp): the symmetry of B2O3-I (P3_121) expanded from its asymmetric unit, whichever way the
// CIF states the space group, against the 15-atom cell listed by phonondb (mp-306) and distances computed here;
// a P1 file read as listed, in ASE's cell orientation; special positions and repeated sites placed once; and
// every bad file refused with a message naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "core/structure.hpp"
#include "core/units.hpp"
#include "io/cif.hpp"
#include "io/structure_file.hpp"
#include "md_io_test_helpers.hpp"

namespace {

using namespace megabar;
using namespace megabar::md_io_test;

const double a_b2o3 = 4.35062, c_b2o3 = 8.339815;  // A

// B2O3-I: cell, a space-group line (SYMMETRY) and the asymmetric unit: B 6c, O1 6c, O2 3b (0.151, 0, 5/6).
std::string b2o3_cif(const std::string& symmetry, const std::string& o2_z = "0.833333333") {
  return "# alpha-B2O3, phonondb mp-306\n\ndata_B2O3-I\n_cell_length_a 4.35062(3)\n_cell_length_b 4.35062\n"
         "_cell_length_c 8.339815\n_cell_angle_alpha 90\n_cell_angle_beta 90.0\n_cell_angle_gamma 120.0\n" +
         symmetry +
         "\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
         "_atom_site_fract_z\n_atom_site_occupancy\n"
         "B1 B 0.397750 0.233999 0.725400 1.0\nO1 O2- 0.448799 0.851022 0.039978 1\nO2 O 0.151 0 " +
         o2_z + " 1.00\n";
}

// The full cell as phonondb lists it (shared/reference/structures/B2O3-I_P3121_phonondb-mp306_DFT.cif).
const std::vector<std::pair<std::string, core::Vec3>> b2o3_cell = {
    {"B", {0.397750, 0.233999, 0.725400}}, {"B", {0.766001, 0.163751, 0.058733}},
    {"B", {0.836249, 0.602250, 0.392067}}, {"B", {0.233999, 0.397750, 0.274600}},
    {"B", {0.163751, 0.766001, 0.941267}}, {"B", {0.602250, 0.836249, 0.607933}},
    {"O", {0.448799, 0.851022, 0.039978}}, {"O", {0.148978, 0.597776, 0.373312}},
    {"O", {0.402224, 0.551201, 0.706645}}, {"O", {0.851022, 0.448799, 0.960022}},
    {"O", {0.597776, 0.148978, 0.626688}}, {"O", {0.551201, 0.402224, 0.293355}},
    {"O", {0.151000, 0.000000, 0.833333}}, {"O", {0.000000, 0.151000, 0.166667}},
    {"O", {0.849000, 0.849000, 0.500000}}};

core::Structure read(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.file(name)) << text;
  return io::read_cif(dir.file(name));
}

// Shortest distance (A) between atoms i and j over the 27 nearest cells, computed here from the lattice.
double distance(const core::Structure& s, std::size_t i, std::size_t j) {
  const core::Vec3 f = core::fractional(s.cell, s.positions[i]), g = core::fractional(s.cell, s.positions[j]);
  double best = 1e300;
  for (int n0 = -1; n0 <= 1; ++n0)
    for (int n1 = -1; n1 <= 1; ++n1)
      for (int n2 = -1; n2 <= 1; ++n2) {
        const int n[3] = {n0, n1, n2};
        core::Vec3 r{0, 0, 0};
        for (int k = 0; k < 3; ++k) {
          const double d = f[k] - g[k] - std::round(f[k] - g[k]) + n[k];
          for (int x = 0; x < 3; ++x) r[x] += d * s.cell.lattice[k][x];
        }
        if (i != j || n0 || n1 || n2) best = std::min(best, std::sqrt(core::dot(r, r)));
      }
  return best / units::angstrom;
}

// Every atom of `s` is one of `cell` (fractional, within tol), each used once.
void expect_cell(const core::Structure& s, const std::vector<std::pair<std::string, core::Vec3>>& cell, double tol) {
  ASSERT_EQ(s.size(), cell.size());
  std::vector<bool> used(cell.size(), false);
  for (std::size_t n = 0; n < s.size(); ++n) {
    const core::Vec3 f = core::wrapped_fractional(s.cell, s.positions[n]);
    bool found = false;
    for (std::size_t m = 0; m < cell.size() && !found; ++m) {
      double d = 0;
      for (int k = 0; k < 3; ++k) {
        const double x = f[k] - cell[m].second[k];
        d = std::max(d, std::fabs(x - std::round(x)));
      }
      if (!used[m] && cell[m].first == s.symbols[n] && d < tol) used[m] = found = true;
    }
    EXPECT_TRUE(found) << "atom " << n << " " << s.symbols[n] << " " << f[0] << " " << f[1] << " " << f[2];
  }
}

void expect_b2o3(const core::Structure& s, double tol = 2e-6) {
  ASSERT_EQ(s.size(), 15u);
  EXPECT_EQ(std::count(s.symbols.begin(), s.symbols.end(), "B"), 6);
  EXPECT_EQ(std::count(s.symbols.begin(), s.symbols.end(), "O"), 9);
  const double volume = a_b2o3 * a_b2o3 * c_b2o3 * std::sin(120 * M_PI / 180);  // 136.7066 A^3
  EXPECT_NEAR(s.cell.volume / std::pow(units::angstrom, 3), volume, 1e-9);
  // a along x, b in the xy plane (ASE's cellpar_to_cell)
  const double A = units::angstrom;
  EXPECT_NEAR(s.cell.lattice[0][0], a_b2o3 * A, 1e-12);
  EXPECT_NEAR(s.cell.lattice[1][0], -a_b2o3 / 2 * A, 1e-12);
  EXPECT_NEAR(s.cell.lattice[1][1], a_b2o3 * std::sqrt(3.0) / 2 * A, 1e-12);
  EXPECT_NEAR(s.cell.lattice[2][2], c_b2o3 * A, 1e-12);
  for (int k : {1, 2}) EXPECT_EQ(s.cell.lattice[0][k], 0.0);
  EXPECT_EQ(s.cell.lattice[1][2], 0.0);
  expect_cell(s, b2o3_cell, tol);
  // Every B has three O at 1.3761, 1.3793 and 1.3807 A (BO3 triangles; ASE's neighbour distances agree).
  for (std::size_t b = 0; b < s.size(); ++b) {
    if (s.symbols[b] != "B") continue;
    std::vector<double> d;
    for (std::size_t o = 0; o < s.size(); ++o)
      if (s.symbols[o] == "O") d.push_back(distance(s, b, o));
    std::sort(d.begin(), d.end());
    EXPECT_NEAR(d[0], 1.37614, 1e-4 + 5 * tol);
    EXPECT_NEAR(d[1], 1.37930, 1e-4 + 5 * tol);
    EXPECT_NEAR(d[2], 1.38066, 1e-4 + 5 * tol);
    EXPECT_GT(d[3], 2.0);
  }
  EXPECT_NEAR(s.min_distance() / units::angstrom, 1.37614, 1e-4 + 5 * tol);
}

}  // namespace

TEST(IoCif, B2O3IExpandsFromEachWayOfGivingTheSpaceGroup) {
  TempDir dir;
  const std::string ops =
      "loop_\n_space_group_symop_id\n_space_group_symop_operation_xyz\n1 'x, y, z'\n2 '-y, x-y, z+1/3'\n"
      "3 '-x+y, -x, z+2/3'\n4 'y, x, -z'\n5 'x-y, -y, -z+2/3'\n6 '-x, -x+y, -z+1/3'\n";
  const core::Structure hm = read(dir, "hm.cif", b2o3_cif("_symmetry_space_group_name_H-M 'P 31 2 1'"));
  expect_b2o3(hm);
  // The order: site by site, each with its images in the order of the operations.
  EXPECT_EQ(hm.symbols,
            std::vector<std::string>({"B", "B", "B", "B", "B", "B", "O", "O", "O", "O", "O", "O", "O", "O", "O"}));
  expect_b2o3(read(dir, "ops.cif", b2o3_cif(ops)));
  expect_b2o3(read(dir, "old-ops.cif",
                   b2o3_cif("loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-y,x-y,1/3+z\n"
                            "-x+y,-x,2/3+z\ny,x,-z\nx-y,-y,2/3-z\n-x,-x+y,1/3-z\n")));
  expect_b2o3(read(dir, "hall.cif", b2o3_cif("_space_group_name_Hall 'P 31 2\"'")));
  expect_b2o3(read(dir, "underscore.cif", b2o3_cif("_space_group_name_H-M_alt 'P3_121'")));
  expect_b2o3(read(dir, "number.cif", b2o3_cif("_space_group_IT_number 152")));
  // The same positions through read_structure, by name and by content.
  std::ofstream(dir.file("b2o3.txt")) << b2o3_cif(ops);
  EXPECT_EQ(io::structure_format(dir.file("b2o3.txt")), io::StructureFormat::cif);
  EXPECT_EQ(io::structure_format(dir.file("hm.cif")), io::StructureFormat::cif);
  const core::Structure by_content = io::read_structure(dir.file("b2o3.txt"));
  ASSERT_EQ(by_content.size(), hm.size());
  for (std::size_t n = 0; n < hm.size(); ++n)
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(by_content.positions[n][k], hm.positions[n][k], 1e-12);
}

TEST(IoCif, P1FileGivesItsSitesAsListedInAseOrientation) {
  TempDir dir;
  const core::Structure s =
      read(dir, "p1.cif",
           "data_image0\n_chemical_formula_structural B2O3\n_cell_length_a 5.1\n_cell_length_b 6.3\n"
           "_cell_length_c 7.2\n_cell_angle_alpha 81.5\n_cell_angle_beta 97.25\n_cell_angle_gamma 103.75\n\n"
           "_space_group_name_H-M_alt 'P 1'\n_space_group_IT_number 1\n\nloop_\n  _space_group_symop_operation_xyz\n"
           "  'x, y, z'\n\nloop_\n  _atom_site_type_symbol\n  _atom_site_label\n  _atom_site_symmetry_multiplicity\n"
           "  _atom_site_fract_x\n  _atom_site_fract_y\n  _atom_site_fract_z\n  _atom_site_occupancy\n"
           "  O   O1   1.0  0.1  0.2  0.3  1.0000\n  B   B1   1.0  0.9  0.0  0.95  1.0000\n"
           "  Si  Si1  1.0  -0.25 1.5  0.5  1.0000\n  O   O2   1.0  0.5  0.5  0.5  1.0000\n");
  // ase.geometry.cellpar_to_cell([5.1, 6.3, 7.2, 81.5, 97.25, 103.75]) (ASE 3.22), in A.
  const double lattice[3][3] = {{5.1, 0.0, 0.0},
                                {-1.4974211216548898, 6.1194550398235465, 0.0},
                                {-0.9086325777779747, 0.8732851602427607, 7.088847569774676}};
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(s.cell.lattice[i][k] / units::angstrom, lattice[i][k], 1e-13);
  EXPECT_EQ(s.symbols, std::vector<std::string>({"O", "B", "Si", "O"}));
  const double f[4][3] = {{0.1, 0.2, 0.3}, {0.9, 0.0, 0.95}, {0.75, 0.5, 0.5}, {0.5, 0.5, 0.5}};  // wrapped
  for (int n = 0; n < 4; ++n)
    for (int k = 0; k < 3; ++k) {
      const double x = (f[n][0] * lattice[0][k] + f[n][1] * lattice[1][k] + f[n][2] * lattice[2][k]);
      EXPECT_NEAR(s.positions[n][k] / units::angstrom, x, 1e-12) << n << " " << k;
    }
  // No space group at all: P 1; angles absent: 90 degrees; element from the label.
  const core::Structure plain = read(dir, "plain.cif",
                                     "data_x\n_cell_length_a 3\n_cell_length_b 4\n_cell_length_c 5\nloop_\n"
                                     "_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                                     "Ba1 0 0 0\nO1a 0.5 0.5 0.5\n");
  EXPECT_EQ(plain.symbols, std::vector<std::string>({"Ba", "O"}));
  EXPECT_NEAR(plain.cell.volume / std::pow(units::angstrom, 3), 60, 1e-10);
  EXPECT_EQ(plain.cell.lattice[2][0], 0.0);
  EXPECT_EQ(plain.cell.lattice[2][1], 0.0);
}

TEST(IoCif, SpecialPositionsAndRepeatedSitesArePlacedOnce) {
  TempDir dir;
  // O2 at z = 0.8333 (four digits): its images 0.0006 A apart are one atom.
  expect_b2o3(read(dir, "short.cif", b2o3_cif("_symmetry_space_group_name_H-M 'P 31 2 1'", "0.8333")), 5e-5);
  // Rock salt: Na 4a and Cl 4b of Fm-3m, 192 operations each, 4 atoms each.
  const core::Structure nacl = read(dir, "nacl.cif",
                                    "data_NaCl\n_cell_length_a 5.64\n_cell_length_b 5.64\n_cell_length_c 5.64\n"
                                    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
                                    "_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_atom_site_label\n"
                                    "_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
                                    "_atom_site_fract_z\nNa1 Na+ 0 0 0\nCl1 Cl1- 0.5 0.5 0.5\n");
  EXPECT_EQ(nacl.symbols, std::vector<std::string>({"Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"}));
  EXPECT_NEAR(nacl.min_distance() / units::angstrom, 2.82, 1e-9);
  // The whole 15-atom cell listed together with its space group (and one site twice): still 15 atoms.
  std::string full = b2o3_cif("_symmetry_space_group_name_H-M 'P 31 2 1'");
  for (std::size_t n = 0; n < b2o3_cell.size(); ++n) {
    const auto& [el, f] = b2o3_cell[n];
    full += el + std::to_string(n + 10) + " " + el + " " + std::to_string(f[0]) + " " + std::to_string(f[1]) + " " +
            std::to_string(f[2]) + " 1\n";
  }
  full += "B99 B 1.397750 -0.766001 0.725400 1\n";
  expect_b2o3(read(dir, "full.cif", full));
}

TEST(IoCif, BadFilesAreRefusedWithMessagesNamingTheFile) {
  TempDir dir;
  auto message_for = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    const std::string m = error_of([&] { io::read_structure(dir.file(name)); });
    EXPECT_NE(m.find(dir.file(name)), std::string::npos) << m;  // every message names the file
    return m;
  };
  const std::string hm = "_symmetry_space_group_name_H-M 'P 31 2 1'";
  std::string cif = b2o3_cif(hm);
  std::string m =
      message_for("partial.cif", cif.replace(cif.find("0.151 0 0.833333333 1.00"), 24, "0.151 0 0.8333 0.5"));
  EXPECT_NE(m.find("site 'O2': _atom_site_occupancy is 0.5"), std::string::npos) << m;
  EXPECT_NE(m.find("fully occupied"), std::string::npos) << m;

  m = message_for("nocell.cif",
                  "data_x\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                  "_atom_site_fract_z\nB1 0 0 0\n");
  EXPECT_NE(m.find("no unit cell"), std::string::npos) << m;
  m = message_for("partcell.cif", "data_B2O3\n_cell_length_a 4.35062\n");  // the old "not read yet" corpus case
  EXPECT_NE(m.find("no unit cell"), std::string::npos) << m;
  m = message_for("nosites.cif", "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n");
  EXPECT_NE(m.find("no atom sites"), std::string::npos) << m;
  m = message_for("cartesian.cif",
                  "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\nloop_\n"
                  "_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\n"
                  "B1 0 0 0\n");
  EXPECT_NE(m.find("_atom_site_Cartn_x"), std::string::npos) << m;

  m = message_for("syntax.cif", "data_x\n_cell_length_a 4\nloop_\n_atom_site_label\n_atom_site_fract_x\nB1 0.1\nO1\n");
  EXPECT_NE(m.find("syntax.cif:3:1: Wrong number of values in the loop"), std::string::npos) << m;
  m = message_for("quote.cif", "data_x\n_cell_length_a '4\n");
  EXPECT_NE(m.find("quote.cif:2:"), std::string::npos) << m;
  m = message_for("garbage.cif", std::string("\x89PNG\r\n\x1a\n\0\0\xff", 11));
  EXPECT_NE(m.find("garbage.cif:1:"), std::string::npos) << m;

  cif = b2o3_cif(hm);
  m = message_for("element.cif", cif.replace(cif.find("B1 B "), 5, "B1 Xx "));
  EXPECT_NE(m.find("site 'B1': unknown element 'Xx'"), std::string::npos) << m;
  m = message_for("label.cif",
                  "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\nloop_\n"
                  "_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                  "Q1 0 0 0\n");
  EXPECT_NE(m.find("site 'Q1': no _atom_site_type_symbol"), std::string::npos) << m;
  cif = b2o3_cif(hm);
  m = message_for("coordinate.cif", cif.replace(cif.find("0.448799"), 8, "?"));
  EXPECT_NE(m.find("site 'O1': _atom_site_fract_x '?' is not a number"), std::string::npos) << m;

  m = message_for("group.cif", b2o3_cif("_symmetry_space_group_name_H-M 'P 42 2 7'"));
  EXPECT_NE(m.find("'P 42 2 7' is not a space group"), std::string::npos) << m;
  m = message_for("centring.cif",  // I-centred cell without its (1/2, 1/2, 1/2) translation... and a wrong one
                  b2o3_cif("loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'x+1/2, y+1/2, z'\n'-y,x-y,z+1/3'\n"));
  EXPECT_NE(m.find("do not form a group"), std::string::npos) << m;
  m = message_for("triplet.cif", b2o3_cif("loop_\n_symmetry_equiv_pos_as_xyz\n'x, y'\n"));
  EXPECT_NE(m.find("cannot read the symmetry operation 'x, y'"), std::string::npos) << m;
  m = message_for("angles.cif",
                  "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n_cell_angle_alpha 150\n"
                  "_cell_angle_beta 150\n_cell_angle_gamma 150\nloop_\n_atom_site_type_symbol\n"
                  "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nB 0 0 0\n");
  EXPECT_NE(m.find("make no cell"), std::string::npos) << m;

  cif = b2o3_cif(hm) + "Si1 Si 0.397750 0.233999 0.725400 1\n";  // on top of B1
  m = message_for("same.cif", cif);
  EXPECT_NE(m.find("site 'Si1' (Si) and site 'B1' (B) are on the same position"), std::string::npos) << m;
  m = message_for("digits.cif", b2o3_cif(hm, "0.81"));  // O2 off its 2-fold axis: images 0.39 A apart
  EXPECT_NE(m.find("site 'O2': two of its symmetry images are"), std::string::npos) << m;

  m = error_of([&] { io::read_structure(dir.file("missing.cif")); });
  EXPECT_NE(m.find("missing.cif: cannot open"), std::string::npos) << m;
}

TEST(IoCif, ContentWithoutATellingNameIsRecognised) {
  TempDir dir;
  std::ofstream(dir.file("structure.in")) << "# comment\n\n   # indented comment\nDATA_x\n_cell_length_a 4\n";
  EXPECT_EQ(io::structure_format(dir.file("structure.in")), io::StructureFormat::cif);
  std::ofstream(dir.file("other.in")) << "# comment\nloop_\n";
  const std::string m = error_of([&] { io::structure_format(dir.file("other.in")); });
  EXPECT_NE(m.find("CIF (*.cif)"), std::string::npos) << m;
  EXPECT_NE(m.find("ase.io.write"), std::string::npos) << m;
}
