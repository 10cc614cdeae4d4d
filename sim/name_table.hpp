// The names a trace gives to descriptors, per process. A name stays bound to
// its number after close, like a C variable holding an fd.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kqsim::sim {

class NameTable {
 public:
  void bind(const std::string& name, std::int64_t fd);
  [[nodiscard]] std::optional<std::int64_t> lookup(const std::string& name) const;
  // The most recently bound name for this number, if any.
  [[nodiscard]] std::optional<std::string> name_of(std::int64_t fd) const;

 private:
  // A program names a few dozen descriptors per process and looks one up in
  // nearly every step, and fork copies the whole table: two flat arrays
  // (one allocation each to copy), searched by a hash of the name first.
  struct Binding {
    std::string name;
    std::int64_t fd;
    std::uint64_t seq;
  };
  [[nodiscard]] static std::uint64_t hash(std::string_view name);
  [[nodiscard]] std::size_t find(const std::string& name, std::uint64_t h) const;  // size() when absent
  std::vector<std::uint64_t> hashes_;  // hashes_[i] is the hash of bindings_[i].name
  std::vector<Binding> bindings_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace kqsim::sim
