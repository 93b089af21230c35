// Units and constants (core/: no Kokkos, no HDF5). Inside megabar everything is in Hartree atomic units
// (energy Ha, length bohr, mass m_e, time hbar/Ha); units are converted only at the boundary, with the
// constants below. Input quantities are strings "value unit"; parse_quantity converts them. pi is defined
// here and nowhere else.
#pragma once
#include <string>

namespace megabar::units {

// CODATA 2018.
constexpr double bohr_in_angstrom = 0.529177210903;
constexpr double angstrom = 1.0 / bohr_in_angstrom;  // bohr per angstrom
constexpr double hartree_in_ev = 27.211386245988;
constexpr double rydberg = 0.5;             // Ha per Ry
constexpr double ev = 1.0 / hartree_in_ev;  // Ha per eV
// 1 Ha/bohr^3 in GPa: E_h / a0^3 = 4.3597447222071e-18 J / (5.29177210903e-11 m)^3.
constexpr double ha_per_bohr3_in_gpa = 29421.015696767;
constexpr double hartree_in_kj_per_mol = 2625.4996394799;  // E_h N_A / 1000
constexpr double pi = 3.14159265358979323846;
// Time: hbar / E_h = 2.4188843265857e-17 s; 1 fs in atomic units of time.
constexpr double femtosecond = 41.341373335182;
// Boltzmann constant in Ha/K (k_B / E_h), and the atomic mass unit in electron masses.
constexpr double boltzmann = 3.166811563455e-6;
constexpr double amu = 1822.888486209;

enum class Dimension { energy, length, pressure, wavevector, force, time, temperature, memory, none };  // memory: bytes

// Parses "80 Ry", "1e-10 Ha", "2.5 angstrom" into atomic units. `what` names the key for error
// messages. Throws core::InputError (a std::invalid_argument) naming `what`, the text and the accepted units.
double parse_quantity(const std::string& text, Dimension dim, const std::string& what);

const char* dimension_name(Dimension dim);
// An example value with its unit, quoted as in an input: "80 Ry", "1 fs", "300 K", ...
const char* dimension_example(Dimension dim);

}  // namespace megabar::units
