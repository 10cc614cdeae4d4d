// Strict, typed access to one JSON object of a trace. Each accessor names
// the field in its error; finish() rejects keys nobody read, so a typo
// ("obsreved") is an error rather than a silently ignored expectation.
// It reads JsonNodes (traces/json_nodes.hpp): a trace file's steps are read
// into them with no nlohmann DOM (issue 14); other documents are converted.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/json_nodes.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

class FieldReader {
 public:
  // Over a document nlohmann parsed (converted to nodes once, kept alive by
  // this reader and the ones made from it).
  FieldReader(std::string file, std::optional<std::size_t> step, std::string prefix, const nlohmann::json& obj);
  FieldReader(std::shared_ptr<const std::string> file, std::optional<std::size_t> step, std::string prefix,
              const nlohmann::json& obj);
  // Over nodes the caller keeps alive (a trace's steps, traces/trace_file_reader.hpp).
  FieldReader(std::shared_ptr<const std::string> file, std::optional<std::size_t> step, std::string prefix,
              const JsonNodes& nodes, JsonNodes::Index node = 0);

  FieldReader at_step(std::size_t step) &&;
  [[nodiscard]] bool has(std::string_view key) const;
  // In the order of std::string's <, as nlohmann's object keeps them.
  [[nodiscard]] std::vector<std::string> keys() const;
  [[nodiscard]] bool is_string(std::string_view key) const;
  void skip(std::string_view key);
  void finish() const;
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

  std::string string_required(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  std::int64_t int_required(std::string_view key);
  std::int64_t int_or(std::string_view key, std::int64_t fallback);
  // An integer within [lo, hi], or the fallback when absent.
  std::int64_t int_in_range(std::string_view key, std::int64_t lo, std::int64_t hi, std::int64_t fallback);
  std::uint64_t uint_or(std::string_view key, std::uint64_t fallback);
  bool bool_or(std::string_view key, bool fallback);
  IntExpect int_expect_or(std::string_view key, IntExpect fallback);

  Ref ref(std::string_view key);
  model::FilterId filter(std::string_view key);
  model::EventFlags flags_or(std::string_view key, model::EventFlags fallback);
  std::uint32_t notes_or(std::string_view key, std::uint32_t fallback);
  std::uint32_t pdfork_flags_or(std::string_view key, std::uint32_t fallback);
  std::uint32_t mount_flags_or(std::string_view key, std::uint32_t fallback);  // unmount: MNT_FORCE
  std::uint32_t kqueue_flags_or(std::string_view key, std::uint32_t fallback);
  std::uint32_t open_flags(std::string_view key);  // required: names such as O_RDWR
  std::vector<std::string> names(std::string_view key, std::size_t count);
  std::vector<std::string> names_or_empty(std::string_view key, std::size_t count);
  std::optional<model::Timespec> timespec(std::string_view key);
  // An array of strings (symbolic flag names), empty when absent.
  std::vector<std::string> strings_or_empty(std::string_view key);

  FieldReader object(std::string_view key);
  std::vector<FieldReader> array_items(std::string_view key);
  // The same items handed to `read` one by one, with no vector of readers
  // (a step's changes and events: the replay path, issue 14). Every item is
  // checked to be an object first, so the first error is array_items'.
  template <typename Read>
  void each_item(std::string_view key, Read read) {
    const Index v = items_of(key);
    if (v == JsonNodes::kNone) return;
    for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item)) {
      if (!nodes_->is(item, JsonKind::kObject)) FieldReader(*this, item);  // throws as array_items does
    }
    for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item)) read(FieldReader(*this, item));
  }
  // An array whose items are objects or null (nullopt).
  std::vector<std::optional<FieldReader>> array_items_or_null(std::string_view key);

 private:
  using Index = JsonNodes::Index;
  // A reader of a member object of this one (same file, step and prefix).
  FieldReader(const FieldReader& parent, Index node);
  void require_object() const;
  Index get(std::string_view key);
  // The member with this key, noted as read, or kNone when absent.
  Index take(std::string_view key);
  // The array under `key`, noted as read; kNone when absent.
  Index items_of(std::string_view key);
  // Where a node is, from the reader the prefix belongs to: "changes[0]."
  // (built only for an error message).
  [[nodiscard]] std::string path_to(Index node) const;
  [[nodiscard]] std::string path(std::string_view key) const { return path_to(node_) + std::string(key); }
  std::int64_t as_int(Index v, std::string_view key) const;
  template <typename Lookup, typename Known>
  std::uint32_t symbolic_bits(std::string_view key, Lookup lookup, const char* what, Known known);

  // Shared by an object's readers and its members' (a path is usually too
  // long for the string's inline buffer: one allocation per reader).
  std::shared_ptr<const std::string> file_;
  std::optional<std::size_t> step_;
  std::string prefix_;  // names base_ in messages
  std::shared_ptr<const JsonNodes> owned_;  // a converted nlohmann document, else null
  const JsonNodes* nodes_;
  Index base_;
  Index node_;
  // The members read so far: a short inline list (a step's object has a
  // handful), then a set, so an object with very many keys stays n log n
  // and a step allocates nothing here.
  class UsedKeys {
   public:
    void insert(Index key) {
      if (contains(key)) return;
      if (many_.empty() && count_ < few_.size()) {
        few_[count_++] = key;
        return;
      }
      many_.insert(few_.begin(), few_.begin() + static_cast<std::ptrdiff_t>(count_));
      count_ = 0;
      many_.insert(key);
    }
    [[nodiscard]] bool contains(Index key) const {
      if (!many_.empty()) return many_.count(key) != 0;
      for (std::size_t i = 0; i < count_; ++i) {
        if (few_[i] == key) return true;
      }
      return false;
    }

   private:
    std::array<Index, 16> few_{};
    std::size_t count_ = 0;
    std::set<Index> many_;
  };
  UsedKeys used_;
};

}  // namespace kqsim::traces
