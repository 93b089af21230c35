// Reference-case folders as GoogleTest tests: every folder under a directory that holds the named files is
// one test, <suite>.<folder> (characters other than letters and digits become '_'), registered at start-up so
// that CTest's gtest_discover_tests lists each case. Used by test_qe_reference.cpp and test_oncv_reference.cpp.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace megabar::test {

// Folders of `dir` holding every file of `required`, sorted by name.
inline std::vector<std::string> case_folders(const std::filesystem::path& dir,
                                             const std::vector<std::string>& required) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_directory()) continue;
    bool complete = true;
    for (const auto& f : required) complete = complete && std::filesystem::exists(entry.path() / f);
    if (complete) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return nlohmann::json::parse(in);
}

// Registers check(name) as <suite>.<name> for each name; returns true (for a static initialiser).
inline bool register_cases(const char* suite, const std::vector<std::string>& names,
                           const std::function<void(const std::string&)>& check) {
  class Case : public ::testing::Test {
   public:
    Case(std::function<void(const std::string&)> f, std::string n) : check_(std::move(f)), name_(std::move(n)) {}
    void TestBody() override { check_(name_); }

   private:
    std::function<void(const std::string&)> check_;
    std::string name_;
  };
  for (const auto& name : names) {
    std::string test = name;
    for (char& c : test)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    ::testing::RegisterTest(suite, test.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [check, name]() -> ::testing::Test* { return new Case(check, name); });
  }
  return true;
}

}  // namespace megabar::test
