#include "md/md_options.hpp"

#include <stdexcept>

namespace megabar::md {

std::string ensemble_name(const MdOptions& o) {
  if (o.ensemble == MdOptions::Ensemble::nve) return "nve";
  std::string name = o.ensemble == MdOptions::Ensemble::nvt ? "nvt" : "npt";
  name += o.thermostat == MdOptions::Thermostat::csvr ? "-csvr" : "-nose-hoover";
  if (o.ensemble == MdOptions::Ensemble::npt)
    name += o.cell_mode == MdOptions::CellMode::isotropic ? "-isotropic" : "-full";
  return name;
}

void validate(const MdOptions& o) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("md options: " + what);
  };
  require(o.timestep > 0, "timestep must be > 0");
  if (o.ensemble == MdOptions::Ensemble::nve) return;
  require(o.temperature > 0, "temperature must be > 0 K for nvt and npt");
  require(o.thermostat_time > 0, "thermostat_time must be > 0");
  if (o.thermostat == MdOptions::Thermostat::nose_hoover) {
    require(o.chain_length >= 1, "chain_length must be >= 1");
    require(o.chain_substeps >= 1, "chain_substeps must be >= 1");
    require(o.suzuki_yoshida_order == 1 || o.suzuki_yoshida_order == 3 || o.suzuki_yoshida_order == 5,
            "suzuki_yoshida_order must be 1, 3 or 5");
  }
  if (o.ensemble == MdOptions::Ensemble::npt) require(o.barostat_time > 0, "barostat_time must be > 0");
}

}  // namespace megabar::md
