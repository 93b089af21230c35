// The client side of the i-PI socket protocol (https://ipi-code.org, "the driver"), which i-PI, ASE's
// SocketIOCalculator and the codes built on them speak to force engines (QE's pw.x --ipi, CP2K, FHI-aims):
//
//   server -> client: a 12-byte ASCII header, blank-padded: STATUS, INIT, POSDATA, GETFORCE or EXIT;
//   client -> server: READY, NEEDINIT, HAVEDATA (answers to STATUS) or FORCEREADY (answer to GETFORCE).
//   INIT      int32 bead index, int32 n, n bytes (an initialisation string; megabar ignores it)
//   POSDATA   float64[9] h (the cell matrix, its columns the lattice vectors, row by row), float64[9] its
//             inverse, int32 N, float64[3N] positions: bohr
//   FORCEREADY float64 energy (Ha), int32 N, float64[3N] forces (Ha/bohr), float64[9] virial (Ha:
//             -V sigma, sigma the stress with ASE's sign), int32 n, n bytes of extra data
// All numbers in the machine's byte order: the protocol is for a server on the same machine or cluster.
//
// Plain POSIX sockets (app/: no Kokkos); waits poll the socket each second, so that a stop signal
// (app/signals.hpp) is noticed while the server is silent.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/vec3.hpp"

namespace megabar::app {

struct IpiAddress {
  std::string unix_path;  // a UNIX socket (i-PI's and ASE's name NAME is the path /tmp/ipi_NAME), or
  std::string host;       // a TCP host and port
  int port = 0;
  std::string text() const;  // "UNIX socket /tmp/ipi_x" or "TCP localhost:31415"
};

// i-PI's file name of a UNIX socket called `name` (/tmp/ipi_NAME), or `name` itself when it holds a '/'.
std::string ipi_unix_path(const std::string& name);

class IpiConnection {
 public:
  // Connects, retrying until `timeout_s` seconds have passed (a server that starts after its client) or
  // `stop()` is true; throws std::runtime_error naming the address when it cannot.
  IpiConnection(const IpiAddress& address, double timeout_s, std::function<bool()> stop);
  ~IpiConnection();
  IpiConnection(const IpiConnection&) = delete;
  IpiConnection& operator=(const IpiConnection&) = delete;

  // The next header (blanks stripped); "" when the server closed the connection between messages. Throws
  // std::runtime_error on a connection lost inside a message, and Stopped when stop() became true.
  std::string receive_header();
  void send_header(const std::string& header);
  std::int32_t receive_int32();
  std::vector<double> receive_doubles(std::size_t n);
  std::vector<char> receive_bytes(std::size_t n);
  void send_int32(std::int32_t v);
  void send_doubles(const std::vector<double>& v);

  struct Stopped {};

 private:
  int fd_ = -1;
  std::function<bool()> stop_;
  // Reads exactly n bytes; false if the connection closed before the first (allowed only when
  // `may_end`), throws otherwise.
  bool receive(void* out, std::size_t n, bool may_end = false);
  void send(const void* data, std::size_t n);
};

// POSDATA's cell matrix h (9 values, row by row, columns = lattice vectors) as lattice vectors in rows.
core::Mat3 lattice_from_ipi_cell(const std::vector<double>& h);

}  // namespace megabar::app
