// dft.xc against the pseudopotential files (app/input.cpp, docs/input.md): taken from psp8/UPF files when
// omitted, PBE when no file names one (GTH), and refused with the files named when an explicit dft.xc
// disagrees with a file or the files disagree with each other.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "app/input.hpp"
#include "input_error.hpp"
#include "dft/pseudo_nc.hpp"

namespace {

namespace fs = std::filesystem;
using megabar::app::read_input;

std::string dojo() { return megabar::dft::pseudodojo_dir(MEGABAR_PSEUDODOJO_DIR_DEFAULT); }

std::string write_input(const std::string& name, const std::string& b_file, const std::string& o_file,
                        const std::string& xc_line) {
  const fs::path dir = fs::temp_directory_path() / (std::string("megabar-test-xc-input-") +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir);
  std::ofstream out(dir / name);
  out << "task = \"scf\"\n[structure]\nfile = \"" << MEGABAR_SOURCE_DIR << "/inputs/b2o3-I/cell.extxyz\"\n"
      << "[dft]\necut = \"25 Ry\"\n"
      << xc_line << "[dft.pseudopotentials]\nB = \"" << b_file << "\"\nO = \"" << o_file << "\"\n";
  return (dir / name).string();
}

std::string error_of(const std::string& path) { return megabar::test::input_error(path); }

const std::string kGth = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";

TEST(XcInput, TakenFromPsp8FilesWhenOmitted) {
  ASSERT_FALSE(dojo().empty()) << "abinit-data's PseudoDojo folder not found (scripts/setup installs it)";
  EXPECT_EQ(read_input(write_input("a.toml", dojo() + "/B.psp8", dojo() + "/O.psp8", "")).scf.xc, "LDA-PW92");
  EXPECT_EQ(read_input(write_input("b.toml", dojo() + "/B.psp8", dojo() + "/O.psp8", "xc = \"LDA-PW92\"\n")).scf.xc,
            "LDA-PW92");
}

TEST(XcInput, TheOncvExampleInputReadsWithTheFilesFunctional) {
  ASSERT_FALSE(dojo().empty());
  const auto in = read_input(std::string(MEGABAR_SOURCE_DIR) + "/inputs/b2o3-I/scf-oncv.toml");
  EXPECT_EQ(in.scf.xc, "LDA-PW92");
  EXPECT_EQ(in.pseudopotentials.size(), 2u);
}

TEST(XcInput, GthFilesNameNoneSoTheDefaultStaysPbe) {
  EXPECT_EQ(read_input(write_input("c.toml", kGth + "B-GTH-PBE.gth", kGth + "O-GTH-PBE.gth", "")).scf.xc, "PBE");
  EXPECT_EQ(
      read_input(write_input("d.toml", kGth + "B-GTH-PADE.gth", kGth + "O-GTH-PADE.gth", "xc = \"LDA\"\n")).scf.xc,
      "LDA");
}

TEST(XcInput, AnExplicitFunctionalThatDisagreesWithAFileIsRefused) {
  ASSERT_FALSE(dojo().empty());
  const std::string e = error_of(write_input("e.toml", dojo() + "/B.psp8", dojo() + "/O.psp8", "xc = \"PBE\"\n"));
  EXPECT_NE(e.find("dft.xc"), std::string::npos) << e;
  EXPECT_NE(e.find("B.psp8"), std::string::npos) << e;
  EXPECT_NE(e.find("LDA-PW92"), std::string::npos) << e;
  EXPECT_NE(e.find("e.toml:"), std::string::npos) << e;  // file and line
}

TEST(XcInput, FilesMadeWithDifferentFunctionalsAreRefused) {
  ASSERT_FALSE(dojo().empty());
  // scripts/psp8-to-upf needs numpy: scripts/setup installs python3-numpy (CI has it); a bare GPU machine may not.
  if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 without numpy on this machine: scripts/psp8-to-upf cannot run";
  // A UPF copy of O.psp8 that claims PBE.
  const fs::path dir = fs::temp_directory_path() / (std::string("megabar-test-xc-input-") +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir);
  const std::string upf = (dir / "O-pbe.upf").string();
  const std::string cmd = "/usr/bin/python3 " + std::string(MEGABAR_SOURCE_DIR) + "/scripts/psp8-to-upf " + dojo() +
                          "/O.psp8 " + upf + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string text;
  {
    std::ifstream in(upf);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto at = text.find("functional=\"");
  ASSERT_NE(at, std::string::npos);
  const auto end = text.find('"', at + 12);
  text.replace(at + 12, end - (at + 12), "PBE");
  std::ofstream(upf) << text;
  const std::string e = error_of(write_input("f.toml", dojo() + "/B.psp8", upf, ""));
  EXPECT_NE(e.find("different functionals"), std::string::npos) << e;
  EXPECT_NE(e.find("O-pbe.upf"), std::string::npos) << e;
}

}  // namespace
