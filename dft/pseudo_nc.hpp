// Norm-conserving, fully separable (Kleinman-Bylander / Hamann ONCV) pseudopotentials on a radial grid,
// and their readers for ABINIT psp8 (pspcod 8, as written by ONCVPSP) and Quantum ESPRESSO UPF v2.
//
// The operator, in Hartree atomic units:
//   V = V_loc(r) + sum_{l,m} sum_{i,j in l} |beta_i Y_lm> D_ij <beta_j Y_lm|,
//   <r|beta_i Y_lm> = beta_i(r) Y_lm(r^),  D_ij in Ha, zero unless l_i = l_j.
// Everything in NcPseudo is stored as the plain radial function f(r) (never r f or 4 pi r^2 f), so that
// a plane-wave code can use  F(q) = 4 pi int r^2 j_l(q r) f(r) dr  (dft/radial_tables.hpp) for all of them.
//
// File conventions (verified, see docs/pseudopotentials.md):
//   psp8 (ONCVPSP -> ABINIT; ABINIT's m_psp8 psp8in / psp8nl / psp8cc):
//     header: title line; "zatom zion pspdat"; "pspcod pspxc lmax lloc mmax r2well";
//             "rchrg fchrg qchrg"; "nproj(0..4)"; "extension_switch" (0 or 1: scalar relativistic,
//             1 adds the valence density; 2, 3: spin-orbit, rejected here).
//     for l = 0..lmax with nproj(l) > 0: a line "l ekb_1 .. ekb_n" (Ha) then mmax rows
//             "i r_i u_1(r_i) .. u_n(r_i)" with u = r beta (ABINIT integrates j_l(qr) u(r) r dr).
//             For l = lloc <= lmax (nproj = 0): a line "l" then mmax rows "i r V_loc(r)".
//     lloc = 4 (ONCVPSP's smooth local potential): a line "4" then mmax rows "i r V_loc(r)" (Ha, not r V).
//     fchrg > 0: mmax rows "i r 4 pi rho_core(r) d/dr .. d^4/dr^4" (psp8cc divides by 4 pi).
//     extension_switch 1: mmax rows "i r 4 pi rho_val(r) ..." (psp8in divides by 4 pi; the integral
//             int 4 pi rho_val r^2 dr of O.psp8 is zion = 6 to 1e-4).
//     The grid is linear and starts at r = 0.
//   UPF v2 (QE's read_upf_v2; energies in Rydberg):
//     PP_R, PP_RAB (dr/di); PP_LOCAL: V_loc (Ry); PP_BETA.i: r beta_i (with D in Ry);
//     PP_DIJ: D_ij (Ry), nbeta x nbeta; PP_NLCC: rho_core (a plain 3D density, no 4 pi, no r^2);
//     PP_RHOATOM: 4 pi r^2 rho_val; PP_CHI.i: r chi (the radial orbital R_l times r).
//   Conversion here: D(Ha) = D(Ry) / 2, V_loc(Ha) = V_loc(Ry) / 2; beta_i(r) = (r beta_i)(r) / r, with the
//   r = 0 value extrapolated from the next points for l = 0 (0 for l > 0).
#pragma once
#include <string>
#include <vector>

namespace megabar::dft {

struct NcProjector {
  int l = 0;                 // angular momentum
  std::vector<double> beta;  // beta(r_k), the plain radial function (NOT r beta), scaled so that D_ij is in Ha
};

struct NcOrbital {
  std::string label;  // e.g. "2S" (UPF), or generated "n l" for psp8 (psp8 has none)
  int n = 0, l = 0;
  double occupation = 0;
  std::vector<double> R;  // radial part R_l(r_k): int R^2 r^2 dr = 1 for a bound orbital; NOT r R
};

// One shell of the reference valence configuration the potential was generated for.
struct NcShell {
  int n = 0, l = 0;
  double occupation = 0;  // electrons
};

struct NcPseudo {
  std::string source;    // the file it was read from
  std::string format;    // "psp8" or "upf"
  std::string element;   // chemical symbol
  double zatom = 0;      // nuclear charge (psp8; UPF: 0 unless known from the symbol)
  double zion = 0;       // valence (ionic) charge Z
  std::string xc;        // megabar's dft.xc name (xc_name_from_psp8 / xc_name_from_upf), "" if unknown
  std::string xc_label;  // the file's own label: psp8 pspxc as text ("-1012"), UPF `functional`
  // Radial grid: r_k (bohr), k = 0..n-1, and quadrature weights with  int_0^rmax f(r) dr ~ sum_k w_k f(r_k)
  // (Simpson on the index with dr/dk = rab_k; nodes past the last are ignored).
  std::vector<double> r, rab, weights;
  std::vector<double> vloc;             // V_loc(r_k) (Ha); -> -zion / r at large r
  std::vector<NcProjector> projectors;  // in file order, sorted by l (psp8 and ONCVPSP UPF files are)
  std::vector<std::vector<double>> D;   // D_ij (Ha), projectors.size() squared, zero between different l
  std::vector<double> rho_core;         // model core density rho_c(r_k) (electrons/bohr^3); empty if none
  std::vector<double> rho_valence;      // atomic valence density rho_v(r_k) (electrons/bohr^3); empty if none
  std::vector<NcOrbital> orbitals;      // pseudo-atomic orbitals (UPF PP_PSWFC); empty if none
  // Reference valence configuration: psp8, the valence rows of ONCVPSP's input echoed in the <INPUT> block
  // ("atsym z nc nv iexc psfile", then nc + nv rows "n l f"); UPF, the PP_CHI with occupation > 0.
  // Empty when the file states none (then the pseudo-atom uses dft::standard_configuration).
  std::vector<NcShell> valence;

  int lmax() const;                 // largest projector l (-1 without projectors)
  int projectors_per_atom() const;  // sum over projectors of 2l+1
  bool has_core() const { return !rho_core.empty(); }
  double integrate(const std::vector<double>& f) const;  // sum_k w_k f_k
};

// Reads either format, chosen from the content: "<UPF version=" (UPF v2) or a psp8 header (the second
// word of line 3 must be pspcod 8). Throws core::InputError naming the file (and line/tag) otherwise.
NcPseudo read_nc_pseudo(const std::string& path);
NcPseudo read_psp8(const std::string& path);
// Whether the file's content is a psp8 or UPF v2 pseudopotential (not a GTH one): "<UPF" in its first lines,
// or pspcod 8 as the first number of its third line.
bool is_nc_pseudo_file(const std::string& path);
NcPseudo read_upf(const std::string& path);

// megabar's dft.xc name of a file's functional, or throws core::InputError naming the label:
//   psp8 pspxc: 2, -1012, -001012 (libxc LDA_X + LDA_C_PW) -> "LDA-PW92";  3, -20 (Teter93 Pade) -> "PADE";
//               1 (ABINIT's Teter LDA) -> "PADE";  11, -101130 (PBE) -> "PBE"; -1009 (LDA_X+LDA_C_PZ) -> "LDA".
//   UPF functional (case- and space-insensitive): "PW", "SLA PW", "SLA PW NOGX NOGC" -> "LDA-PW92";
//               "PZ", "SLA PZ", "SLA PZ NOGX NOGC" -> "LDA"; "PBE", "SLA PW PBX PBC", "SLA PW PBE PBE" -> "PBE".
std::string xc_name_from_psp8(int pspxc);
std::string xc_name_from_upf(const std::string& functional);

// Folder holding the PseudoDojo NC-SR v0.4 LDA (PW) psp8 files of Debian's abinit-data package:
// $MEGABAR_PSEUDODOJO_DIR if set, else the configure-time default `fallback` (CMake globs
// /usr/share/abinit*/psp/Pseudodojo_nc_sr_04_pw_standard_psp8), else "" when none exists.
std::string pseudodojo_dir(const std::string& fallback = "");

}  // namespace megabar::dft
