#include "dft/species.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace megabar::dft {

int Species::lmax() const {
  if (gth) return gth->lmax();
  return nc->lmax();
}

int Species::projectors_per_atom() const {
  if (gth) return gth->projectors_per_atom();
  return nc->projectors_per_atom();
}

const NcFormFactors& Species::form_factors(double qmax) const {
  if (!nc) throw std::logic_error("Species::form_factors: " + source + " is not a numerical pseudopotential");
  std::lock_guard<std::mutex> lock(cache_->mutex);
  if (!cache_->tables || cache_->tables->local_sr.qmax() < qmax)
    cache_->tables = std::make_shared<const NcFormFactors>(tabulate_form_factors(*nc, 1.2 * qmax + 1.0));
  return *cache_->tables;
}

Species read_species(const std::string& path, const std::string& element, const std::string& name) {
  Species s;
  s.element = element;
  s.source = path;
  if (is_nc_pseudo_file(path)) {
    auto pp = std::make_shared<NcPseudo>(read_nc_pseudo(path));
    if (!pp->element.empty() && pp->element != element)
      throw std::invalid_argument(path + ": the pseudopotential is for element '" + pp->element +
                                  "', but it is given for '" + element + "'");
    s.zion = pp->zion;
    s.xc = pp->xc;
    s.name = (pp->format == "psp8" ? std::string("psp8") : std::string("UPF v2")) + " (" + pp->xc_label + ")";
    s.nc = std::move(pp);
  } else {
    auto pp = std::make_shared<GthPseudopotential>(read_gth(path, element, name));
    s.zion = pp->zion;
    s.name = pp->name;
    s.gth = std::move(pp);
  }
  return s;
}

}  // namespace megabar::dft
