// struct filedesc: a process's descriptor table. Allocation follows
// fdalloc: the first free slot at or above both minfd and fd_freefile, the
// lowest-free hint, which is normally exact but can run ahead of a hole
// after fork on 15.x (see DialectProfile::fork_skipped_kqueue_lowers_free_hint).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/knote.hpp"

namespace kqsim::model {

struct FdEntry {
  FileIndex file = kNoFile;
  bool cloexec = false;
};

class FileTable {
 public:
  // fdalloc + fdused. nullopt when no slot below max_files is free (EMFILE).
  std::optional<std::int32_t> allocate(FdEntry entry, std::int32_t minfd, std::int32_t max_files);
  // Install at a chosen number (dup2 target, fork copy); the slot must be free.
  void install(std::int32_t fd, FdEntry entry);
  // fdunused: frees the slot and lowers the hint.
  FdEntry release(std::int32_t fd);
  [[nodiscard]] const FdEntry* find(std::int32_t fd) const {
    if (fd < 0 || fd >= slot_count() || !slots_[fd].has_value()) return nullptr;
    return &*slots_[fd];
  }
  FdEntry* find(std::int32_t fd) {
    if (fd < 0 || fd >= slot_count() || !slots_[fd].has_value()) return nullptr;
    return &*slots_[fd];
  }
  // The highest open descriptor, -1 when none (fd_lastfile).
  [[nodiscard]] std::int32_t last_fd() const;
  [[nodiscard]] std::int32_t free_hint() const { return free_hint_; }
  void set_free_hint(std::int32_t hint) { free_hint_ = hint; }
  [[nodiscard]] std::int32_t slot_count() const { return static_cast<std::int32_t>(slots_.size()); }

 private:
  static constexpr std::size_t kInitialSlots = 16;
  [[nodiscard]] std::int32_t first_free_at_or_above(std::int32_t fd) const;

  std::vector<std::optional<FdEntry>> slots_;
  std::int32_t free_hint_ = 0;
};

}  // namespace kqsim::model
