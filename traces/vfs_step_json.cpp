#include "traces/vfs_step_json.hpp"

#include <cstdio>

namespace kqsim::traces {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPathBytes = 200;  // the recorder's messages carry 256

// A path stays inside the directory the program runs in, so a recording
// touches nothing but its own scratch directory: relative, no "..", plain
// characters only.
std::string parse_path(FieldReader& r, const std::string& key) {
  std::string path = r.string_required(key);
  if (path.empty() || path.size() > kMaxPathBytes) r.fail(key, "a path has 1 to 200 characters");
  if (path[0] == '/') r.fail(key, "paths are relative to the program's scratch directory; '" + path + "' is absolute");
  for (char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '_' || c == '-' || c == '/';
    if (!plain) r.fail(key, "paths use letters, digits, '.', '_', '-' and '/' only");
  }
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (path.compare(pos, slash - pos, "..") == 0 && slash - pos == 2) r.fail(key, "'..' would leave the scratch directory");
    pos = slash + 1;
  }
  return path;
}

// A mode as an octal string ("0644") or an integer.
std::uint32_t parse_mode(FieldReader& r, const std::string& key, std::uint32_t fallback) {
  if (!r.has(key)) return fallback;
  if (!r.is_string(key)) return static_cast<std::uint32_t>(r.int_in_range(key, 0, 07777, 0));
  std::string text = r.string_required(key);
  if (text.empty() || text.size() > 5 || text.find_first_not_of("01234567") != std::string::npos) {
    r.fail(key, "a mode is octal digits such as \"0644\"");
  }
  std::uint32_t mode = static_cast<std::uint32_t>(std::stoul(text, nullptr, 8));
  if (mode > 07777) r.fail(key, "a mode is at most 07777");
  return mode;
}

std::uint32_t parse_open_flags(FieldReader& r) {
  std::uint32_t flags = r.open_flags("flags");
  if ((flags & model::oflag::kAccmode) == model::oflag::kAccmode) r.fail("flags", "O_WRONLY and O_RDWR together");
  return flags;
}

std::string mode_to_string(std::uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

}  // namespace

std::optional<model::VfsOp> vfs_op_of(Op op) {
  switch (op) {
    case Op::kOpen: return model::VfsOp::kOpen;
    case Op::kMkdir: return model::VfsOp::kMkdir;
    case Op::kRmdir: return model::VfsOp::kRmdir;
    case Op::kMkfifo: return model::VfsOp::kMkfifo;
    case Op::kUnlink: return model::VfsOp::kUnlink;
    case Op::kRename: return model::VfsOp::kRename;
    case Op::kLink: return model::VfsOp::kLink;
    case Op::kChmod: return model::VfsOp::kChmod;
    case Op::kTruncate: return model::VfsOp::kTruncate;
    case Op::kFtruncate: return model::VfsOp::kFtruncate;
    case Op::kLseek: return model::VfsOp::kLseek;
    case Op::kRevoke: return model::VfsOp::kRevoke;
    case Op::kUnmount: return model::VfsOp::kUnmount;
    case Op::kUtimes: return model::VfsOp::kUtimes;
    default: return std::nullopt;
  }
}

void parse_vfs_fields(FieldReader& r, Step& s) {
  model::VfsCall& c = *s.vfs;
  c.op = *vfs_op_of(s.op);
  switch (c.op) {
    case model::VfsOp::kOpen:
      c.path = parse_path(r, "path");
      c.flags = parse_open_flags(r);
      c.mode = parse_mode(r, "mode", 0644);
      s.as = r.names("as", 1);
      break;
    case model::VfsOp::kMkdir: c.path = parse_path(r, "path"); c.mode = parse_mode(r, "mode", 0755); break;
    case model::VfsOp::kMkfifo: c.path = parse_path(r, "path"); c.mode = parse_mode(r, "mode", 0644); break;
    case model::VfsOp::kRmdir:
    case model::VfsOp::kRevoke:
    case model::VfsOp::kUtimes:
    case model::VfsOp::kUnlink: c.path = parse_path(r, "path"); break;
    case model::VfsOp::kUnmount: c.path = parse_path(r, "path"); c.flags = r.mount_flags_or("flags", 0); break;
    case model::VfsOp::kRename:
    case model::VfsOp::kLink:
      c.path = parse_path(r, "from");
      c.path2 = parse_path(r, "to");
      break;
    case model::VfsOp::kChmod:
      c.path = parse_path(r, "path");
      if (!r.has("mode")) r.fail("mode", "missing");
      c.mode = parse_mode(r, "mode", 0);
      break;
    case model::VfsOp::kTruncate: c.path = parse_path(r, "path"); c.value = r.int_required("length"); break;
    case model::VfsOp::kFtruncate: s.fd = r.ref("fd"); c.value = r.int_required("length"); break;
    case model::VfsOp::kLseek: {
      s.fd = r.ref("fd");
      c.value = r.int_required("offset");
      std::string whence = r.string_required("whence");
      auto w = model::whence_from_name(whence);
      if (!w) r.fail("whence", "must be SEEK_SET, SEEK_CUR or SEEK_END");
      c.whence = *w;
      break;
    }
  }
}

void vfs_fields_to_json(const Step& s, json& out) {
  const model::VfsCall& c = *s.vfs;
  switch (c.op) {
    case model::VfsOp::kOpen:
      out["path"] = c.path;
      out["flags"] = model::open_flags_to_names(c.flags);
      out["mode"] = mode_to_string(c.mode);
      out["as"] = s.as[0];
      break;
    case model::VfsOp::kMkdir:
    case model::VfsOp::kMkfifo:
    case model::VfsOp::kChmod: out["path"] = c.path; out["mode"] = mode_to_string(c.mode); break;
    case model::VfsOp::kRmdir:
    case model::VfsOp::kRevoke:
    case model::VfsOp::kUtimes:
    case model::VfsOp::kUnlink: out["path"] = c.path; break;
    case model::VfsOp::kUnmount:
      out["path"] = c.path;
      out["flags"] = (c.flags & model::mntflag::kForce) != 0 ? json::array({"MNT_FORCE"}) : json::array();
      break;
    case model::VfsOp::kRename:
    case model::VfsOp::kLink: out["from"] = c.path; out["to"] = c.path2; break;
    case model::VfsOp::kTruncate: out["path"] = c.path; out["length"] = c.value; break;
    case model::VfsOp::kFtruncate:
      out["fd"] = s.fd.is_name() ? json(s.fd.name()) : json(s.fd.number());
      out["length"] = c.value;
      break;
    case model::VfsOp::kLseek:
      out["fd"] = s.fd.is_name() ? json(s.fd.name()) : json(s.fd.number());
      out["offset"] = c.value;
      out["whence"] = model::whence_name(c.whence);
      break;
  }
}

}  // namespace kqsim::traces
