// pipe_map's placement and entries; see pipe_map.hpp.
#include "model/pipe_map.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

namespace kqsim::model {
namespace {

// vm_map_findspace from vm_map_min for `pages` pages.
std::optional<std::uint32_t> findspace(const std::vector<PipeMapEntry>& entries, std::uint32_t pages) {
  if (entries.empty() || pages <= entries.front().first) return 0;
  // The gap at vm_map_min is too small (or there is none): with a single
  // entry above it the search stops there.
  if (entries.front().first > 0 && entries.size() == 1) return std::nullopt;
  // The lowest gap above an entry that fits; the one above the last entry
  // reaches vm_map_max, far beyond any pipe's needs.
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
    if (entries[i + 1].first - entries[i].end >= pages) return entries[i].end;
  }
  return entries.back().end;
}

// vm_map_mergeable_neighbors (pipe_map's entries differ in nothing else).
bool mergeable(const PipeMapEntry& prev, const PipeMapEntry& next) {
  return prev.end == next.first && prev.object == next.object &&
         (prev.object == 0 || prev.offset + (prev.end - prev.first) == next.offset);
}

}  // namespace

void PipeMap::back(PipeMapEntry& e) {
  if (e.object != 0) return;
  e.object = next_object_++;
  e.offset = 0;
}

std::optional<std::uint32_t> PipeMap::insert(std::uint32_t pages) {
  auto at = findspace(entries_, pages);
  if (!at) return std::nullopt;
  const std::uint32_t end = *at + pages;
  auto next = std::find_if(entries_.begin(), entries_.end(), [&](const PipeMapEntry& e) { return e.first >= end; });
  auto prev = next == entries_.begin() ? entries_.end() : std::prev(next);
  if (prev != entries_.end() && prev->end == *at) {
    prev->end = end;  // vm_map_insert: vm_object_coalesce extends the entry (and its object)
  } else {
    prev = entries_.insert(next, PipeMapEntry{*at, end, 0, 0});
  }
  next = std::next(prev);
  if (next != entries_.end() && mergeable(*prev, *next)) {  // vm_map_try_merge_entries
    prev->end = next->end;
    entries_.erase(next);
  }
  return at;
}

void PipeMap::remove(std::uint32_t first, std::uint32_t pages) {
  const std::uint32_t end = first + pages;
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const PipeMapEntry& e) { return e.end > first; });
  assert(it != entries_.end() && it->first <= first && end <= it->end);
  // vm_map_clip_start / vm_map_clip_end: vm_map_entry_clone backs the entry
  // first, so every piece shares one object at its own offset.
  if (it->first < first || end < it->end) back(*it);
  const PipeMapEntry e = *it;
  it = entries_.erase(it);
  if (end < e.end) it = entries_.insert(it, PipeMapEntry{end, e.end, e.object, e.offset + (end - e.first)});
  if (e.first < first) entries_.insert(it, PipeMapEntry{e.first, first, e.object, e.offset});
}

void PipeMap::touch(std::uint32_t page) {
  for (PipeMapEntry& e : entries_) {
    if (e.first <= page && page < e.end) back(e);
  }
}

}  // namespace kqsim::model
