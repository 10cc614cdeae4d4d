// A SOCK_DGRAM receive queue (the records of so_rcv's sockbuf), oldest
// first. It allocates nothing until the first datagram, since most sockets
// never hold one (issue 14: random testing makes every socket a program
// names), and a queue emptied by reads reuses its storage.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kqsim::model {

// One datagram on a receive queue: its data and the sender's address that
// precedes it (counted in sb_acc and sb_ctl, never in EVFILT_READ data).
struct Datagram {
  std::uint32_t data_bytes = 0;
  std::uint32_t addr_bytes = 0;
};

class DatagramQueue {
 public:
  using const_iterator = std::vector<Datagram>::const_iterator;

  [[nodiscard]] bool empty() const { return head_ == records_.size(); }
  [[nodiscard]] std::size_t size() const { return records_.size() - head_; }
  [[nodiscard]] const Datagram& front() const {
    assert(!empty());
    return records_[head_];
  }
  [[nodiscard]] const_iterator begin() const { return records_.begin() + static_cast<std::ptrdiff_t>(head_); }
  [[nodiscard]] const_iterator end() const { return records_.end(); }

  void push_back(const Datagram& d) { records_.push_back(d); }
  // sbdroprecord: the oldest record goes. The storage before head_ is
  // reclaimed once it is half the vector, so a long-lived socket that
  // alternates sends and reads does not grow without bound.
  void pop_front() {
    assert(!empty());
    ++head_;
    if (head_ == records_.size()) {
      clear();
    } else if (head_ * 2 >= records_.size()) {
      records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    records_.clear();
    head_ = 0;
  }

 private:
  std::vector<Datagram> records_;
  std::size_t head_ = 0;  // records_[0, head_) are already read
};

}  // namespace kqsim::model
