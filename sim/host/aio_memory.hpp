// The aiocbs and lio lists of a worker process: a trace names them by the
// interpreter's fake addresses, the host kernel knows them by where they
// lie in the worker's memory. Each fake address gets one block, allocated
// at its first use and kept for the worker's life (a forked child inherits
// the table with its copy of memory); kevent idents are translated both ways.
//
// exec takes the memory but not every knote naming it: a KQUEUE_CPONFORK
// kqueue's copy (kqueue_fork_copy keeps kn_id) outlives the child's exec and
// still reports the aiocb's old address. So the names (not the blocks) cross
// exec as text - names_text() before, adopt_names() after - and keep
// translating those idents; a block allocated after exec wins over them.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
    if (const auto* old = old_names_of(filter)) {
      for (auto it = old->rbegin(); it != old->rend(); ++it) {
        if (it->real == real) return it->fake;
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
    if (const auto* old = old_names_of(filter)) {  // the newest image's address
      for (auto it = old->rbegin(); it != old->rend(); ++it) {
        if (it->fake == fake) return it->real;
      }
    }
    return fake;
  }

  // Every name this process knows, as "a FAKE REAL" / "l FAKE REAL" words.
  std::string names_text() const {
    std::string text;
    auto add = [&text](char kind, std::uint64_t fake, std::uint64_t real) {
      text += kind;
      text += ' ' + std::to_string(fake) + ' ' + std::to_string(real) + ' ';
    };
    for (const OldName& n : old_cbs_) add('a', n.fake, n.real);
    for (const OldName& n : old_lists_) add('l', n.fake, n.real);
    for (const auto& [fake, block] : cbs_) add('a', fake, address(block.get()));
    for (const auto& [fake, block] : lists_) add('l', fake, address(block->data()));
    return text;
  }
  // names_text()'s words, as names without memory; false (nothing adopted
  // from the bad word on) if the text is not such words.
  bool adopt_names(std::string_view text) {
    for (;;) {
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      if (text.empty()) return true;
      const char kind = text.front();
      text.remove_prefix(1);
      std::uint64_t fake = 0;
      std::uint64_t real = 0;
      if ((kind != 'a' && kind != 'l') || !read_number(text, fake) || !read_number(text, real)) return false;
      (kind == 'a' ? old_cbs_ : old_lists_).push_back(OldName{fake, real});
    }
  }

 private:
  using List = std::array<Aiocb*, sim::kWireAioEntries>;
  // A name and its address in an image before exec, oldest image first: a
  // name may have had an address in each, and each may still be some
  // knote's ident. (An address the new image reuses is the live block's.)
  struct OldName {
    std::uint64_t fake;
    std::uint64_t real;
  };
  using Names = std::vector<OldName>;
  static std::uint64_t address(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }
  static bool read_number(std::string_view& text, std::uint64_t& out) {
    if (text.empty() || text.front() != ' ') return false;
    text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{}) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
  }
  const Names* old_names_of(model::FilterId filter) const {
    if (filter == model::filt::kAio) return &old_cbs_;
    if (filter == model::filt::kLio) return &old_lists_;
    return nullptr;
  }
  std::map<std::uint64_t, std::unique_ptr<Aiocb>> cbs_;
  std::map<std::uint64_t, std::unique_ptr<List>> lists_;
  Names old_cbs_;
  Names old_lists_;
};

}  // namespace kqsim::host
