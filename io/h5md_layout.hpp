// The layout of trajectory.h5 (io/; H5MD 1.1, https://www.nongnu.org/h5md/h5md.html; docs/trajectory.md),
// written once here and used by its writer (md/trajectory_h5md.cpp) and every reader (analysis/):
//
//   h5md                 version = [1, 1]; author/name; creator/name, version; modules/units (system "SI")
//   particles/all
//     box                dimension = 3, boundary = ["periodic"] * 3
//       edges            value [frames][3][3] nm (rows: lattice vectors)
//     species            int64 [N], atomic numbers (time-independent)
//     position           step int64 [frames], time float64 [frames] ps, value [frames][N][3] nm
//     velocity           value [frames][N][3] nm ps-1
//     force              value [frames][N][3] kJ mol-1 nm-1
//   pdos                 (md.pdos_every > 0) eigenvalues, weights, n_occupied, vbm, cbm, spilling_occupied,
//                        spilling_all_bands: step, time and value [snapshots][...] each (docs/trajectory.md)
//   observables          potential_energy, kinetic_energy, total_energy, conserved_energy (eV),
//                        temperature (K), pressure (GPa), scf_iterations (int64): value [frames];
//                        stress: value [frames][3][3] GPa, the potential-energy part of the pressure tensor
//                        with ASE's sign (-(P - kinetic part)), as trajectory.extxyz's stress=; earlier
//                        versions' files lack it (readers treat it as optional; a resumed run adds it,
//                        NaN for the earlier frames)
//
// Every time-dependent element shares position's step and time datasets through hard links (H5MD requires
// it for box/edges and allows it elsewhere), so a frame is one row of each value dataset plus one step and
// one time. /pdos shares eigenvalues' step and time in the same way.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "io/frame.hpp"
#include "io/h5file.hpp"

namespace megabar::io::h5md {

// File units per atomic unit. The unit strings are those of H5MD's "units" module (SI system) that
// MDAnalysis's H5MD reader also understands, so it reads the file with its default convert_units=True.
constexpr double nm_per_bohr = units::bohr_in_angstrom / 10.0;
constexpr double ps_per_au = 1.0 / (1000.0 * units::femtosecond);
constexpr double nm_per_ps_per_au = nm_per_bohr / ps_per_au;                         // velocity
constexpr double kj_per_mol_nm_per_au = units::hartree_in_kj_per_mol / nm_per_bohr;  // force

// Groups and datasets, relative to the file's root.
inline constexpr const char* metadata = "h5md";
inline constexpr const char* box = "particles/all/box";
inline constexpr const char* box_edges = "particles/all/box/edges";
inline constexpr const char* species = "particles/all/species";
inline constexpr const char* position = "particles/all/position";  // the group whose step and time all share
inline constexpr const char* step = "particles/all/position/step";
inline constexpr const char* time = "particles/all/position/time";
inline constexpr const char* time_unit = "ps";
inline constexpr const char* stress = "observables/stress";  // not in earlier versions' files

// A time-dependent element's datasets: GROUP/value, GROUP/step, GROUP/time.
inline std::string value(const std::string& group) { return group + "/value"; }

// One time series of the frames: where its value dataset lives, its unit (empty: dimensionless), the
// shape of one item ({} scalar, {natoms, 3}, {3, 3}), whether it is stored as int64, and how a frame fills
// it (in the file's units).
struct Series {
  std::string group;
  std::string unit;
  h5::Shape item;
  bool integer;
  std::function<std::vector<double>(const Frame&)> values;
};

// Every series of a trajectory of `natoms` atoms, position first and box edges fourth (series()[k] below).
std::vector<Series> series(hsize_t natoms);
enum SeriesIndex { kPosition, kVelocity, kForce, kBoxEdges };

// /pdos (docs/trajectory.md, "/pdos"): step and time in the eigenvalues group, shared by the others.
namespace pdos {
inline constexpr const char* group = "pdos";
inline constexpr const char* step = "pdos/eigenvalues/step";
inline constexpr const char* time = "pdos/eigenvalues/time";
enum Value { kEigenvalues, kWeights, kNOccupied, kVbm, kCbm, kSpillingOccupied, kSpillingAll, kValueCount };
// The group of each value, below /pdos.
inline constexpr const char* groups[kValueCount] = {"eigenvalues", "weights",           "n_occupied",        "vbm",
                                                    "cbm",         "spilling_occupied", "spilling_all_bands"};
// pdos/GROUP/value of a value.
inline std::string value(Value v) { return std::string(group) + "/" + groups[v] + "/value"; }
// Attributes of /pdos: the l channels' names and the run's [pdos] settings (eV).
inline constexpr const char* l_channels = "l_channels";
inline constexpr const char* l_names[] = {"s", "p", "d", "f"};
inline constexpr const char* broadening = "broadening_eV";
inline constexpr const char* energy_step = "energy_step_eV";
inline constexpr const char* ec_window = "ec_window_eV";
inline constexpr const char* energy_unit = "eV";  // unit attribute of eigenvalues, vbm and cbm
}  // namespace pdos

}  // namespace megabar::io::h5md
