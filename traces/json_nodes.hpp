// A JSON value held as a run of nodes in one vector, in document order, with
// its strings in one buffer: what a trace is read into (traces/json_fields.hpp
// reads it). A trace's steps are read one at a time into one JsonNodes that
// is cleared and refilled, so reading a step allocates nothing once warm -
// nlohmann's DOM built and freed a std::map node and a string per key, half
// the replay path's time (issue 14).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kqsim::traces {

// nlohmann's value types; kOther is binary (never read from JSON text).
enum class JsonKind : std::uint8_t { kNull, kBool, kInt, kUint, kFloat, kString, kArray, kObject, kOther };

class JsonNodes {
 public:
  using Index = std::size_t;
  static constexpr Index kNone = SIZE_MAX;

  // --- Building, in document order (a SAX parser's events) ---
  void clear();
  // The key of the next value, inside an object.
  void key(std::string_view k);
  void null() { add(JsonKind::kNull); }
  void boolean(bool v) { nodes_[add(JsonKind::kBool)].boolean = v; }
  void integer(std::int64_t v) { nodes_[add(JsonKind::kInt)].integer = v; }
  void uinteger(std::uint64_t v) { nodes_[add(JsonKind::kUint)].uinteger = v; }
  void real(double v) { nodes_[add(JsonKind::kFloat)].real = v; }
  void string(std::string_view v);
  void other() { add(JsonKind::kOther); }
  void open(JsonKind container);  // kArray or kObject
  void close();
  // No container is open: the value begun is complete (or none was begun).
  [[nodiscard]] bool complete() const { return open_.empty(); }
  [[nodiscard]] bool empty() const { return nodes_.empty(); }
  // Nodes are 0 .. count() - 1, in document order, each after its parent.
  [[nodiscard]] std::size_t count() const { return nodes_.size(); }
  // What has been read so far, with every container still open closed: a
  // document's members before the one being read (a trace's header).
  [[nodiscard]] JsonNodes closed_copy() const;

  // The same value as an nlohmann document holds it (members in its order).
  static JsonNodes from_json(const nlohmann::json& value);

  // --- Reading; the value begun first is node 0 ---
  [[nodiscard]] JsonKind kind(Index i) const { return nodes_[i].kind; }
  [[nodiscard]] bool is(Index i, JsonKind k) const { return nodes_[i].kind == k; }
  [[nodiscard]] bool is_number(Index i) const {
    return kind(i) == JsonKind::kInt || kind(i) == JsonKind::kUint || kind(i) == JsonKind::kFloat;
  }
  [[nodiscard]] bool boolean(Index i) const { return nodes_[i].boolean; }
  [[nodiscard]] std::int64_t integer(Index i) const { return nodes_[i].integer; }
  [[nodiscard]] std::uint64_t uinteger(Index i) const { return nodes_[i].uinteger; }
  [[nodiscard]] std::string_view text(Index i) const { return view(nodes_[i].text); }
  // An object member's key ("" for any other node).
  [[nodiscard]] std::string_view key_of(Index i) const { return view(nodes_[i].key); }
  [[nodiscard]] Index parent(Index i) const { return nodes_[i].parent; }
  // Arrays and objects: their direct members, in order.
  [[nodiscard]] std::size_t size(Index i) const { return nodes_[i].size; }
  [[nodiscard]] Index first(Index i) const { return nodes_[i].size == 0 ? kNone : i + 1; }
  [[nodiscard]] Index next(Index member) const {
    const Index after = nodes_[member].end;
    return after < nodes_[nodes_[member].parent].end ? after : kNone;
  }
  // An object's member with this key, or kNone. Linear in a small object,
  // logarithmic in a large one (a sorted index is built when it closes).
  [[nodiscard]] Index find(Index object, std::string_view k) const;
  // The position of an array's element, from 0 (for error messages).
  [[nodiscard]] std::size_t position(Index element) const;

 private:
  struct Span {
    std::size_t at = 0;
    std::size_t length = 0;
  };
  struct Node {
    JsonKind kind = JsonKind::kNull;
    bool boolean = false;
    Index parent = kNone;
    Index end = 0;         // one past this value's last node
    std::size_t size = 0;  // arrays, objects: direct members
    Span key;
    std::uint64_t key_head = 0;  // the key's first 8 bytes: most keys are whole in it
    // Objects: a bit per member key's hash, so looking up a key it lacks
    // (most optional fields of a step) usually compares with none.
    std::uint64_t key_bits = 0;
    union {
      std::int64_t integer;
      std::uint64_t uinteger;
      double real;
      Span text;
      Index sorted;  // objects: where their sorted member list starts in sorted_, or kNone
    };
    Node() : text{} {}
  };
  // Objects with more members get a sorted index.
  static constexpr std::size_t kLinearMembers = 16;

  Index add(JsonKind kind);
  Span store(std::string_view s);
  [[nodiscard]] std::string_view view(Span s) const { return {chars_.data() + s.at, s.length}; }
  void index_members(Index object);

  std::vector<Node> nodes_;
  std::string chars_;
  std::vector<Index> open_;
  std::vector<Index> sorted_;
  Span pending_key_;
  std::uint64_t pending_head_ = 0;
};

}  // namespace kqsim::traces
