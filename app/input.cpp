#include "app/input.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>
#include <toml++/toml.h>

#include "dft/units.hpp"

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

void check_keys(const Ctx& c, const toml::table& t, const std::string& prefix, const std::set<std::string>& allowed) {
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (!allowed.count(key)) {
      std::string list;
      for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      c.fail(prefix + key, v.source(), "unknown key; allowed here: " + list);
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
  return node->as_string()->get();
}

double get_quantity(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full, Dimension dim,
                    std::optional<double> fallback = std::nullopt) {
  auto node = t.get(key);
  if (!node) {
    if (fallback) return *fallback;
    c.fail("missing required key '" + full + "'");
  }
  if (!node->is_string())
    c.fail(full, node->source(), std::string("expected ") + units::dimension_name(dim) + " with its unit as a string, e.g. \"80 Ry\"");
  try {
    return units::parse_quantity(node->as_string()->get(), dim, full);
  } catch (const std::invalid_argument& e) {
    c.fail(full, node->source(), e.what());
  }
}

long get_int(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full, long fallback, long lo, long hi) {
  auto node = t.get(key);
  if (!node) return fallback;
  if (!node->is_integer()) c.fail(full, node->source(), "expected an integer");
  const long v = node->as_integer()->get();
  if (v < lo || v > hi) c.fail(full, node->source(), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

double get_number(const Ctx& c, const toml::table& t, const std::string& key, const std::string& full, double fallback, double lo, double hi) {
  auto node = t.get(key);
  if (!node) return fallback;
  double v;
  if (node->is_floating_point()) v = node->as_floating_point()->get();
  else if (node->is_integer()) v = static_cast<double>(node->as_integer()->get());
  else c.fail(full, node->source(), "expected a number");
  if (!(v >= lo && v <= hi)) c.fail(full, node->source(), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

std::string resolve(const std::string& base_dir, const std::string& p) {
  fs::path q(p);
  return q.is_absolute() ? q.string() : (fs::path(base_dir) / q).lexically_normal().string();
}

}  // namespace

std::string output_directory_of(const std::string& path) {
  const std::string dir = fs::path(path).parent_path().string().empty() ? "." : fs::path(path).parent_path().string();
  std::string out = "out";
  try {
    const toml::table root = toml::parse_file(path);
    if (auto o = root["output"]["directory"].value<std::string>()) out = *o;
  } catch (const std::exception&) {  // unreadable input: the default folder
  }
  return resolve(dir, out);
}

RunInput read_input(const std::string& path) {
  Ctx c{path};
  if (!fs::is_regular_file(path)) throw std::invalid_argument("input file '" + path + "' does not exist or is not a file");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(path + ":" + std::to_string(e.source().begin.line) + ": malformed TOML: " +
                                std::string(e.description()));
  }
  const std::string dir = fs::path(path).parent_path().string().empty() ? "." : fs::path(path).parent_path().string();
  RunInput in;
  in.path = path;
  check_keys(c, root, "", {"task", "structure", "dft", "scf", "output", "parallel", "relax"});
  in.task = get_string(c, root, "task", "task");
  if (in.task != "scf" && in.task != "relax")
    c.fail("task", root.get("task")->source(), "unknown task '" + in.task + "'; expected \"scf\" or \"relax\"");
  if (const auto* r = table_at(c, root, "relax", false)) {
    if (in.task != "relax") c.fail("[relax] is only used with task = \"relax\"");
    check_keys(c, *r, "relax.", {"optimizer", "cell", "pressure", "force_tolerance", "stress_tolerance", "max_steps"});
    in.relax_optimizer = get_string(c, *r, "optimizer", "relax.optimizer", std::string("bfgs"));
    if (in.relax_optimizer != "bfgs" && in.relax_optimizer != "fire")
      c.fail("relax.optimizer", r->get("optimizer")->source(), "unknown optimizer '" + in.relax_optimizer + "'; expected \"bfgs\" or \"fire\"");
    if (auto cell = r->get("cell")) {
      if (!cell->is_boolean()) c.fail("relax.cell", cell->source(), "expected true or false");
      in.relax_cell = cell->as_boolean()->get();
    }
    in.relax_pressure = get_quantity(c, *r, "pressure", "relax.pressure", Dimension::pressure, 0.0);
    in.relax_force_tolerance =
        get_quantity(c, *r, "force_tolerance", "relax.force_tolerance", Dimension::force, in.relax_force_tolerance);
    in.relax_stress_tolerance =
        get_quantity(c, *r, "stress_tolerance", "relax.stress_tolerance", Dimension::pressure, in.relax_stress_tolerance);
    for (const char* key : {"force_tolerance", "stress_tolerance"})
      if (auto n = r->get(key); n && !((std::string(key) == "force_tolerance" ? in.relax_force_tolerance : in.relax_stress_tolerance) > 0))
        c.fail(std::string("relax.") + key, n->source(), "must be positive");
    in.relax_max_steps = static_cast<int>(get_int(c, *r, "max_steps", "relax.max_steps", 200, 0, 100000));
    if (r->get("pressure") && !in.relax_cell)
      c.fail("relax.pressure", r->get("pressure")->source(), "needs relax.cell = true (the cell is what the pressure acts on)");
  }

  const auto* st = table_at(c, root, "structure", true);
  check_keys(c, *st, "structure.", {"file"});
  in.structure_file = resolve(dir, get_string(c, *st, "file", "structure.file"));

  const auto* d = table_at(c, root, "dft", true);
  check_keys(c, *d, "dft.", {"ecut", "xc", "fft_grid", "pseudopotentials", "extra_bands"});
  in.ecut = get_quantity(c, *d, "ecut", "dft.ecut", Dimension::energy);
  if (!(in.ecut > 0)) c.fail("dft.ecut", d->get("ecut")->source(), "the cutoff must be positive");
  in.scf.xc = get_string(c, *d, "xc", "dft.xc", std::string("PBE"));
  {
    bool ok = false;
    for (auto& n : dft::known_xc_names()) ok = ok || n == in.scf.xc;
    if (!ok) c.fail("dft.xc", d->get("xc")->source(), "unknown functional '" + in.scf.xc + "'; expected PBE, LDA or PADE");
  }
  in.scf.extra_bands = static_cast<int>(get_int(c, *d, "extra_bands", "dft.extra_bands", 0, 0, 100000));
  if (auto g = d->get("fft_grid")) {
    auto arr = g->as_array();
    if (!arr || arr->size() != 3) c.fail("dft.fft_grid", g->source(), "expected three positive integers, e.g. [48, 48, 90]");
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

  if (const auto* s = table_at(c, root, "scf", false)) {
    check_keys(c, *s, "scf.", {"energy_tolerance", "density_tolerance", "max_iterations", "mixing_beta", "mixing_history", "kerker_q0", "seed"});
    in.scf.energy_tolerance = get_quantity(c, *s, "energy_tolerance", "scf.energy_tolerance", Dimension::energy, 1e-8);
    if (!(in.scf.energy_tolerance > 0))
      c.fail("scf.energy_tolerance", s->get("energy_tolerance")->source(), "must be positive");
    in.scf.density_tolerance = get_quantity(c, *s, "density_tolerance", "scf.density_tolerance", Dimension::energy, -1.0);
    in.scf.max_iterations = static_cast<int>(get_int(c, *s, "max_iterations", "scf.max_iterations", 100, 2, 100000));
    in.scf.mixing_beta = get_number(c, *s, "mixing_beta", "scf.mixing_beta", 0.5, 1e-3, 1.0);
    in.scf.mixing_history = static_cast<int>(get_int(c, *s, "mixing_history", "scf.mixing_history", 8, 1, 50));
    in.scf.kerker_q0 = get_quantity(c, *s, "kerker_q0", "scf.kerker_q0", Dimension::wavevector, 0.0);
    if (in.scf.kerker_q0 < 0) c.fail("scf.kerker_q0", s->get("kerker_q0")->source(), "must not be negative");
    in.scf.seed = static_cast<unsigned long>(get_int(c, *s, "seed", "scf.seed", 20241126, 0, 1L << 62));
  }
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
    check_keys(c, *p, "parallel.", {"threads", "fft_batch"});
    in.threads = static_cast<int>(get_int(c, *p, "threads", "parallel.threads", 0, 0, 4096));
    in.scf.fft_batch = static_cast<int>(get_int(c, *p, "fft_batch", "parallel.fft_batch", 8, 1, 256));
  }
  return in;
}

}  // namespace megabar::app
