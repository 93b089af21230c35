#include "io/structure_file.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "io/cif.hpp"
#include "io/extxyz.hpp"
#include "io/poscar.hpp"

namespace megabar::io {

namespace {

const char* const supported =
    "megabar reads extended XYZ (*.extxyz, *.xyz), VASP POSCAR/CONTCAR (POSCAR*, CONTCAR*, *.vasp, *.poscar) and "
    "CIF (*.cif); "
    "convert other formats with ASE, e.g. python3 -c \"import ase.io; ase.io.write('cell.extxyz', "
    "ase.io.read('FILE'))\"";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// How many words of the line are numbers, and how many words it has.
std::pair<int, int> numbers_in(const std::string& line) {
  std::istringstream s(line);
  int numbers = 0, words = 0;
  for (std::string w; s >> w; ++words) {
    char* end = nullptr;
    std::strtod(w.c_str(), &end);
    numbers += end != w.c_str() && *end == '\0';
  }
  return {numbers, words};
}

// Whether the first line that is not blank or a # comment starts with data_ (a CIF data block), reading on
// from `in` past the first lines when they are all comments (a CIF's header of comments may be long).
bool starts_cif(std::istream& in, const std::vector<std::string>& first_lines) {
  auto decides = [](const std::string& line, bool* cif) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') return false;
    *cif = lower(line.substr(start, 5)) == "data_";
    return true;
  };
  bool cif = false;
  for (const auto& line : first_lines)
    if (decides(line, &cif)) return cif;
  std::string line;
  for (int n = 0; n < 10000 && std::getline(in, line); ++n)
    if (decides(line.substr(0, 1000), &cif)) return cif;
  return false;
}

}  // namespace

StructureFormat structure_format(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string name = lower(p.filename().string()), ext = lower(p.extension().string());
  if (ext == ".extxyz" || ext == ".xyz") return StructureFormat::extxyz;
  if (ext == ".vasp" || ext == ".poscar" || name.rfind("poscar", 0) == 0 || name.rfind("contcar", 0) == 0)
    return StructureFormat::poscar;
  if (ext == ".cif") return StructureFormat::cif;
  check_regular_file(path, "a structure file");
  std::ifstream in(path);
  if (!in) throw core::InputError(path + ": cannot open the structure file");
  std::vector<std::string> lines;
  for (std::string line; lines.size() < 5 && std::getline(in, line);) lines.push_back(line.substr(0, 1000));
  if (starts_cif(in, lines)) return StructureFormat::cif;
  if (!lines.empty()) {
    const auto [n, w] = numbers_in(lines[0]);
    const bool integer = n == 1 && w == 1 && lines[0].find_first_of(".eE") == std::string::npos;
    if (integer) return StructureFormat::extxyz;
  }
  if (lines.size() == 5 && numbers_in(lines[1]) == std::make_pair(1, 1) &&
      std::all_of(lines.begin() + 2, lines.end(), [](const std::string& l) { return numbers_in(l).first >= 3; }))
    return StructureFormat::poscar;
  throw core::InputError(path + ": not a structure format megabar knows (by name or content); " + supported);
}

core::Structure read_structure(const std::string& path) {
  switch (structure_format(path)) {
    case StructureFormat::poscar:
      return read_poscar(path);
    case StructureFormat::cif:
      return read_cif(path);
    case StructureFormat::extxyz:
      break;
  }
  return read_extxyz(path);
}

}  // namespace megabar::io
