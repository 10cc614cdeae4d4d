#include "traces/json_fields.hpp"

#include <algorithm>

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
    : file_(std::move(file)),
      step_(step),
      prefix_(std::move(prefix)),
      owned_(std::make_shared<const JsonNodes>(JsonNodes::from_json(obj))),
      nodes_(owned_.get()),
      base_(0),
      node_(0) {
  require_object();
}

FieldReader::FieldReader(std::shared_ptr<const std::string> file, std::optional<std::size_t> step, std::string prefix,
                         const JsonNodes& nodes, Index node)
    : file_(std::move(file)), step_(step), prefix_(std::move(prefix)), nodes_(&nodes), base_(node), node_(node) {
  require_object();
}

FieldReader::FieldReader(const FieldReader& parent, Index node)
    : file_(parent.file_),
      step_(parent.step_),
      prefix_(parent.prefix_),
      owned_(parent.owned_),
      nodes_(parent.nodes_),
      base_(parent.base_),
      node_(node) {
  require_object();
}

void FieldReader::require_object() const {
  if (nodes_->is(node_, JsonKind::kObject)) return;
  std::string where = path_to(node_);
  if (!where.empty()) where.pop_back();  // the '.'
  throw TraceError(*file_, step_, where, "expected a JSON object");
}

std::string FieldReader::path_to(Index node) const {
  std::vector<std::string> pieces;  // innermost first
  for (Index i = node; i != base_;) {
    const Index up = nodes_->parent(i);
    if (nodes_->is(up, JsonKind::kObject)) {
      pieces.push_back(std::string(nodes_->key_of(i)) + ".");
      i = up;
    } else {  // an element of an array that is an object's member: "changes[0]."
      pieces.push_back(std::string(nodes_->key_of(up)) + "[" + std::to_string(nodes_->position(i)) + "].");
      i = nodes_->parent(up);
    }
  }
  std::string out = prefix_;
  for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) out += *it;
  return out;
}

FieldReader FieldReader::at_step(std::size_t step) && {
  step_ = step;
  prefix_.clear();
  base_ = node_;
  return std::move(*this);
}

bool FieldReader::has(std::string_view key) const { return nodes_->find(node_, key) != JsonNodes::kNone; }

bool FieldReader::is_string(std::string_view key) const {
  const Index m = nodes_->find(node_, key);
  return m != JsonNodes::kNone && nodes_->is(m, JsonKind::kString);
}

std::vector<std::string> FieldReader::keys() const {
  std::vector<std::string> out;
  for (Index m = nodes_->first(node_); m != JsonNodes::kNone; m = nodes_->next(m)) out.emplace_back(nodes_->key_of(m));
  std::sort(out.begin(), out.end());
  return out;
}

void FieldReader::fail(std::string_view key, const std::string& message) const {
  throw TraceError(*file_, step_, path(key), message);
}

// The first unknown key in key order, as a std::map would list them.
void FieldReader::finish() const {
  Index unknown = JsonNodes::kNone;
  for (Index m = nodes_->first(node_); m != JsonNodes::kNone; m = nodes_->next(m)) {
    if (used_.contains(m)) continue;
    if (unknown == JsonNodes::kNone || nodes_->key_of(m) < nodes_->key_of(unknown)) unknown = m;
  }
  if (unknown != JsonNodes::kNone) fail(nodes_->key_of(unknown), "unknown field");
}

void FieldReader::skip(std::string_view key) {
  const Index m = nodes_->find(node_, key);
  if (m != JsonNodes::kNone) used_.insert(m);
}

JsonNodes::Index FieldReader::take(std::string_view key) {
  const Index m = nodes_->find(node_, key);
  if (m != JsonNodes::kNone) used_.insert(m);
  return m;
}

JsonNodes::Index FieldReader::get(std::string_view key) {
  const Index m = nodes_->find(node_, key);
  if (m == JsonNodes::kNone) fail(key, "missing");
  used_.insert(m);
  return m;
}

std::int64_t FieldReader::as_int(Index v, std::string_view key) const {
  if (nodes_->is(v, JsonKind::kUint)) {
    if (nodes_->uinteger(v) > static_cast<std::uint64_t>(INT64_MAX)) fail(key, "integer out of range");
    return static_cast<std::int64_t>(nodes_->uinteger(v));
  }
  if (!nodes_->is(v, JsonKind::kInt)) fail(key, "expected an integer");
  return nodes_->integer(v);
}

std::string FieldReader::string_required(std::string_view key) {
  const Index v = get(key);
  if (!nodes_->is(v, JsonKind::kString)) fail(key, "expected a string");
  return std::string(nodes_->text(v));
}

std::optional<std::string> FieldReader::optional_string(std::string_view key) {
  const Index v = take(key);
  if (v == JsonNodes::kNone) return std::nullopt;
  if (!nodes_->is(v, JsonKind::kString)) fail(key, "expected a string");
  return std::string(nodes_->text(v));
}

std::int64_t FieldReader::int_required(std::string_view key) { return as_int(get(key), key); }

std::int64_t FieldReader::int_or(std::string_view key, std::int64_t fallback) {
  const Index v = take(key);
  return v == JsonNodes::kNone ? fallback : as_int(v, key);
}

std::int64_t FieldReader::int_in_range(std::string_view key, std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
  const Index m = take(key);
  if (m == JsonNodes::kNone) return fallback;
  std::int64_t v = as_int(m, key);
  if (v < lo || v > hi) fail(key, "out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

std::uint64_t FieldReader::uint_or(std::string_view key, std::uint64_t fallback) {
  const Index v = take(key);
  if (v == JsonNodes::kNone) return fallback;
  if (nodes_->is(v, JsonKind::kUint)) return nodes_->uinteger(v);
  fail(key, "expected a non-negative integer");
}

bool FieldReader::bool_or(std::string_view key, bool fallback) {
  const Index v = take(key);
  if (v == JsonNodes::kNone) return fallback;
  if (!nodes_->is(v, JsonKind::kBool)) fail(key, "expected true or false");
  return nodes_->boolean(v);
}

IntExpect FieldReader::int_expect_or(std::string_view key, IntExpect fallback) {
  const Index v = take(key);
  if (v == JsonNodes::kNone) return fallback;
  if (nodes_->is(v, JsonKind::kString)) {
    IntExpect e = IntExpect::pid(std::string(nodes_->text(v)));
    if (e.pid_of.empty()) fail(key, "a process name must not be empty");
    return e;
  }
  if (!nodes_->is(v, JsonKind::kObject)) {
    std::int64_t n = as_int(v, key);
    return {n, n};
  }
  FieldReader range(*this, v);
  IntExpect e{range.int_required("min"), range.int_required("max")};
  range.finish();
  if (e.min > e.max) fail(key, "min is greater than max");
  return e;
}

Ref FieldReader::ref(std::string_view key) {
  const Index v = get(key);
  if (nodes_->is(v, JsonKind::kString)) {
    if (nodes_->text(v).empty()) fail(key, "a descriptor name must not be empty");
    return Ref{std::string(nodes_->text(v))};
  }
  if (nodes_->is(v, JsonKind::kUint)) return Ref{nodes_->uinteger(v)};
  fail(key, "expected a descriptor name or a non-negative integer");
}

model::FilterId FieldReader::filter(std::string_view key) {
  const Index v = get(key);
  if (nodes_->is(v, JsonKind::kString)) {
    const std::string_view name = nodes_->text(v);
    auto f = model::filter_from_name(name);
    if (!f) fail(key, "unknown filter name '" + std::string(name) + "'" + did_you_mean(std::string(name), model::known_filter_names()));
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
std::uint32_t FieldReader::symbolic_bits(std::string_view key, Lookup lookup, const char* what, Known known) {
  const Index v = get(key);
  if (nodes_->is(v, JsonKind::kString)) {
    const std::string name(nodes_->text(v));
    const std::string example = lookup(name) ? name : std::string(known().front());
    fail(key, std::string("expected an array of ") + what + " names like [\"" + example + "\"]");
  }
  if (!nodes_->is(v, JsonKind::kArray)) {
    std::int64_t n = as_int(v, key);
    if (n < 0 || n > static_cast<std::int64_t>(UINT32_MAX)) fail(key, "out of range");
    return static_cast<std::uint32_t>(n);
  }
  std::uint32_t bits = 0;
  std::size_t i = 0;
  for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item), ++i) {
    auto item_key = [&] { return std::string(key) + "[" + std::to_string(i) + "]"; };
    if (nodes_->is_number(item)) {
      std::int64_t n = as_int(item, item_key());
      if (n < 0 || n > static_cast<std::int64_t>(UINT32_MAX)) fail(item_key(), "out of range");
      bits |= static_cast<std::uint32_t>(n);
      continue;
    }
    if (!nodes_->is(item, JsonKind::kString)) fail(item_key(), std::string("expected a ") + what + " name or a number");
    const std::string_view name = nodes_->text(item);
    auto bit = lookup(name);
    if (!bit) {
      fail(item_key(), std::string("unknown ") + what + " name '" + std::string(name) + "'" + did_you_mean(name, known()));
    }
    bits |= *bit;
  }
  return bits;
}

model::EventFlags FieldReader::flags_or(std::string_view key, model::EventFlags fallback) {
  if (!has(key)) return fallback;
  std::uint32_t bits = symbolic_bits(key, [](std::string_view n) -> std::optional<std::uint32_t> {
    auto f = model::flag_from_name(n);
    if (!f) return std::nullopt;
    return *f;
  }, "flag", model::known_flag_names);
  if (bits > UINT16_MAX) fail(key, "flags are 16 bits wide");
  return static_cast<model::EventFlags>(bits);
}

std::uint32_t FieldReader::notes_or(std::string_view key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](std::string_view n) { return model::note_from_name(n); }, "note",
                       model::known_note_names);
}

std::uint32_t FieldReader::kqueue_flags_or(std::string_view key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](std::string_view n) -> std::optional<std::uint32_t> {
    if (n == "KQUEUE_CLOEXEC") return model::kqflag::kCloexec;
    if (n == "KQUEUE_CPONFORK") return model::kqflag::kCponfork;
    return std::nullopt;
  }, "kqueuex flag", [] { return std::vector<std::string_view>{"KQUEUE_CLOEXEC", "KQUEUE_CPONFORK"}; });
}

std::uint32_t FieldReader::open_flags(std::string_view key) {
  if (!has(key)) fail(key, "missing: e.g. [\"O_RDWR\", \"O_CREAT\"]");
  return symbolic_bits(key, [](std::string_view n) { return model::open_flag_from_name(n); }, "open flag",
                       model::known_open_flag_names);
}

std::uint32_t FieldReader::pdfork_flags_or(std::string_view key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](std::string_view n) -> std::optional<std::uint32_t> {
    if (n == "PD_DAEMON") return model::pdflag::kDaemon;
    if (n == "PD_CLOEXEC") return model::pdflag::kCloexec;
    return std::nullopt;
  }, "pdfork flag", [] { return std::vector<std::string_view>{"PD_DAEMON", "PD_CLOEXEC"}; });
}

// unmount(2) flags; MNT_FORCE is the only one the model knows.
std::uint32_t FieldReader::mount_flags_or(std::string_view key, std::uint32_t fallback) {
  if (!has(key)) return fallback;
  return symbolic_bits(key, [](std::string_view n) -> std::optional<std::uint32_t> {
    if (n == "MNT_FORCE") return model::mntflag::kForce;
    return std::nullopt;
  }, "unmount flag (only MNT_FORCE is modelled)", [] { return std::vector<std::string_view>{"MNT_FORCE"}; });
}

std::vector<std::string> FieldReader::names(std::string_view key, std::size_t count) {
  const Index v = get(key);
  std::vector<std::string> out;
  if (count == 1 && nodes_->is(v, JsonKind::kString)) {
    out.emplace_back(nodes_->text(v));
  } else if (nodes_->is(v, JsonKind::kArray) && nodes_->size(v) == count) {
    for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item)) {
      if (!nodes_->is(item, JsonKind::kString)) fail(key, "expected names (strings)");
      out.emplace_back(nodes_->text(item));
    }
  } else {
    fail(key, count == 1 ? "expected one name" : "expected an array of " + std::to_string(count) + " names");
  }
  for (const std::string& n : out) {
    if (n.empty()) fail(key, "a name must not be empty");
  }
  return out;
}

std::vector<std::string> FieldReader::names_or_empty(std::string_view key, std::size_t count) {
  return has(key) ? names(key, count) : std::vector<std::string>{};
}

std::vector<std::string> FieldReader::strings_or_empty(std::string_view key) {
  std::vector<std::string> out;
  if (!has(key)) return out;
  const Index v = get(key);
  if (!nodes_->is(v, JsonKind::kArray)) fail(key, "must be an array of names");
  for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item)) {
    if (!nodes_->is(item, JsonKind::kString)) fail(key, "must be an array of names");
    out.emplace_back(nodes_->text(item));
  }
  return out;
}

std::optional<model::Timespec> FieldReader::timespec(std::string_view key) {
  const Index v = get(key);
  if (nodes_->is(v, JsonKind::kNull)) return std::nullopt;
  FieldReader ts(*this, v);
  model::Timespec out{ts.int_required("sec"), ts.int_required("nsec")};
  ts.finish();
  return out;
}

FieldReader FieldReader::object(std::string_view key) { return FieldReader(*this, get(key)); }

JsonNodes::Index FieldReader::items_of(std::string_view key) {
  const Index v = take(key);
  if (v != JsonNodes::kNone && !nodes_->is(v, JsonKind::kArray)) fail(key, "expected an array");
  return v;
}

std::vector<FieldReader> FieldReader::array_items(std::string_view key) {
  std::vector<FieldReader> out;
  const Index v = items_of(key);
  if (v == JsonNodes::kNone) return out;
  out.reserve(nodes_->size(v));
  for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item)) out.push_back(FieldReader(*this, item));
  return out;
}

std::vector<std::optional<FieldReader>> FieldReader::array_items_or_null(std::string_view key) {
  std::vector<std::optional<FieldReader>> out;
  if (!has(key)) return out;
  const Index v = get(key);
  if (!nodes_->is(v, JsonKind::kArray)) fail(key, "expected an array");
  for (Index item = nodes_->first(v); item != JsonNodes::kNone; item = nodes_->next(item)) {
    if (nodes_->is(item, JsonKind::kNull)) out.emplace_back(std::nullopt);
    else out.emplace_back(FieldReader(*this, item));
  }
  return out;
}

}  // namespace kqsim::traces
