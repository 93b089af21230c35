#include "app/input.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "core/units.hpp"
#include "dft/pseudo_nc.hpp"
#include "dft/scf_control.hpp"

namespace megabar::app {

namespace fs = std::filesystem;
using units::Dimension;

namespace {

struct Ctx {
  std::string file;
  [[noreturn]] void fail(const std::string& key, const toml::source_region& where, const std::string& what) const {
    std::string loc = file;
    if (where.begin.line > 0) loc += ":" + std::to_string(where.begin.line);
    throw std::invalid_argument(loc + ": key '" + key + "': " + what);
  }
  [[noreturn]] void fail(const std::string& what) const { throw std::invalid_argument(file + ": " + what); }
};

// What megabar does instead of a feature other codes have, for keys that users of QE, VASP, CP2K or ABINIT
// write out of habit (empty: no hint).
std::string hint_for_other_codes_key(std::string key) {
  for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto any = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (key == n) return true;
    return false;
  };
  if (any({"kpoints", "k_points", "kpts", "kgrid", "k_grid", "kpoint_grid", "ngkpt", "kspacing", "monkhorst_pack"}))
    return " (megabar samples the Brillouin zone at the Gamma point only: use a supercell large enough for "
           "that, as for liquids and glasses)";
  if (any({"smearing", "occupations", "degauss", "ismear", "sigma", "electronic_temperature", "occopt", "tsmear"}))
    return " (megabar has fixed occupations for insulators: every band below the gap doubly occupied, no "
           "smearing; empty bands for the PDOS come from dft.extra_bands)";
  if (any({"nspin", "spin", "ispin", "lsda", "spin_polarized", "magnetization", "starting_magnetization", "magmom",
           "nsppol", "tot_magnetization"}))
    return " (megabar is spin-unpolarised: closed-shell Kohn-Sham, no magnetic moments)";
  return "";
}

void check_keys(const Ctx& c, const toml::table& t, const std::string& prefix, const std::set<std::string>& allowed) {
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (!allowed.count(key)) {
      std::string list;
      for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      c.fail(prefix + key, v.source(), "unknown key" + hint_for_other_codes_key(key) + "; allowed here: " + list);
    }
  }
}

const toml::table* table_at(const Ctx& c, const toml::table& t, const std::string& key, bool required) {
  auto node = t.get(key);
  if (!node) {
    if (required) c.fail("missing required table [" + key + "]");
    return nullptr;
  }
  if (!node->is_table()) c.fail(key, node->source(), "expected a table");
  return node->as_table();
}

std::string get_string(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full,
                       const std::optional<std::string>& fallback = std::nullopt) {
  auto node = t.get(key);
  if (!node) {
    if (fallback) return *fallback;
    c.fail("missing required key '" + full + "'");
  }
  if (!node->is_string()) c.fail(full, node->source(), "expected a string");
  const std::string& value = node->as_string()->get();
  // No key of megabar's means anything by an empty string; "" is usually a value left out by a script.
  if (value.empty()) c.fail(full, node->source(), "is empty: give a value or omit the key (docs/input.md)");
  return value;
}

double get_quantity(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full, Dimension dim,
                    std::optional<double> fallback = std::nullopt) {
  auto node = t.get(key);
  if (!node) {
    if (fallback) return *fallback;
    c.fail("missing required key '" + full + "'");
  }
  if (!node->is_string())
    c.fail(full, node->source(),
           std::string("expected ") + units::dimension_name(dim) + " with its unit as a string, e.g. " +
               units::dimension_example(dim));
  try {
    return units::parse_quantity(node->as_string()->get(), dim, full);
  } catch (const std::invalid_argument& e) {
    c.fail(full, node->source(), e.what());
  }
}

// Barostat and relaxation targets: beyond a few thousand GPa no B2O3-like solid holds its electrons in a
// plane-wave cell of sensible size, and the SCF or the cell update fails with messages that do not point here.
void check_pressure_range(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full,
                          double pressure) {
  const double gpa = pressure * units::ha_per_bohr3_in_gpa;
  if (gpa < -500.0 || gpa > 5000.0)
    c.fail(full, t.get(key)->source(),
           "target " + std::to_string(gpa) + " GPa outside -500 ... 5000 GPa (5000 GPa = 50 Mbar, far beyond the " +
               "compressions megabar is checked for); is the unit right?");
}

// Temperatures: Born-Oppenheimer MD on the ground-state surface means little beyond ~1e5 K (k_B T ~ 10 eV,
// electrons excited across any gap); 1e6 K leaves room and still catches a unit or exponent mistake.
void check_temperature_range(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full,
                             double kelvin) {
  if (kelvin > 1e6)
    c.fail(full, t.get(key)->source(),
           std::to_string(kelvin) +
               " K is above 1e6 K, far beyond what ground-state (Born-Oppenheimer) MD "
               "describes; is the unit or exponent right?");
}

long get_int(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full, long fallback,
             long lo, long hi) {
  auto node = t.get(key);
  if (!node) return fallback;
  if (!node->is_integer()) c.fail(full, node->source(), "expected an integer");
  const long v = node->as_integer()->get();
  if (v < lo || v > hi)
    c.fail(full, node->source(), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

double get_number(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full, double fallback,
                  double lo, double hi) {
  auto node = t.get(key);
  if (!node) return fallback;
  double v;
  if (node->is_floating_point())
    v = node->as_floating_point()->get();
  else if (node->is_integer())
    v = static_cast<double>(node->as_integer()->get());
  else
    c.fail(full, node->source(), "expected a number");
  if (!(v >= lo && v <= hi))
    c.fail(full, node->source(), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

std::string resolve(const std::string& base_dir, const std::string& p) {
  fs::path q(p);
  return q.is_absolute() ? q.string() : (fs::path(base_dir) / q).lexically_normal().string();
}

// dft.xc against the functionals the pseudopotential files name (psp8 pspxc, UPF `functional`; GTH files
// name none). Given: every file that names one must agree. Omitted: the files' common functional, or
// PBE when no file names one (GTH). Files that name different ones, or a numerical file whose functional
// megabar does not know while dft.xc is omitted, are refused.
void choose_functional(const Ctx& c, const toml::table& d, RunInput& in) {
  std::string from_files, first_file;
  for (const auto& [el, spec] : in.pseudopotentials) {
    if (!dft::is_nc_pseudo_file(spec.file)) continue;
    dft::NcPseudo pp;
    try {
      pp = dft::read_nc_pseudo(spec.file);
    } catch (const std::exception& e) {
      c.fail("dft.pseudopotentials." + el, d.get("pseudopotentials")->source(), e.what());
    }
    if (pp.xc.empty()) {
      if (in.scf.xc.empty())
        c.fail("dft.xc", d.source(),
               spec.file + " names the functional '" + pp.xc_label +
                   "', which megabar does not implement; set dft.xc to choose one explicitly");
      continue;
    }
    if (!in.scf.xc.empty() && pp.xc != in.scf.xc)
      c.fail("dft.xc", d.get("xc")->source(),
             "'" + in.scf.xc + "' disagrees with " + spec.file + ", made with " + pp.xc + " ('" + pp.xc_label +
                 "'); omit dft.xc to use the files' functional");
    if (from_files.empty()) {
      from_files = pp.xc;
      first_file = spec.file;
    } else if (pp.xc != from_files) {
      c.fail("dft.pseudopotentials", d.get("pseudopotentials")->source(),
             "the files were made with different functionals: " + first_file + " with " + from_files + ", " +
                 spec.file + " with " + pp.xc);
    }
  }
  if (in.scf.xc.empty()) in.scf.xc = from_files.empty() ? std::string("PBE") : from_files;
}

void fail_unless_one_of(const Ctx& c, const toml::table& t, const std::string& key, const std::string& value,
                        const std::set<std::string>& allowed) {
  if (allowed.count(value)) return;
  std::string list;
  for (auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  c.fail("md." + key, t.get(key)->source(), "unknown value '" + value + "'; expected one of " + list);
}

void read_md(const Ctx& c, const toml::table& m, MdInput& md) {
  check_keys(c, m, "md.",
             {"ensemble", "timestep", "steps", "initial_velocities", "initial_temperature", "temperature", "thermostat",
              "thermostat_time", "chain_length", "pressure", "barostat_time", "cell", "seed", "trajectory_every",
              "checkpoint_every", "extrapolation_order", "masses", "pdos_every"});
  md.ensemble = get_string(c, m, "ensemble", "md.ensemble", md.ensemble);
  fail_unless_one_of(c, m, "ensemble", md.ensemble, {"nve", "nvt", "npt"});
  md.timestep = get_quantity(c, m, "timestep", "md.timestep", Dimension::time);
  if (!(md.timestep > 0)) c.fail("md.timestep", m.get("timestep")->source(), "must be positive");
  if (md.timestep > 10 * units::femtosecond)
    c.fail("md.timestep", m.get("timestep")->source(), "larger than 10 fs: surely a unit mistake (typical: 0.5-1 fs)");
  if (!m.get("steps")) c.fail("missing required key 'md.steps'");
  md.steps = get_int(c, m, "steps", "md.steps", 0, 0, 1L << 40);
  md.initial_velocities = get_string(c, m, "initial_velocities", "md.initial_velocities", md.initial_velocities);
  fail_unless_one_of(c, m, "initial_velocities", md.initial_velocities, {"maxwell-boltzmann", "structure"});
  const bool thermostatted = md.ensemble != "nve";
  md.temperature = get_quantity(c, m, "temperature", "md.temperature", Dimension::temperature, -1.0);
  if (thermostatted && !m.get("temperature"))
    c.fail("missing required key 'md.temperature' (the thermostat target of ensemble \"" + md.ensemble + "\")");
  if (thermostatted && !(md.temperature > 0))
    c.fail("md.temperature", m.get("temperature")->source(), "must be positive");
  if (thermostatted) check_temperature_range(c, m, "temperature", "md.temperature", md.temperature);
  if (!thermostatted && m.get("temperature"))
    c.fail("md.temperature", m.get("temperature")->source(),
           "is the thermostat target: not used with ensemble = \"nve\" (use initial_temperature)");
  if (md.initial_velocities == "maxwell-boltzmann") {
    const double fallback = thermostatted ? md.temperature : -1.0;
    md.initial_temperature =
        get_quantity(c, m, "initial_temperature", "md.initial_temperature", Dimension::temperature, fallback);
    if (md.initial_temperature < 0)
      c.fail(m.get("initial_temperature")
                 ? "md.initial_temperature: must not be negative"
                 : "missing required key 'md.initial_temperature' (Maxwell-Boltzmann start of an NVE run)");
    if (m.get("initial_temperature"))
      check_temperature_range(c, m, "initial_temperature", "md.initial_temperature", md.initial_temperature);
  } else if (m.get("initial_temperature")) {
    c.fail("md.initial_temperature", m.get("initial_temperature")->source(),
           "not used with initial_velocities = \"structure\"");
  }
  md.thermostat = get_string(c, m, "thermostat", "md.thermostat", md.thermostat);
  fail_unless_one_of(c, m, "thermostat", md.thermostat, {"csvr", "nose-hoover"});
  md.thermostat_time =
      get_quantity(c, m, "thermostat_time", "md.thermostat_time", Dimension::time, 100 * units::femtosecond);
  md.chain_length = static_cast<int>(get_int(c, m, "chain_length", "md.chain_length", 3, 1, 20));
  md.barostat_time = get_quantity(c, m, "barostat_time", "md.barostat_time", Dimension::time, 500 * units::femtosecond);
  for (const char* key : {"thermostat_time", "barostat_time"})
    if (auto n = m.get(key);
        n && !((std::string(key) == "thermostat_time" ? md.thermostat_time : md.barostat_time) > 0))
      c.fail(std::string("md.") + key, n->source(), "must be positive");
  if (md.ensemble == "npt" && !m.get("pressure")) c.fail("missing required key 'md.pressure' (ensemble = \"npt\")");
  if (md.ensemble != "npt" && m.get("pressure"))
    c.fail("md.pressure", m.get("pressure")->source(), "only used with ensemble = \"npt\"");
  md.pressure = get_quantity(c, m, "pressure", "md.pressure", Dimension::pressure, 0.0);
  check_pressure_range(c, m, "pressure", "md.pressure", md.pressure);
  md.cell = get_string(c, m, "cell", "md.cell", md.cell);
  fail_unless_one_of(c, m, "cell", md.cell, {"isotropic", "full"});
  md.seed = static_cast<unsigned long>(get_int(c, m, "seed", "md.seed", 7, 0, 1L << 62));
  md.trajectory_every = get_int(c, m, "trajectory_every", "md.trajectory_every", 1, 1, 1L << 40);
  md.checkpoint_every = get_int(c, m, "checkpoint_every", "md.checkpoint_every", 10, 1, 1L << 40);
  md.pdos_every = get_int(c, m, "pdos_every", "md.pdos_every", 0, 0, 1L << 40);
  if (md.pdos_every > 0 && md.pdos_every % md.trajectory_every != 0)
    c.fail("md.pdos_every", m.get("pdos_every")->source(),
           "must be a multiple of md.trajectory_every (" + std::to_string(md.trajectory_every) +
               "): the analysis takes each PDOS snapshot's positions from the trajectory frame of the same step");
  md.extrapolation_order = static_cast<int>(get_int(c, m, "extrapolation_order", "md.extrapolation_order", 3, -1, 8));
  if (const auto* ms = table_at(c, m, "masses", false)) {
    for (auto&& [k, v] : *ms) {
      const std::string el(k.str()), full = "md.masses." + el;
      if (!v.is_string()) c.fail(full, v.source(), "expected a mass with its unit, e.g. \"10.81 amu\"");
      std::istringstream text(v.as_string()->get());
      double value = 0;
      std::string unit, extra;
      if (!(text >> value >> unit) || (text >> extra) || unit != "amu" || !(value > 0))
        c.fail(full, v.source(), "expected a positive mass in amu, e.g. \"10.81 amu\"");
      md.masses[el] = value;
    }
  }
}

void read_pdos(const Ctx& c, const toml::table& p, PdosInput& pd) {
  check_keys(c, p, "pdos.", {"empty_bands", "broadening", "energy_step", "energy_min", "energy_max", "ec_window"});
  if (!p.get("empty_bands"))
    c.fail("missing required key 'pdos.empty_bands' (converged empty bands for the PDOS, e.g. 24)");
  pd.empty_bands = static_cast<int>(get_int(c, p, "empty_bands", "pdos.empty_bands", 0, 1, 100000));
  pd.broadening = get_quantity(c, p, "broadening", "pdos.broadening", Dimension::energy, 0.2 * units::ev);
  pd.energy_step = get_quantity(c, p, "energy_step", "pdos.energy_step", Dimension::energy, 0.01 * units::ev);
  pd.ec_window = get_quantity(c, p, "ec_window", "pdos.ec_window", Dimension::energy, 10.0 * units::ev);
  for (const char* key : {"broadening", "energy_step", "ec_window"}) {
    const double v = std::string(key) == "broadening"    ? pd.broadening
                     : std::string(key) == "energy_step" ? pd.energy_step
                                                         : pd.ec_window;
    if (auto n = p.get(key); n && !(v > 0)) c.fail(std::string("pdos.") + key, n->source(), "must be positive");
  }
  if (p.get("energy_min")) pd.energy_min = get_quantity(c, p, "energy_min", "pdos.energy_min", Dimension::energy);
  if (p.get("energy_max")) pd.energy_max = get_quantity(c, p, "energy_max", "pdos.energy_max", Dimension::energy);
  if (p.get("energy_min") && p.get("energy_max") && !(pd.energy_max > pd.energy_min))
    c.fail("pdos.energy_max", p.get("energy_max")->source(), "must be above pdos.energy_min");
}

}  // namespace

RunInput read_input(const std::string& path) {
  Ctx c{path};
  if (!fs::is_regular_file(path))
    throw std::invalid_argument("input file '" + path + "' does not exist or is not a file");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(path + ":" + std::to_string(e.source().begin.line) +
                                ": malformed TOML: " + std::string(e.description()));
  }
  const std::string dir = fs::path(path).parent_path().string().empty() ? "." : fs::path(path).parent_path().string();
  RunInput in;
  in.path = path;
  check_keys(c, root, "", {"task", "structure", "dft", "scf", "output", "parallel", "relax", "md", "pdos"});
  in.task = get_string(c, root, "task", "task");
  if (in.task != "scf" && in.task != "relax" && in.task != "md")
    c.fail("task", root.get("task")->source(), "unknown task '" + in.task + "'; expected \"scf\", \"relax\" or \"md\"");
  if (const auto* m = table_at(c, root, "md", in.task == "md")) {
    if (in.task != "md") c.fail("[md] is only used with task = \"md\"");
    read_md(c, *m, in.md);
  }
  if (const auto* p = table_at(c, root, "pdos", false)) {
    if (in.task != "scf" && in.task != "md")
      c.fail("[pdos] is only used with task = \"scf\" or \"md\" (with md.pdos_every)");
    // In an md input [pdos] is read (and checked) whatever md.pdos_every says, but used only when it is > 0:
    // a campaign's base input can hold it for the stages that switch the snapshots on.
    PdosInput pdos;
    read_pdos(c, *p, pdos);
    if (in.task == "scf" || in.md.pdos_every > 0) in.pdos = pdos;
    if (in.task == "md")
      for (const char* key : {"energy_min", "energy_max"})
        if (auto n = p->get(key))
          c.fail(std::string("pdos.") + key, n->source(),
                 "is not used with task = \"md\": the MD stores eigenvalues and weights, and megabar analyze builds "
                 "the DOS on its own grid relative to each snapshot's VBM");
  }
  if (in.task == "md" && in.md.pdos_every > 0 && !in.pdos)
    c.fail(
        "md.pdos_every needs a [pdos] table (at least pdos.empty_bands, the converged empty bands of every MD step)");
  if (const auto* r = table_at(c, root, "relax", false)) {
    if (in.task != "relax") c.fail("[relax] is only used with task = \"relax\"");
    check_keys(c, *r, "relax.", {"optimizer", "cell", "pressure", "force_tolerance", "stress_tolerance", "max_steps"});
    in.relax_optimizer = get_string(c, *r, "optimizer", "relax.optimizer", std::string("bfgs"));
    if (in.relax_optimizer != "bfgs" && in.relax_optimizer != "fire")
      c.fail("relax.optimizer", r->get("optimizer")->source(),
             "unknown optimizer '" + in.relax_optimizer + "'; expected \"bfgs\" or \"fire\"");
    if (auto cell = r->get("cell")) {
      if (!cell->is_boolean()) c.fail("relax.cell", cell->source(), "expected true or false");
      in.relax_cell = cell->as_boolean()->get();
    }
    in.relax_pressure = get_quantity(c, *r, "pressure", "relax.pressure", Dimension::pressure, 0.0);
    check_pressure_range(c, *r, "pressure", "relax.pressure", in.relax_pressure);
    in.relax_force_tolerance =
        get_quantity(c, *r, "force_tolerance", "relax.force_tolerance", Dimension::force, in.relax_force_tolerance);
    in.relax_stress_tolerance = get_quantity(c, *r, "stress_tolerance", "relax.stress_tolerance", Dimension::pressure,
                                             in.relax_stress_tolerance);
    for (const char* key : {"force_tolerance", "stress_tolerance"})
      if (auto n = r->get(key);
          n && !((std::string(key) == "force_tolerance" ? in.relax_force_tolerance : in.relax_stress_tolerance) > 0))
        c.fail(std::string("relax.") + key, n->source(), "must be positive");
    in.relax_max_steps = static_cast<int>(get_int(c, *r, "max_steps", "relax.max_steps", 200, 0, 100000));
    if (r->get("pressure") && !in.relax_cell)
      c.fail("relax.pressure", r->get("pressure")->source(),
             "needs relax.cell = true (the cell is what the pressure acts on)");
  }

  const auto* st = table_at(c, root, "structure", true);
  check_keys(c, *st, "structure.", {"file"});
  in.structure_file = resolve(dir, get_string(c, *st, "file", "structure.file"));

  const auto* d = table_at(c, root, "dft", true);
  check_keys(c, *d, "dft.", {"ecut", "xc", "fft_grid", "pseudopotentials", "extra_bands"});
  in.ecut = get_quantity(c, *d, "ecut", "dft.ecut", Dimension::energy);
  if (!(in.ecut > 0)) c.fail("dft.ecut", d->get("ecut")->source(), "the cutoff must be positive");
  in.scf.xc = get_string(c, *d, "xc", "dft.xc", std::string());
  if (!in.scf.xc.empty()) {
    bool ok = false;
    for (auto& n : dft::known_xc_names()) ok = ok || n == in.scf.xc;
    if (!ok)
      c.fail("dft.xc", d->get("xc")->source(),
             "unknown functional '" + in.scf.xc + "'; expected PBE, LDA, LDA-PW92 or PADE");
  }
  in.scf.extra_bands = static_cast<int>(get_int(c, *d, "extra_bands", "dft.extra_bands", 0, 0, 100000));
  if (in.pdos) in.scf.extra_bands = std::max(in.scf.extra_bands, in.pdos->empty_bands);
  if (auto g = d->get("fft_grid")) {
    auto arr = g->as_array();
    if (!arr || arr->size() != 3)
      c.fail("dft.fft_grid", g->source(), "expected three positive integers, e.g. [48, 48, 90]");
    std::array<int, 3> n{};
    for (int i = 0; i < 3; ++i) {
      auto v = arr->get(i);
      if (!v->is_integer() || v->as_integer()->get() <= 0 || v->as_integer()->get() > 4096)
        c.fail("dft.fft_grid", g->source(), "expected three positive integers, e.g. [48, 48, 90]");
      n[i] = static_cast<int>(v->as_integer()->get());
    }
    in.fft_grid = n;
  }
  const auto* pp = table_at(c, *d, "pseudopotentials", false);
  if (!pp) c.fail("missing required table [dft.pseudopotentials] (element = \"file\")");
  for (auto&& [k, v] : *pp) {
    const std::string el(k.str()), full = "dft.pseudopotentials." + el;
    PseudoSpec spec;
    if (v.is_string()) {
      spec.file = v.as_string()->get();
    } else if (v.is_table()) {
      check_keys(c, *v.as_table(), full + ".", {"file", "name"});
      spec.file = get_string(c, *v.as_table(), "file", full + ".file");
      spec.name = get_string(c, *v.as_table(), "name", full + ".name", std::string());
    } else {
      c.fail(full, v.source(), "expected a file name or {file = \"...\", name = \"...\"}");
    }
    spec.file = resolve(dir, spec.file);
    if (!fs::is_regular_file(spec.file))
      c.fail(full, v.source(), "pseudopotential file '" + spec.file + "' does not exist or is not a file");
    in.pseudopotentials[el] = spec;
  }
  choose_functional(c, *d, in);

  // MD steps are judged on the density residual alone (as QE's md), other tasks also on the energy change.
  in.scf.energy_change_test = in.task != "md";
  if (const auto* s = table_at(c, root, "scf", false)) {
    check_keys(c, *s, "scf.",
               {"energy_tolerance", "density_tolerance", "max_iterations", "mixing_beta", "mixing_history", "kerker_q0",
                "carry_mixing", "mixed_precision", "seed", "convergence"});
    in.scf.energy_tolerance = get_quantity(c, *s, "energy_tolerance", "scf.energy_tolerance", Dimension::energy, 1e-8);
    if (!(in.scf.energy_tolerance > 0))
      c.fail("scf.energy_tolerance", s->get("energy_tolerance")->source(), "must be positive");
    in.scf.density_tolerance =
        get_quantity(c, *s, "density_tolerance", "scf.density_tolerance", Dimension::energy, -1.0);
    in.scf.max_iterations = static_cast<int>(get_int(c, *s, "max_iterations", "scf.max_iterations", 100, 2, 100000));
    in.scf.mixing_beta = get_number(c, *s, "mixing_beta", "scf.mixing_beta", 0.5, 1e-3, 1.0);
    in.scf.mixing_history = static_cast<int>(get_int(c, *s, "mixing_history", "scf.mixing_history", 8, 1, 50));
    in.scf.kerker_q0 = get_quantity(c, *s, "kerker_q0", "scf.kerker_q0", Dimension::wavevector, 0.0);
    if (in.scf.kerker_q0 < 0) c.fail("scf.kerker_q0", s->get("kerker_q0")->source(), "must not be negative");
    in.scf.seed = static_cast<unsigned long>(get_int(c, *s, "seed", "scf.seed", 20241126, 0, 1L << 62));
    if (s->get("convergence")) {
      const std::string crit = get_string(c, *s, "convergence", "scf.convergence");
      if (crit != "energy_and_density" && crit != "density")
        c.fail("scf.convergence", s->get("convergence")->source(),
               "unknown criterion '" + crit + "'; expected \"energy_and_density\" or \"density\"");
      in.scf.energy_change_test = crit == "energy_and_density";
    }
    if (auto n = s->get("carry_mixing")) {
      if (!n->is_boolean()) c.fail("scf.carry_mixing", n->source(), "expected true or false");
      in.scf.carry_mixing = n->as_boolean()->get();
    }
    if (auto n = s->get("mixed_precision")) {
      if (!n->is_boolean()) c.fail("scf.mixed_precision", n->source(), "expected true or false");
      in.scf.mixed_precision = n->as_boolean()->get();
    }
  }
  // MD judged on dr2 alone: its bound defaults to a fraction of energy_tolerance (dft/scf_control.hpp).
  if (in.task == "md" && !in.scf.energy_change_test && !(in.scf.density_tolerance > 0))
    in.scf.density_tolerance = dft::scf_control::md_density_tolerance_fraction * in.scf.energy_tolerance;
  std::string out = "out";
  if (const auto* o = table_at(c, root, "output", false)) {
    check_keys(c, *o, "output.", {"directory", "forces", "stress"});
    out = get_string(c, *o, "directory", "output.directory", out);
    for (const char* key : {"forces", "stress"}) {
      if (auto n = o->get(key)) {
        if (!n->is_boolean()) c.fail(std::string("output.") + key, n->source(), "expected true or false");
        (std::string(key) == "forces" ? in.scf.compute_forces : in.scf.compute_stress) = n->as_boolean()->get();
      }
    }
  }
  in.output_directory = resolve(dir, out);
  if (const auto* p = table_at(c, root, "parallel", false)) {
    check_keys(c, *p, "parallel.", {"threads", "fft_batch", "fft_planning", "device_memory"});
    if (p->get("device_memory")) {
      in.device_memory = get_quantity(c, *p, "device_memory", "parallel.device_memory", Dimension::memory);
      if (!(in.device_memory > 0))
        c.fail("parallel.device_memory", p->get("device_memory")->source(), "must be positive, e.g. \"40 GiB\"");
    }
    in.fft_planning = get_string(c, *p, "fft_planning", "parallel.fft_planning", std::string());
    if (!in.fft_planning.empty() && in.fft_planning != "measure" && in.fft_planning != "estimate")
      c.fail("parallel.fft_planning", p->get("fft_planning")->source(),
             "unknown value '" + in.fft_planning + "'; expected \"measure\" or \"estimate\"");
    in.threads = static_cast<int>(get_int(c, *p, "threads", "parallel.threads", 0, 0, 4096));
    in.scf.fft_batch = static_cast<int>(get_int(c, *p, "fft_batch", "parallel.fft_batch", 8, 1, 256));
  }
  if (in.fft_planning.empty()) in.fft_planning = "measure";
  return in;
}

}  // namespace megabar::app
