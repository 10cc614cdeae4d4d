#include "model/file_table.hpp"

#include <cassert>

namespace kqsim::model {

std::int32_t FileTable::first_free_at_or_above(std::int32_t fd) const {
  while (fd < slot_count() && slots_[fd].has_value()) ++fd;
  return fd;
}

std::optional<std::int32_t> FileTable::allocate(FdEntry entry, std::int32_t minfd,
                                                std::int32_t max_files) {
  std::int32_t fd = first_free_at_or_above(std::max(minfd, free_hint_));
  if (fd >= max_files) return std::nullopt;
  install(fd, entry);
  return fd;
}

void FileTable::install(std::int32_t fd, FdEntry entry) {
  assert(fd >= 0);
  if (fd >= slot_count()) {
    // Room at once for the descriptors a process usually holds, rather than
    // a reallocation per descriptor opened or copied by fork (issue 14).
    if (slots_.capacity() == 0) slots_.reserve(kInitialSlots);
    slots_.resize(static_cast<std::size_t>(fd) + 1);
  }
  assert(!slots_[fd].has_value());
  slots_[fd] = entry;
  // fdused: only a hint that pointed exactly here moves on.
  if (fd == free_hint_) free_hint_ = first_free_at_or_above(fd);
}

FdEntry FileTable::release(std::int32_t fd) {
  assert(find(fd) != nullptr);
  FdEntry entry = *slots_[fd];
  slots_[fd].reset();
  if (fd < free_hint_) free_hint_ = fd;
  return entry;
}

std::int32_t FileTable::last_fd() const {
  for (std::int32_t fd = slot_count() - 1; fd >= 0; --fd) {
    if (slots_[fd].has_value()) return fd;
  }
  return -1;
}

}  // namespace kqsim::model
