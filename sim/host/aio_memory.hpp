// The aiocbs and lio lists of a worker process: a trace names them by the
// interpreter's fake addresses, the host kernel knows them by where they
// lie in the worker's memory. Each fake address gets one block, allocated
// at its first use and kept for the worker's life (a forked child inherits
// the table with its copy of memory); kevent idents are translated both ways.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>

#include "model/kevent_constants.hpp"
#include "sim/aio_wire.hpp"

namespace kqsim::host {

template <typename Aiocb>
class AioMemory {
 public:
  Aiocb* aiocb(std::uint64_t fake) {
    auto& block = cbs_[fake];
    if (!block) block = std::make_unique<Aiocb>();
    return block.get();
  }
  Aiocb** list(std::uint64_t fake) {
    auto& block = lists_[fake];
    if (!block) block = std::make_unique<List>();
    return block->data();
  }
  // An EVFILT_AIO/LIO ident: the fake address for one of ours, else as it is.
  std::uint64_t to_fake(model::FilterId filter, std::uint64_t real) const {
    if (filter == model::filt::kAio) {
      for (const auto& [fake, block] : cbs_) {
        if (address(block.get()) == real) return fake;
      }
    }
    if (filter == model::filt::kLio) {
      for (const auto& [fake, block] : lists_) {
        if (address(block->data()) == real) return fake;
      }
    }
    return real;
  }
  std::uint64_t to_real(model::FilterId filter, std::uint64_t fake) const {
    if (filter == model::filt::kAio) {
      if (auto it = cbs_.find(fake); it != cbs_.end()) return address(it->second.get());
    }
    if (filter == model::filt::kLio) {
      if (auto it = lists_.find(fake); it != lists_.end()) return address(it->second->data());
    }
    return fake;
  }

 private:
  using List = std::array<Aiocb*, sim::kWireAioEntries>;
  static std::uint64_t address(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }
  std::map<std::uint64_t, std::unique_ptr<Aiocb>> cbs_;
  std::map<std::uint64_t, std::unique_ptr<List>> lists_;
};

}  // namespace kqsim::host
