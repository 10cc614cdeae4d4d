// The names of the aio calls, aio_lio_opcode values and sigev_notify values.
#include <array>
#include <utility>

#include "model/aio.hpp"

namespace kqsim::model {
namespace {

constexpr std::array<std::pair<std::string_view, std::int32_t>, 7> kOpcodes{{
    {"LIO_NOP", lio::kNop},     {"LIO_WRITE", lio::kWrite}, {"LIO_READ", lio::kRead},   {"LIO_SYNC", lio::kSync},
    {"LIO_MLOCK", lio::kMlock}, {"LIO_WRITEV", lio::kWritev}, {"LIO_READV", lio::kReadv},
}};

constexpr std::array<std::pair<std::string_view, std::int32_t>, 5> kNotify{{
    {"SIGEV_NONE", sigev::kNone},     {"SIGEV_SIGNAL", sigev::kSignal},     {"SIGEV_THREAD", sigev::kThread},
    {"SIGEV_KEVENT", sigev::kKevent}, {"SIGEV_THREAD_ID", sigev::kThreadId},
}};

template <typename Table>
std::optional<std::int32_t> value_of(const Table& table, std::string_view name) {
  for (const auto& [n, v] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

template <typename Table>
const char* name_of(const Table& table, std::int32_t value) {
  for (const auto& [n, v] : table) {
    if (v == value) return n.data();
  }
  return "?";
}

}  // namespace

const char* aio_op_name(AioOp op) {
  switch (op) {
    case AioOp::kRead: return "aio_read";
    case AioOp::kWrite: return "aio_write";
    case AioOp::kError: return "aio_error";
    case AioOp::kReturn: return "aio_return";
    case AioOp::kCancel: return "aio_cancel";
    case AioOp::kLioListio: return "lio_listio";
    case AioOp::kRun: return "aio_run";
  }
  return "?";
}

std::optional<std::int32_t> lio_opcode_from_name(std::string_view name) { return value_of(kOpcodes, name); }
const char* lio_opcode_name(std::int32_t opcode) { return name_of(kOpcodes, opcode); }
std::optional<std::int32_t> sigev_notify_from_name(std::string_view name) { return value_of(kNotify, name); }
const char* sigev_notify_name(std::int32_t notify) { return name_of(kNotify, notify); }

}  // namespace kqsim::model
