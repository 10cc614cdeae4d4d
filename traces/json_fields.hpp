// Strict, typed access to one JSON object of a trace. Each accessor names
// the field in its error; finish() rejects keys nobody read, so a typo
// ("obsreved") is an error rather than a silently ignored expectation.
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

#include "traces/trace.hpp"

namespace kqsim::traces {

class FieldReader {
 public:
  FieldReader(std::string file, std::optional<std::size_t> step, std::string prefix, const nlohmann::json& obj);
  FieldReader(std::shared_ptr<const std::string> file, std::optional<std::size_t> step, std::string prefix,
              const nlohmann::json& obj);

  FieldReader at_step(std::size_t step) &&;
  [[nodiscard]] bool has(const std::string& key) const;
  [[nodiscard]] std::vector<std::string> keys() const;
  [[nodiscard]] bool is_string(const std::string& key) const { return has(key) && obj_->at(key).is_string(); }
  void skip(const std::string& key);
  void finish() const;
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  std::string string_required(const std::string& key);
  std::optional<std::string> optional_string(const std::string& key);
  std::int64_t int_required(const std::string& key);
  std::int64_t int_or(const std::string& key, std::int64_t fallback);
  // An integer within [lo, hi], or the fallback when absent.
  std::int64_t int_in_range(const std::string& key, std::int64_t lo, std::int64_t hi, std::int64_t fallback);
  std::uint64_t uint_or(const std::string& key, std::uint64_t fallback);
  bool bool_or(const std::string& key, bool fallback);
  IntExpect int_expect_or(const std::string& key, IntExpect fallback);

  Ref ref(const std::string& key);
  model::FilterId filter(const std::string& key);
  model::EventFlags flags_or(const std::string& key, model::EventFlags fallback);
  std::uint32_t notes_or(const std::string& key, std::uint32_t fallback);
  std::uint32_t pdfork_flags_or(const std::string& key, std::uint32_t fallback);
  std::uint32_t mount_flags_or(const std::string& key, std::uint32_t fallback);  // unmount: MNT_FORCE
  std::uint32_t kqueue_flags_or(const std::string& key, std::uint32_t fallback);
  std::uint32_t open_flags(const std::string& key);  // required: names such as O_RDWR
  std::vector<std::string> names(const std::string& key, std::size_t count);
  std::vector<std::string> names_or_empty(const std::string& key, std::size_t count);
  std::optional<model::Timespec> timespec(const std::string& key);
  // An array of strings (symbolic flag names), empty when absent.
  std::vector<std::string> strings_or_empty(const std::string& key);

  FieldReader object(const std::string& key);
  std::vector<FieldReader> array_items(const std::string& key);
  // An array whose items are objects or null (nullopt).
  std::vector<std::optional<FieldReader>> array_items_or_null(const std::string& key);

 private:
  const nlohmann::json& get(const std::string& key);
  std::string path(const std::string& key) const { return prefix_ + key; }
  std::int64_t as_int(const nlohmann::json& v, const std::string& key) const;
  template <typename Lookup, typename Known>
  std::uint32_t symbolic_bits(const std::string& key, Lookup lookup, const char* what, Known known);

  // Shared by an object's readers and its members' (a path is usually too
  // long for the string's inline buffer: one allocation per reader).
  std::shared_ptr<const std::string> file_;
  std::optional<std::size_t> step_;
  std::string prefix_;
  const nlohmann::json* obj_;
  // The keys read so far, as pointers to the object's own key strings (a
  // key the object lacks is never an unknown field, so it need not be
  // kept): a short inline list (a step's object has a handful), then a set,
  // so an object with very many keys stays n log n and a step allocates
  // nothing here.
  class UsedKeys {
   public:
    void insert(const std::string* key) {
      if (contains(key)) return;
      if (many_.empty() && count_ < few_.size()) {
        few_[count_++] = key;
        return;
      }
      many_.insert(few_.begin(), few_.begin() + static_cast<std::ptrdiff_t>(count_));
      count_ = 0;
      many_.insert(key);
    }
    [[nodiscard]] bool contains(const std::string* key) const {
      if (!many_.empty()) return many_.count(key) != 0;
      for (std::size_t i = 0; i < count_; ++i) {
        if (few_[i] == key) return true;
      }
      return false;
    }

   private:
    std::array<const std::string*, 16> few_{};
    std::size_t count_ = 0;
    std::set<const std::string*> many_;
  };
  UsedKeys used_;
};

}  // namespace kqsim::traces
