// struct pipe (sys_pipe.c): an anonymous pipe is a pair of ends; each end
// owns the buffer it reads from, so writing into end 1 fills end 0's buffer
// and vice versa (kern_pipe gives both descriptors FREAD|FWRITE).
#pragma once

#include <array>
#include <cstdint>

#include "model/knote_list.hpp"

namespace kqsim::model {

struct PipeEnd {
  std::uint32_t buffer_size = 0;  // pipe_buffer.size
  std::uint32_t buffer_page = 0;  // pipe_buffer.buffer: first page in pipe_map
  bool mapped = false;            // pipe_buffer.buffer != NULL (pipe_free_kmem clears it)
  std::uint32_t buffered = 0;     // pipe_buffer.cnt: bytes readable from this end
  bool eof = false;               // PIPE_EOF
  bool active = true;             // pipe_present == PIPE_ACTIVE
  KnoteList knotes;               // pipe_sel.si_note: own READ knotes, peer's WRITE knotes
  bool named = false;             // PIPE_TYPE_NAMED: a FIFO's pipe, read and written on this end
  std::uint32_t wgen = 0;         // pipe_wgen: how often a FIFO's last writer went away
};

struct PipePair {
  std::array<PipeEnd, 2> ends;
};

// A pipe end is addressed as pair * 2 + side.
inline constexpr std::uint32_t pipe_end_id(std::uint32_t pair, std::uint32_t side) {
  return pair * 2 + side;
}
inline constexpr std::uint32_t pipe_peer_id(std::uint32_t end_id) { return end_id ^ 1U; }

}  // namespace kqsim::model
