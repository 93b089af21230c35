// `megabar campaign FILE.toml`: runs a campaign's stages in order (app/campaign_input.hpp), skipping the
// finished ones and continuing an interrupted one from its checkpoint.
#pragma once
#include <string>

namespace megabar::app {

struct CampaignOptions {
  std::string only_stage;  // run just this stage (the previous ones must be finished); "" = all
  bool list = false;       // print the stages and their state, run nothing
};

// Returns the process exit status (that of the first stage that did not finish, else 0).
int run_campaign(const std::string& path, const CampaignOptions& options);

}  // namespace megabar::app
