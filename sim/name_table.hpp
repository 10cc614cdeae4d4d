// The names a trace gives to descriptors, per process. A name stays bound to
// its number after close, like a C variable holding an fd.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kqsim::sim {

class NameTable {
 public:
  void bind(const std::string& name, std::int64_t fd);
  [[nodiscard]] std::optional<std::int64_t> lookup(const std::string& name) const;
  // The most recently bound name for this number, if any.
  [[nodiscard]] std::optional<std::string> name_of(std::int64_t fd) const;

 private:
  struct Binding {
    std::int64_t fd;
    std::uint64_t seq;
  };
  std::map<std::string, Binding> names_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace kqsim::sim
