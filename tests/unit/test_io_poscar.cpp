// Structure files other than extended XYZ: VASP POSCAR/CONTCAR (io/poscar.hpp) and the format detection of
// io/structure_file.hpp. A POSCAR of the same cell, written in Direct or Cartesian coordinates and with either
// kind of scale factor, gives the structure of its extended XYZ.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "core/units.hpp"
#include "io/extxyz.hpp"
#include "io/poscar.hpp"
#include "io/structure_file.hpp"
#include "md_io_test_helpers.hpp"

namespace {

using namespace megabar;
using namespace megabar::md_io_test;

// A triclinic cell with B and O in VASP order (grouped by element), as an extended XYZ and as POSCAR text.
const char* const kExtxyz =
    "5\nLattice=\"4.3 0.0 0.0 -2.1 3.9 0.0 0.3 -0.2 8.4\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n"
    "B 0.5 0.6 0.7\nB 2.1 1.9 4.4\nO 1.0 0.2 1.5\nO -0.4 3.1 6.2\nO 1.7 1.1 7.9\n";

// Fractional coordinates of kExtxyz's atoms (x = f L, solved here once).
std::string direct_lines(const core::Structure& s) {
  std::ostringstream out;
  out.precision(17);
  const core::Mat3& b = s.cell.reciprocal;  // a_i . b_j = 2 pi delta_ij
  for (const auto& p : s.positions) {
    for (int j = 0; j < 3; ++j)
      out << (j ? " " : "") << (b[j][0] * p[0] + b[j][1] * p[1] + b[j][2] * p[2]) / (2 * M_PI);
    out << " T T F\n";
  }
  return out.str();
}

std::string header(const std::string& scale, double lattice_factor = 1.0) {
  std::ostringstream out;
  out.precision(17);
  out << "B2O3 test cell\n" << scale << "\n";
  const double l[3][3] = {{4.3, 0.0, 0.0}, {-2.1, 3.9, 0.0}, {0.3, -0.2, 8.4}};
  for (auto& row : l)
    out << row[0] * lattice_factor << " " << row[1] * lattice_factor << " " << row[2] * lattice_factor << "\n";
  out << "B O\n2 3\n";
  return out.str();
}

void expect_same(const core::Structure& a, const core::Structure& b, double tol) {
  ASSERT_EQ(a.symbols, b.symbols);
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(a.cell.lattice[i][k], b.cell.lattice[i][k], tol);
  for (std::size_t n = 0; n < a.size(); ++n)
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(a.positions[n][k], b.positions[n][k], tol) << n << " " << k;
}

}  // namespace

TEST(IoPoscar, DirectCartesianAndVolumeScaleGiveTheExtxyzStructure) {
  TempDir dir;
  std::ofstream(dir.file("cell.extxyz")) << kExtxyz;
  const core::Structure ref = io::read_extxyz(dir.file("cell.extxyz"));

  std::ofstream(dir.file("POSCAR")) << header("1.0") << "Selective dynamics\nDirect\n" << direct_lines(ref);
  expect_same(io::read_structure(dir.file("POSCAR")), ref, 1e-12);

  std::ostringstream cart;  // Cartesian, lattice and positions halved and a scale factor of 2
  cart.precision(17);
  cart << header("2.0", 0.5) << "cartesian\n";
  for (const auto& p : ref.positions)
    cart << p[0] / units::angstrom / 2 << " " << p[1] / units::angstrom / 2 << " " << p[2] / units::angstrom / 2
         << "\n";
  std::ofstream(dir.file("cell.vasp")) << cart.str();
  expect_same(io::read_structure(dir.file("cell.vasp")), ref, 1e-12);

  // A negative scale is the volume in A^3: the lattice written 10 % too large comes back to its volume.
  std::ofstream(dir.file("CONTCAR")) << header("-" + std::to_string(ref.cell.volume / std::pow(units::angstrom, 3)),
                                               1.1)
                                     << "Direct\n"
                                     << direct_lines(ref);
  expect_same(io::read_structure(dir.file("CONTCAR")), ref, 1e-9);

  // Without a telling name, the content decides.
  std::ofstream(dir.file("structure.in")) << header("1.0") << "Direct\n" << direct_lines(ref);
  EXPECT_EQ(io::structure_format(dir.file("structure.in")), io::StructureFormat::poscar);
  std::ofstream(dir.file("structure.dat")) << kExtxyz;
  EXPECT_EQ(io::structure_format(dir.file("structure.dat")), io::StructureFormat::extxyz);
}

TEST(IoPoscar, BadFilesNameTheLineAndUnknownFormatsListTheSupportedOnes) {
  TempDir dir;
  const std::string path = dir.file("POSCAR");
  auto message_for = [&](const std::string& text) {
    std::ofstream(path) << text;
    return error_of([&] { io::read_structure(path); });
  };
  const std::string body = "Direct\n0 0 0\n0.5 0.5 0.5\n0.1 0.2 0.3\n0.4 0.1 0.9\n0.7 0.7 0.2\n";
  std::string m = message_for("vasp4\n1.0\n4 0 0\n0 4 0\n0 0 4\n2 3\n" + body);
  EXPECT_NE(m.find("POSCAR:6:"), std::string::npos) << m;
  EXPECT_NE(m.find("VASP 4"), std::string::npos) << m;
  m = message_for("x\n1.0\n4 0 0\n0 4 0\n0 0 4\nB O\n2\n" + body);
  EXPECT_NE(m.find("POSCAR:7: expected 2 counts"), std::string::npos) << m;
  m = message_for("x\n1.0\n4 0 0\n0 4 0\n0 0 4\nB Xx\n2 3\n" + body);
  EXPECT_NE(m.find("unknown element symbol 'Xx'"), std::string::npos) << m;
  m = message_for("x\n1.0\n4 0 0\n0 4 0\n0 0 4\nB O\n2 3\nDirect\n0 0 0\n0.5 0.5\n");
  EXPECT_NE(m.find("POSCAR:10: expected 3 coordinates"), std::string::npos) << m;
  m = message_for("x\n1.0\n4 0 0\n0 4 0\n0 0 4\nB O\n2 3\nDirect\n0 0 0\n0.5 0.5 0.5\n");
  EXPECT_NE(m.find("POSCAR:11: the file ends here; expected the position of atom 3 of 5"), std::string::npos) << m;
  m = message_for("x\n1.0\n4 0 0\n0 4 0\n0 0 nan\nB O\n2 3\n" + body);
  EXPECT_NE(m.find("POSCAR:5:"), std::string::npos) << m;
  m = message_for("x\n1.0\n4 0 0\n8 0 0\n0 0 4\nB O\n2 3\n" + body);
  EXPECT_NE(m.find("POSCAR:5:"), std::string::npos) << m;  // linearly dependent lattice

  std::ofstream(dir.file("cell.pdb")) << "CRYST1    4.300    4.300    8.400  90.00  90.00 120.00 P 1\n";
  m = error_of([&] { io::read_structure(dir.file("cell.pdb")); });
  EXPECT_NE(m.find("not a structure format megabar knows"), std::string::npos) << m;
  EXPECT_NE(m.find("POSCAR/CONTCAR"), std::string::npos) << m;
  EXPECT_NE(m.find("ase.io.write"), std::string::npos) << m;  // CIF files: tests/unit/test_io_cif.cpp
}
