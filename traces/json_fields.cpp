#include "traces/json_fields.hpp"

#include "model/vfs.hpp"

#include "model/kevent_names.hpp"
#include "traces/name_suggest.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::traces {

using nlohmann::json;

FieldReader::FieldReader(std::string file, std::optional<std::size_t> step, std::string prefix, const json& obj)
    : FieldReader(std::make_shared<const std::string>(std::move(file)), step, std::move(prefix), obj) {}

FieldReader::FieldReader(std::shared_ptr<const std::string> file, std::optional<std::size_t> step, std::string prefix,
                         const json& obj)
    : file_(std::move(file)), step_(step), prefix_(std::move(prefix)), obj_(&obj) {
  if (!obj.is_object()) {
    std::string where = prefix_.empty() ? "" : prefix_.substr(0, prefix_.size() - 1);
    throw TraceError(*file_, step_, where, "expected a JSON object");
  }
}

FieldReader FieldReader::at_step(std::size_t step) && {
  step_ = step;
  prefix_.clear();
  return std::move(*this);
}

bool FieldReader::has(const std::string& key) const { return obj_->contains(key); }

std::vector<std::string> FieldReader::keys() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : obj_->items()) out.push_back(key);
  return out;
}

void FieldReader::fail(const std::string& key, const std::string& message) const {
  throw TraceError(*file_, step_, path(key), message);
}

void FieldReader::finish() const {
  for (auto it = obj_->begin(); it != obj_->end(); ++it) {
    if (!used_.contains(&it.key())) fail(it.key(), "unknown field");
  }
}

void FieldReader::skip(const std::string& key) {
  auto it = obj_->find(key);
  if (it != obj_->end()) used_.insert(&it.key());
}

const json& FieldReader::get(const std::string& key) {
  auto it = obj_->find(key);
  if (it == obj_->end()) fail(key, "missing");
  used_.insert(&it.key());
  return *it;
}

std::int64_t FieldReader::as_int(const json& v, const std::string& key) const {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) fail(key, "integer out of range");
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (!v.is_number_integer()) fail(key, "expected an integer");
  return v.get<std::int64_t>();
}

std::string FieldReader::string_required(const std::string& key) {
  const json& v = get(key);
  if (!v.is_string()) fail(key, "expected a string");
  return v.get<std::string>();
}

std::optional<std::string> FieldReader::optional_string(const std::string& key) {
  if (!has(key)) return std::nullopt;
  return string_required(key);
}

std::int64_t FieldReader::int_required(const std::string& key) { return as_int(get(key), key); }

std::int64_t FieldReader::int_or(const std::string& key, std::int64_t fallback) {
  return has(key) ? int_required(key) : fallback;
}

std::int64_t FieldReader::int_in_range(const std::string& key, std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
  if (!has(key)) return fallback;
  std::int64_t v = int_required(key);
  if (v < lo || v > hi) fail(key, "out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

std::uint64_t FieldReader::uint_or(const std::string& key, std::uint64_t fallback) {
  if (!has(key)) return fallback;
  const json& v = get(key);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  fail(key, "expected a non-negative integer");
}

bool FieldReader::bool_or(const std::string& key, bool fallback) {
  if (!has(key)) return fallback;
  const json& v = get(key);
  if (!v.is_boolean()) fail(key, "expected true or false");
  return v.get<bool>();
}

IntExpect FieldReader::int_expect_or(const std::string& key, IntExpect fallback) {
  if (!has(key)) return fallback;
  const json& v = get(key);
  if (v.is_string()) {
    IntExpect e = IntExpect::pid(v.get<std::string>());
    if (e.pid_of.empty()) fail(key, "a process name must not be empty");
    return e;
  }
  if (!v.is_object()) {
    std::int64_t n = as_int(v, key);
    return {n, n};
  }
  FieldReader range(file_, step_, path(key) + ".", v);
  IntExpect e{range.int_required("min"), range.int_required("max")};
  range.finish();
  if (e.min > e.max) fail(key, "min is greater than max");
  return e;
}

Ref FieldReader::ref(const std::string& key) {
  const json& v = get(key);
  if (v.is_string()) {
    if (v.get<std::string>().empty()) fail(key, "a descriptor name must not be empty");
    return Ref{v.get<std::string>()};
  }
  if (v.is_number_unsigned()) return Ref{v.get<std::uint64_t>()};
  fail(key, "expected a descriptor name or a non-negative integer");
}

model::FilterId FieldReader::filter(const std::string& key) {
  const json& v = get(key);
  if (v.is_string()) {
    auto f = model::filter_from_name(v.get<std::string>());
    if (!f) {
      fail(key, "unknown filter name '" + v.get<std::string>() + "'" +
                    did_you_mean(v.get<std::string>(), model::known_filter_names()));
    }
    return *f;
  }
  std::int64_t n = as_int(v, key);
  if (n < INT16_MIN || n > INT16_MAX) fail(key, "filter number out of range");
  return static_cast<model::FilterId>(n);
}

// A list of symbolic names and numbers OR-ed together, or one raw number (to
// write bits that have no name, such as an invalid flag a test wants the
// kernel to see). A lone name, an unknown name or a misspelt one gets an
// error that says what to write instead.
// `known` lists the names, for messages only: it is called only on an error,
// so a correct trace never builds the list (the replay path's cost, issue 14).
template <typename Lookup, typename Known>
std::uint32_t FieldReader::symbolic_bits(const std::string& key, Lookup lookup, const char* what, Known known) {
  const json& v = get(key);
  if (v.is_string()) {
    const std::string example = lookup(v.get<std::string>()) ? v.get<std::string>() : std::string(known().front());
    fail(key, std::string("expected an array of ") + what + " names like [\"" + example + "\"]");
  }
  if (!v.is_array()) {
    std::int64_t n = as_int(v, key);
    if (n < 0 || n > static_cast<std::int64_t>(UINT32_MAX)) fail(key, "out of range");
    return static_cast<std::uint32_t>(n);
  }
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto item_key = [&] { return key + "[" + std::to_string(i) + "]"; };
    if (v[i].is_number()) {
      std::int64_t n = as_int(v[i], item_key());
      if (n < 0 || n > static_cast<std::int64_t>(UINT32_MAX)) fail(item_key(), "out of range");
      bits |= static_cast<std::uint32_t>(n);
      continue;
    }
    if (!v[i].is_string()) fail(item_key(), std::string("expected a ") + what + " name or a number");
    const std::string& name = v[i].get_ref<const std::string&>();
    auto bit = lookup(name);
    if (!bit) fail(item_key(), std::string("unknown ") + what + " name '" + name + "'" + did_you_mean(name, known()));
    bits |= *bit;
  }
  return bits;
}

model::EventFlags FieldReader::flags_or(const std::string& key, model::EventFlags fallback) {
  if (!has(key)) return fallback;
  std::uint32_t bits = symbolic_bits(key, [](const std::string& n) -> std::optional<std::uint32_t> {
    auto f = model::flag_from_name(n);
    if (!f) return std::nullopt;
    return *f;
  }, "flag", model::known_flag_names);
  if (bits > UINT16_MAX) fail(key, "flags are 16 bits wide");
  return static_cast<model::EventFlags>(bits);
}

std::uint32_t FieldReader::notes_or(const std::string& key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](const std::string& n) { return model::note_from_name(n); }, "note",
                       model::known_note_names);
}

std::uint32_t FieldReader::kqueue_flags_or(const std::string& key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](const std::string& n) -> std::optional<std::uint32_t> {
    if (n == "KQUEUE_CLOEXEC") return model::kqflag::kCloexec;
    if (n == "KQUEUE_CPONFORK") return model::kqflag::kCponfork;
    return std::nullopt;
  }, "kqueuex flag", [] { return std::vector<std::string_view>{"KQUEUE_CLOEXEC", "KQUEUE_CPONFORK"}; });
}

std::uint32_t FieldReader::open_flags(const std::string& key) {
  if (!has(key)) fail(key, "missing: e.g. [\"O_RDWR\", \"O_CREAT\"]");
  return symbolic_bits(key, [](const std::string& n) { return model::open_flag_from_name(n); }, "open flag",
                       model::known_open_flag_names);
}

std::uint32_t FieldReader::pdfork_flags_or(const std::string& key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](const std::string& n) -> std::optional<std::uint32_t> {
    if (n == "PD_DAEMON") return model::pdflag::kDaemon;
    if (n == "PD_CLOEXEC") return model::pdflag::kCloexec;
    return std::nullopt;
  }, "pdfork flag", [] { return std::vector<std::string_view>{"PD_DAEMON", "PD_CLOEXEC"}; });
}

// unmount(2) flags; MNT_FORCE is the only one the model knows.
std::uint32_t FieldReader::mount_flags_or(const std::string& key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](const std::string& n) -> std::optional<std::uint32_t> {
    if (n == "MNT_FORCE") return model::mntflag::kForce;
    return std::nullopt;
  }, "unmount flag (only MNT_FORCE is modelled)", [] { return std::vector<std::string_view>{"MNT_FORCE"}; });
}

std::vector<std::string> FieldReader::names(const std::string& key, std::size_t count) {
  const json& v = get(key);
  std::vector<std::string> out;
  if (count == 1 && v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array() && v.size() == count) {
    for (const json& item : v) {
      if (!item.is_string()) fail(key, "expected names (strings)");
      out.push_back(item.get<std::string>());
    }
  } else {
    fail(key, count == 1 ? "expected one name" : "expected an array of " + std::to_string(count) + " names");
  }
  for (const std::string& n : out) {
    if (n.empty()) fail(key, "a name must not be empty");
  }
  return out;
}

std::vector<std::string> FieldReader::names_or_empty(const std::string& key, std::size_t count) {
  return has(key) ? names(key, count) : std::vector<std::string>{};
}

std::vector<std::string> FieldReader::strings_or_empty(const std::string& key) {
  std::vector<std::string> out;
  if (!has(key)) return out;
  const json& v = get(key);
  if (!v.is_array()) fail(key, "must be an array of names");
  for (const json& item : v) {
    if (!item.is_string()) fail(key, "must be an array of names");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<model::Timespec> FieldReader::timespec(const std::string& key) {
  const json& v = get(key);
  if (v.is_null()) return std::nullopt;
  FieldReader ts(file_, step_, path(key) + ".", v);
  model::Timespec out{ts.int_required("sec"), ts.int_required("nsec")};
  ts.finish();
  return out;
}

FieldReader FieldReader::object(const std::string& key) {
  return FieldReader(file_, step_, path(key) + ".", get(key));
}

std::vector<FieldReader> FieldReader::array_items(const std::string& key) {
  std::vector<FieldReader> out;
  if (!has(key)) return out;
  const json& v = get(key);
  if (!v.is_array()) fail(key, "expected an array");
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.emplace_back(file_, step_, path(key) + "[" + std::to_string(i) + "].", v[i]);
  }
  return out;
}

std::vector<std::optional<FieldReader>> FieldReader::array_items_or_null(const std::string& key) {
  std::vector<std::optional<FieldReader>> out;
  if (!has(key)) return out;
  const json& v = get(key);
  if (!v.is_array()) fail(key, "expected an array");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].is_null()) out.emplace_back(std::nullopt);
    else out.emplace_back(FieldReader(file_, step_, path(key) + "[" + std::to_string(i) + "].", v[i]));
  }
  return out;
}

}  // namespace kqsim::traces
