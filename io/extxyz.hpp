// Extended XYZ files in ASE's layout (io/; docs/trajectory.md): the one reader and writer of megabar's
// structure inputs, MD trajectories (trajectory.extxyz, final.extxyz) and relaxation outputs
// (relax_trajectory.extxyz, final.extxyz).
//
// A frame is a count line, a comment line of key=value pairs (Lattice="ax ay az bx by bz cx cy cz",
// Properties=species:S:1:pos:R:3[:...], then the frame's scalars and pbc="T T T") and one line per atom;
// ASE's units and names, so that ase.io.read gives atoms whose get_velocities(), get_kinetic_energy(),
// get_forces(), get_potential_energy() and get_stress() are megabar's: lengths in angstrom, masses in amu,
// momenta in amu angstrom / (ASE's time unit, 10.18 fs), forces in eV/angstrom, energies in eV, stress in
// eV/angstrom^3 with ASE's sign (negative under compression; the potential-energy part, as a calculator's).
//
// Reading is tolerant: keys match whatever their case ("lattice=", "PROPERTIES="), columns are found by
// their names in Properties (velocities from vel, velo or velocities in angstrom/fs, as earlier versions
// wrote, else from momenta and masses, or momenta and the elements' conventional masses as ASE assumes;
// forces or force), stress as 9 values or Voigt's 6, blank lines between frames are skipped. Errors are core::InputError (a std::invalid_argument) naming the file and line ("path:7: ...");
// a file that ends inside a frame says "the file ends ...".
//
// Writing has two number formats:
//   - MD frames (format_extxyz_frame): 21 significant digits of the value converted in long double, so
//     that read_extxyz_frames gives back the written Frame bit for bit;
//   - structures (write_extxyz): 10 decimals of the value converted in double.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/structure.hpp"
#include "io/frame.hpp"

namespace megabar::io {

// ---- reading ------------------------------------------------------------------------------------------
// Calls `visit` with each frame of the file in order. Lattice, species and pos are required; velocities and
// forces and the scalars of format_extxyz_frame (step, time_fs, energy, ...) are read when present (missing
// ones stay empty or zero).
void for_each_extxyz_frame(const std::string& path, const std::function<void(Frame&&)>& visit);

// Every frame of the file (see for_each_extxyz_frame).
std::vector<Frame> read_extxyz_frames(const std::string& path);

// The structure (cell, symbols, positions) of the file's first frame, e.g. an input written by ASE; the
// rest of the file is not read. Lengths are converted in double (x * units::angstrom), as megabar's input
// reader always did, so the positions of a calculation do not depend on the reader's version.
core::Structure read_extxyz(const std::string& path);

// ---- writing ------------------------------------------------------------------------------------------
// One MD frame as text: Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:forces:R:3 and step, time_fs,
// energy (the potential energy), kinetic_energy_eV, total_energy_eV, conserved_energy_eV, temperature_K,
// pressure_GPa, stress (9 values), scf_iterations. `symbols` name the atoms; frame.structure.symbols must be
// empty or equal to them, and the frame must hold one position, mass, velocity and force per atom (else
// std::invalid_argument).
std::string format_extxyz_frame(const Frame& frame, const std::vector<std::string>& symbols);

// Writes a single-frame file of format_extxyz_frame (e.g. an MD's final.extxyz), replaced atomically.
void write_extxyz_frame(const std::string& path, const Frame& frame, const std::vector<std::string>& symbols);

// Writes one structure frame (angstrom; forces in eV/angstrom, energy= in eV and stress= (QE's sign in
// `stress`, ASE's in the file) when given). `append` adds
// the frame to an existing file (a relaxation's trajectory); otherwise the file is replaced atomically.
void write_extxyz(const std::string& path, const core::Structure& s, const std::vector<core::Vec3>* forces = nullptr,
                  const double* energy = nullptr, bool append = false, const core::Mat3* stress = nullptr);

}  // namespace megabar::io
