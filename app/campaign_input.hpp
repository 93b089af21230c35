// Campaign files: a list of MD stages (melt, quench, compress step by step, anneal, sample), each
// starting from the previous stage's final state. Every stage is an ordinary `task = "md"` input, made
// from the campaign's base input with the stage's [md] keys in place of the base's, written to
// DIRECTORY/NN-NAME/stage.toml. Kokkos-free (toml++ is compiled by the host compiler only).
#pragma once
#include <string>
#include <vector>

namespace megabar::app {

struct CampaignStage {
  std::string name;
  std::string directory;   // absolute: campaign directory / NN-name
  std::string input_text;  // the stage's run input (TOML), paths absolute
  std::string structure;   // the structure file it starts from (absolute; a later stage's: the previous final.extxyz)
  // The same input with the base input's structure file in place of the previous stage's final.extxyz (which
  // does not exist before that stage has run) and without "structure" velocities: what check_campaign reads
  // to validate every key and value of the stage before the campaign starts.
  std::string check_text;
  long steps = 0;  // md.steps of the stage's input (0 when not an integer: check_campaign says why)
};

struct Campaign {
  std::string path;       // the campaign file
  std::string directory;  // absolute
  std::vector<CampaignStage> stages;
};

// Parses and validates the campaign file and its base input (errors name the file, key and line).
// The first stage starts from the base input's structure (Maxwell-Boltzmann velocities unless its [md]
// says otherwise); every later one from the previous stage's final.extxyz with its velocities.
Campaign read_campaign(const std::string& path);

// Reads every stage's check_text as a run input (app/input.hpp: keys, units, values, files), so that a
// mistake in stage 5 is found before stage 1 runs. Throws std::invalid_argument naming the campaign file and
// the stage. Kokkos-free, like read_campaign.
void check_campaign(const Campaign& campaign);

}  // namespace megabar::app
