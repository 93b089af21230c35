// Campaign files (app/campaign_input.hpp, docs/input.md "Campaign files"): a stage's [stage.pdos] keys replace
// or add to the base input's [pdos] in that stage only, so the projected DOS (and its empty bands) can be
// limited to the sampling stages; stage tables that are not tables, and unknown stage keys, are refused
// with the campaign file's name before anything runs; check_campaign reads every stage's generated input, so
// that a mistake in a late stage is found before the first runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "app/campaign_input.hpp"
#include "app/input.hpp"

namespace {

namespace fs = std::filesystem;
using megabar::app::read_campaign;

// One folder per test: ctest runs the tests of this suite as parallel processes, and one test rewriting a
// shared base.toml while another read it made the reader see a truncated file (a CI run failed that way).
fs::path folder() {
  const fs::path dir = fs::temp_directory_path() / (std::string("megabar-test-campaign-stage-tables-") +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir);
  const std::string pp = std::string(MEGABAR_SOURCE_DIR) + "/inputs/pseudopotentials/";
  std::ofstream(dir / "base.toml")
      << "task = \"md\"\n[structure]\nfile = \"" << MEGABAR_SOURCE_DIR
      << "/inputs/b2o3-I/cell.extxyz\"\n[dft]\necut = \"20 Ry\"\nxc = \"PBE\"\n"
      << "[dft.pseudopotentials]\nB = \"" << pp << "B-GTH-PBE.gth\"\nO = \"" << pp
      << "O-GTH-PBE.gth\"\n[md]\nensemble = \"nvt\"\ntemperature = \"300 K\"\ntimestep = \"1 fs\"\nsteps = 4\n";
  return dir;
}

std::string campaign(const std::string& name, const std::string& stages) {
  const fs::path dir = folder();
  std::ofstream(dir / name) << "[campaign]\ninput = \"base.toml\"\n" << stages;
  return (dir / name).string();
}

std::string error_of(const std::string& path) {
  try {
    read_campaign(path);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CampaignStageTables, PdosOnlyInTheStagesThatAskForIt) {
  const auto c = read_campaign(campaign("pdos.toml",
                                        "[[stage]]\nname = \"quench\"\n"
                                        "[[stage]]\nname = \"sample\"\n[stage.md]\npdos_every = 2\n"
                                        "[stage.pdos]\nempty_bands = 8\nbroadening = \"0.1 eV\"\n"));
  ASSERT_EQ(c.stages.size(), 2u);
  EXPECT_EQ(c.stages[0].input_text.find("[pdos]"), std::string::npos);
  ASSERT_NE(c.stages[1].input_text.find("[pdos]"), std::string::npos);
  // The stage input reads as a run input with the stage's PDOS settings.
  const fs::path stage = folder() / "sample-stage.toml";
  std::ofstream(stage) << c.stages[1].input_text;
  const auto in = megabar::app::read_input(stage.string());
  ASSERT_TRUE(in.pdos.has_value());
  EXPECT_EQ(in.pdos->empty_bands, 8);
  EXPECT_EQ(in.scf.extra_bands, 8);
  EXPECT_EQ(in.md.pdos_every, 2);
}

TEST(CampaignStageTables, StageKeysAndTablesAreChecked) {
  auto e = error_of(campaign("bad1.toml", "[[stage]]\nname = \"a\"\nmd = 5\n"));
  EXPECT_NE(e.find("bad1.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("'stage.md' must be a table"), std::string::npos) << e;
  e = error_of(campaign("bad2.toml", "[[stage]]\nname = \"a\"\npdos = \"yes\"\n"));
  EXPECT_NE(e.find("'stage.pdos' must be a table"), std::string::npos) << e;
  e = error_of(campaign("bad3.toml", "[[stage]]\nname = \"a\"\n[stage.dft]\necut = \"30 Ry\"\n"));
  EXPECT_NE(e.find("unknown key 'stage.dft'; allowed here: name, md, pdos"), std::string::npos) << e;
}

TEST(CampaignStageTables, EveryStageIsCheckedBeforeAnyRuns) {
  const auto good = read_campaign(campaign("good.toml",
                                           "[[stage]]\nname = \"a\"\n[[stage]]\nname = \"b\"\n"
                                           "[stage.md]\ntemperature = \"600 K\"\n"));
  EXPECT_NO_THROW(megabar::app::check_campaign(good));
  const auto bad = read_campaign(campaign("late.toml",
                                          "[[stage]]\nname = \"a\"\n[[stage]]\nname = \"b\"\n"
                                          "[[stage]]\nname = \"c\"\n[stage.md]\ntemprature = \"600 K\"\n"));
  std::string e;
  try {
    megabar::app::check_campaign(bad);
  } catch (const std::invalid_argument& x) {
    e = x.what();
  }
  EXPECT_NE(e.find("late.toml: stage 3 'c'"), std::string::npos) << e;
  EXPECT_NE(e.find("md.temprature"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(folder() / "late")) << "nothing may be created";
  const auto bad_value = read_campaign(campaign("value.toml",
                                                "[[stage]]\nname = \"a\"\n[[stage]]\nname = \"b\"\n"
                                                "[stage.md]\ntimestep = \"1 K\"\n"));
  EXPECT_THROW(megabar::app::check_campaign(bad_value), std::invalid_argument);
}

}  // namespace
