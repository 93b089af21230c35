// A flat, named bag of numbers: how md/ states (integrator, thermostat, barostat, RNG) and force providers
// (e.g. the SCF extrapolation history) are saved in and restored from a checkpoint, bit for bit. The
// checkpoint writer stores each entry as its own dataset, so a new variable needs no format change.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace megabar::md {

struct StateArrays {
  std::map<std::string, std::vector<double>> reals;
  std::map<std::string, std::vector<std::uint64_t>> words;  // counters, RNG state, flags
  std::map<std::string, std::string> texts;                 // e.g. ensemble name, for checks on restart

  const std::vector<double>& real(const std::string& key) const {
    auto it = reals.find(key);
    if (it == reals.end()) throw std::runtime_error("checkpoint: missing real array '" + key + "'");
    return it->second;
  }
  const std::vector<std::uint64_t>& word(const std::string& key) const {
    auto it = words.find(key);
    if (it == words.end()) throw std::runtime_error("checkpoint: missing integer array '" + key + "'");
    return it->second;
  }
  const std::string& text(const std::string& key) const {
    auto it = texts.find(key);
    if (it == texts.end()) throw std::runtime_error("checkpoint: missing text '" + key + "'");
    return it->second;
  }
};

}  // namespace megabar::md
