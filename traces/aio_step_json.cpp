#include "traces/aio_step_json.hpp"

#include "model/kevent_names.hpp"
#include "model/signals.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

json ref_json(const Ref& r) { return r.is_name() ? json(r.name()) : json(r.number()); }

// A name such as "SIGEV_KEVENT", or a raw number (to probe an invalid one).
std::int32_t parse_named(FieldReader& r, const std::string& key, std::optional<std::int32_t> (*lookup)(std::string_view),
                         const char* what) {
  if (!r.is_string(key)) return static_cast<std::int32_t>(r.int_in_range(key, INT32_MIN, INT32_MAX, 0));
  std::string name = r.string_required(key);
  auto v = lookup(name);
  if (!v) r.fail(key, std::string("unknown ") + what + " '" + name + "'");
  return *v;
}

AioSigevent parse_sigevent(FieldReader r) {
  AioSigevent e;
  if (!r.has("notify")) r.fail("notify", "missing: SIGEV_NONE or SIGEV_KEVENT (the model's only notifications)");
  e.notify = parse_named(r, "notify", model::sigev_notify_from_name, "sigev_notify");
  if (r.has("kq")) {
    e.kq = r.ref("kq");
    e.has_kq = true;
  } else if (e.notify == model::sigev::kKevent) {
    r.fail("kq", "SIGEV_KEVENT needs the kqueue descriptor (sigev_notify_kqueue)");
  }
  e.flags = r.flags_or("flags", 0);
  e.udata = r.uint_or("udata", 0);
  if (r.is_string("signo")) {
    std::string name = r.string_required("signo");
    auto signo = model::signal_from_name(name);
    if (!signo) r.fail("signo", "unknown signal name '" + name + "'");
    e.signo = *signo;
  } else {
    e.signo = static_cast<std::int32_t>(r.int_in_range("signo", 0, 1000, 0));
  }
  r.finish();
  return e;
}

// An aiocb's fields; lio_listio entries carry their own opcode.
AioRequest parse_request(FieldReader& r, bool with_opcode) {
  AioRequest q;
  q.aiocb = r.ref("aiocb");
  q.fd = r.ref("fd");
  q.offset = r.int_or("offset", 0);
  q.bytes = r.int_required("bytes");
  if (q.bytes < 0) r.fail("bytes", "aio_nbytes is a size_t: 0 or more");
  if (with_opcode) {
    if (!r.has("opcode")) r.fail("opcode", "missing: LIO_READ, LIO_WRITE or LIO_NOP");
    q.opcode = parse_named(r, "opcode", model::lio_opcode_from_name, "aio_lio_opcode");
  }
  if (r.has("sigevent")) q.sigevent = parse_sigevent(r.object("sigevent"));
  q.defer = r.bool_or("defer", false);
  return q;
}

// A value by name where it has one, else the number (a probe of an invalid one).
json named(const char* name, std::int32_t value) { return std::string(name) == "?" ? json(value) : json(name); }

json sigevent_json(const AioSigevent& e) {
  json out{{"notify", named(model::sigev_notify_name(e.notify), e.notify)}};
  if (e.has_kq) out["kq"] = ref_json(e.kq);
  if (e.flags != 0) {
    json flags = json::array();
    for (std::uint32_t bit = 1; bit <= 0x8000; bit <<= 1) {
      if ((e.flags & bit) != 0) flags.push_back(model::flags_to_string(static_cast<model::EventFlags>(bit)));
    }
    out["flags"] = flags;
  }
  if (e.udata != 0) out["udata"] = e.udata;
  if (e.signo != 0) out["signo"] = e.signo;
  return out;
}

json request_json(const AioRequest& q, bool with_opcode) {
  if (!q.aiocb) return nullptr;
  json out{{"aiocb", ref_json(*q.aiocb)}};
  if (with_opcode) out["opcode"] = named(model::lio_opcode_name(q.opcode), q.opcode);
  out["fd"] = ref_json(q.fd);
  out["offset"] = q.offset;
  out["bytes"] = q.bytes;
  if (q.sigevent.notify != model::sigev::kNone || q.sigevent.has_kq) out["sigevent"] = sigevent_json(q.sigevent);
  if (q.defer) out["defer"] = true;
  return out;
}

}  // namespace

std::optional<model::AioOp> aio_op_of(Op op) {
  switch (op) {
    case Op::kAioRead: return model::AioOp::kRead;
    case Op::kAioWrite: return model::AioOp::kWrite;
    case Op::kAioError: return model::AioOp::kError;
    case Op::kAioReturn: return model::AioOp::kReturn;
    case Op::kAioCancel: return model::AioOp::kCancel;
    case Op::kLioListio: return model::AioOp::kLioListio;
    case Op::kAioRun: return model::AioOp::kRun;
    default: return std::nullopt;
  }
}

void parse_aio_fields(FieldReader& r, Step& s) {
  AioArgs& a = *s.aio;
  switch (*aio_op_of(s.op)) {
    case model::AioOp::kRead:
    case model::AioOp::kWrite: a.cb = parse_request(r, false); break;
    case model::AioOp::kError:
    case model::AioOp::kReturn: a.cb.aiocb = r.ref("aiocb"); break;
    case model::AioOp::kCancel:
      a.cb.fd = r.ref("fd");
      a.has_fd = true;
      if (r.has("aiocb")) a.cb.aiocb = r.ref("aiocb");
      break;
    case model::AioOp::kRun:
      if (r.has("aiocb")) a.cb.aiocb = r.ref("aiocb");
      break;
    case model::AioOp::kLioListio: {
      if (!r.is_string("mode")) {
        a.mode = static_cast<std::int32_t>(r.int_in_range("mode", INT32_MIN, INT32_MAX, 0));  // to probe a bad one
      } else {
        std::string mode = r.string_required("mode");
        if (mode == "LIO_NOWAIT") a.mode = model::lio::kNowait;
        else if (mode == "LIO_WAIT") a.mode = model::lio::kWait;
        else r.fail("mode", "must be LIO_NOWAIT or LIO_WAIT (or a number)");
      }
      a.list = r.ref("list");
      if (!r.has("entries")) r.fail("entries", "missing: the list's aiocbs (null for a NULL entry)");
      for (auto& entry : r.array_items_or_null("entries")) {
        if (!entry) {
          a.entries.emplace_back();
          continue;
        }
        a.entries.push_back(parse_request(*entry, true));
        entry->finish();
      }
      if (r.has("sigevent")) a.sig = parse_sigevent(r.object("sigevent"));
      break;
    }
  }
}

void aio_fields_to_json(const Step& s, json& out) {
  const AioArgs& a = *s.aio;
  switch (*aio_op_of(s.op)) {
    case model::AioOp::kRead:
    case model::AioOp::kWrite: {
      const json request = request_json(a.cb, false);
      out.update(request);
      break;
    }
    case model::AioOp::kError:
    case model::AioOp::kReturn: out["aiocb"] = ref_json(*a.cb.aiocb); break;
    case model::AioOp::kCancel:
      out["fd"] = ref_json(a.cb.fd);
      if (a.cb.aiocb) out["aiocb"] = ref_json(*a.cb.aiocb);
      break;
    case model::AioOp::kRun:
      if (a.cb.aiocb) out["aiocb"] = ref_json(*a.cb.aiocb);
      break;
    case model::AioOp::kLioListio: {
      if (a.mode == model::lio::kWait) out["mode"] = "LIO_WAIT";
      else if (a.mode == model::lio::kNowait) out["mode"] = "LIO_NOWAIT";
      else out["mode"] = a.mode;
      out["list"] = ref_json(a.list);
      json entries = json::array();
      for (const AioRequest& q : a.entries) entries.push_back(request_json(q, true));
      out["entries"] = entries;
      if (a.sig) out["sigevent"] = sigevent_json(*a.sig);
      break;
    }
  }
}

}  // namespace kqsim::traces
