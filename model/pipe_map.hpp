// pipe_map: the kernel address range pipe buffers are mapped into
// (pipespace_new -> vm_map_find(pipe_map, ..., VMFS_ANY_SPACE) from
// vm_map_min, vm_map_remove in pipe_free_kmem), counted in pages.
//
// Its entries follow vm_map's rules for anonymous memory
// (docs/observed-real-kernels.md R12, R16):
// - an entry gets a VM object when a page of it is first touched (vm_fault:
//   vm_map_lookup backs the whole entry, offset 0), i.e. when data is first
//   written into a buffer of it, and also when it is clipped
//   (vm_map_entry_clone -> vm_map_entry_charge_object: pipe_map is not a
//   system map), so both pieces of a clipped entry share one object;
// - a new mapping right above an entry extends that entry
//   (vm_map_insert -> vm_object_coalesce, which always agrees for an
//   anonymous OBJ_ONEMAPPING object without a backing object);
// - two neighbours merge when they have the same object (or both none) at
//   contiguous offsets (vm_map_try_merge_entries, after an insert), so the
//   pieces of one clipped entry join again when the hole between them is
//   mapped again;
// - vm_map_remove clips entries and never merges.
// Placement is first fit (vm_map_findspace: the lowest gap that fits), with
// one exception seen on FreeBSD 13.2 and 15.1 (R12): when vm_map_min lies in
// a gap too small for the request and the entry above that gap is the map's
// last, vm_map_findspace gives up instead of looking above that entry (it
// searches only the entry's right subtree, and the last entry has none), so
// the mapping fails although the space above is free.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace kqsim::model {

struct PipeMapEntry {
  std::uint32_t first = 0;  // start, in pages from vm_map_min
  std::uint32_t end = 0;
  std::uint32_t object = 0;  // object.vm_object: 0 = none, else an identity
  std::uint32_t offset = 0;  // entry->offset, in pages (meaningful with an object)
};

class PipeMap {
 public:
  // vm_map_find: the first page of `pages` newly mapped pages, or nothing.
  std::optional<std::uint32_t> insert(std::uint32_t pages);
  // vm_map_remove of pages [first, first + pages), which must be mapped.
  void remove(std::uint32_t first, std::uint32_t pages);
  // A fault on the page: the entry holding it gets its VM object.
  void touch(std::uint32_t page);
  // The entries, lowest first.
  [[nodiscard]] const std::vector<PipeMapEntry>& entries() const { return entries_; }

 private:
  void back(PipeMapEntry& e);  // vm_map_entry_back
  std::vector<PipeMapEntry> entries_;
  std::uint32_t next_object_ = 1;
};

}  // namespace kqsim::model
