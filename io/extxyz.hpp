// Extended XYZ frames of md/trajectory.hpp: the streaming reader behind read_extxyz_frames, which the
// trajectory writer also uses to rebuild a damaged trajectory.h5 without holding every frame in memory.
#pragma once
#include <functional>
#include <string>

#include "md/trajectory.hpp"

namespace megabar::md {

// Calls `visit` with each frame of the file in order. Throws std::invalid_argument naming file and line.
void for_each_extxyz_frame(const std::string& path, const std::function<void(Frame&&)>& visit);

}  // namespace megabar::md
