#include "traces/json_nodes.hpp"

#include <algorithm>
#include <cstring>

namespace kqsim::traces {

void JsonNodes::clear() {
  nodes_.clear();
  chars_.clear();
  open_.clear();
  sorted_.clear();
  pending_key_ = {};
}

JsonNodes::Span JsonNodes::store(std::string_view s) {
  Span span{chars_.size(), s.size()};
  chars_.append(s);
  return span;
}

namespace {

// Byte i at bits 8i. A short key is gathered in a register: copying it
// into the integer in memory and reading all 8 bytes back stalled the load
// (a store-forwarding failure: half of find's time, issue 14).
std::uint64_t head_of(std::string_view k) {
  std::uint64_t head = 0;
  if (k.size() >= sizeof head) {
    std::memcpy(&head, k.data(), sizeof head);
    return head;
  }
  // Two overlapping loads of fixed size, no loop: the same bytes at the same bits.
  const char* p = k.data();
  const std::size_t n = k.size();
  if (n >= 4) {
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + n - 4, sizeof hi);
    return std::uint64_t{lo} | (std::uint64_t{hi} << (8 * (n - 4)));
  }
  if (n >= 2) {
    std::uint16_t lo = 0;
    std::uint16_t hi = 0;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + n - 2, sizeof hi);
    return std::uint64_t{lo} | (std::uint64_t{hi} << (8 * (n - 2)));
  }
  return n == 1 ? static_cast<unsigned char>(p[0]) : 0;
}

// One of 64 bits for a key of this length and head.
std::uint64_t key_bit(std::size_t length, std::uint64_t head) {
  return std::uint64_t{1} << (((head + length) * 0x9E3779B97F4A7C15ULL) >> 58);
}

}  // namespace

void JsonNodes::key(std::string_view k) {
  pending_key_ = store(k);
  pending_head_ = head_of(k);
}

void JsonNodes::string(std::string_view v) {
  const Span text = store(v);
  nodes_[add(JsonKind::kString)].text = text;
}

JsonNodes::Index JsonNodes::add(JsonKind kind) {
  const Index i = nodes_.size();
  Node& n = nodes_.emplace_back();
  n.kind = kind;
  n.end = i + 1;
  if (!open_.empty()) {
    n.parent = open_.back();
    ++nodes_[n.parent].size;
    if (nodes_[n.parent].kind == JsonKind::kObject) {
      n.key = pending_key_;
      n.key_head = pending_head_;
      nodes_[n.parent].key_bits |= key_bit(n.key.length, n.key_head);
    }
  }
  return i;
}

void JsonNodes::open(JsonKind container) {
  const Index i = add(container);
  nodes_[i].sorted = kNone;
  open_.push_back(i);
}

void JsonNodes::close() {
  const Index i = open_.back();
  open_.pop_back();
  nodes_[i].end = nodes_.size();
  if (nodes_[i].kind == JsonKind::kObject && nodes_[i].size > kLinearMembers) index_members(i);
}

JsonNodes JsonNodes::closed_copy() const {
  JsonNodes out = *this;
  while (!out.complete()) out.close();
  return out;
}

void JsonNodes::index_members(Index object) {
  nodes_[object].sorted = sorted_.size();
  for (Index m = first(object); m != kNone; m = next(m)) sorted_.push_back(m);
  std::sort(sorted_.begin() + static_cast<std::ptrdiff_t>(nodes_[object].sorted), sorted_.end(),
            [&](Index a, Index b) { return key_of(a) < key_of(b); });
}

JsonNodes::Index JsonNodes::find(Index object, std::string_view k) const {
  const Node& o = nodes_[object];
  if (o.sorted == kNone) {
    const std::uint64_t head = head_of(k);
    if ((o.key_bits & key_bit(k.size(), head)) == 0) return kNone;
    for (Index m = object + 1; m < o.end; m = nodes_[m].end) {
      const Node& n = nodes_[m];
      if (n.key.length != k.size() || n.key_head != head) continue;
      if (k.size() <= sizeof head || view(n.key) == k) return m;
    }
    return kNone;
  }
  const auto begin = sorted_.begin() + static_cast<std::ptrdiff_t>(o.sorted);
  const auto end = begin + static_cast<std::ptrdiff_t>(o.size);
  const auto it = std::lower_bound(begin, end, k, [&](Index m, std::string_view key) { return key_of(m) < key; });
  return it != end && key_of(*it) == k ? *it : kNone;
}

std::size_t JsonNodes::position(Index element) const {
  std::size_t n = 0;
  for (Index m = first(parent(element)); m != element; m = next(m)) ++n;
  return n;
}

// Iterative, so a deeply nested document (issue 13: a million levels) does
// not exhaust the stack.
JsonNodes JsonNodes::from_json(const nlohmann::json& value) {
  JsonNodes out;
  auto put = [&out](const nlohmann::json& v) {
    switch (v.type()) {
      case nlohmann::json::value_t::null: out.null(); return false;
      case nlohmann::json::value_t::boolean: out.boolean(v.get<bool>()); return false;
      case nlohmann::json::value_t::number_integer: out.integer(v.get<std::int64_t>()); return false;
      case nlohmann::json::value_t::number_unsigned: out.uinteger(v.get<std::uint64_t>()); return false;
      case nlohmann::json::value_t::number_float: out.real(v.get<double>()); return false;
      case nlohmann::json::value_t::string: out.string(v.get_ref<const std::string&>()); return false;
      case nlohmann::json::value_t::array: out.open(JsonKind::kArray); return true;
      case nlohmann::json::value_t::object: out.open(JsonKind::kObject); return true;
      default: out.other(); return false;
    }
  };
  struct Frame {
    const nlohmann::json* container;
    nlohmann::json::const_iterator at;
  };
  std::vector<Frame> stack;
  if (put(value)) stack.push_back({&value, value.cbegin()});
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.at == f.container->cend()) {
      out.close();
      stack.pop_back();
      continue;
    }
    if (f.container->is_object()) out.key(f.at.key());
    const nlohmann::json& member = *f.at;
    ++f.at;
    if (put(member)) stack.push_back({&member, member.cbegin()});
  }
  return out;
}

}  // namespace kqsim::traces
