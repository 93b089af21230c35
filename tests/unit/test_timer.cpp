#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "kernels/timer.hpp"

namespace {

using megabar::kernels::ScopedTimer;
using megabar::kernels::Timers;

TEST(Timers, AccumulatesNamedIntervalsAndNests) {
  Timers t;
  for (int i = 0; i < 2; ++i) {
    ScopedTimer outer("test::outer", t);
    ScopedTimer again("test::outer", t);  // nested re-entry adds no extra time
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto s = t.seconds();
  ASSERT_EQ(s.count("test::outer"), 1u);
  EXPECT_GE(s.at("test::outer"), 0.009);
  EXPECT_LT(s.at("test::outer"), 1.0);
  EXPECT_EQ(t.counts().at("test::outer"), 2);
  EXPECT_THROW(t.stop("test::never_started"), std::logic_error);
}

}  // namespace
