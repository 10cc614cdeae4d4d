// File-system steps for random programs: regular files, directories and
// FIFOs under a few fixed names, so the model's file system, EVFILT_VNODE
// and the FIFO rules are covered by campaigns. Each name pool holds one kind
// of object (files, FIFOs, directories), and rename and link stay within a
// pool, so a name never changes kind - which keeps the generated programs
// clear of what the model reports as unsupported (EVFILT_READ on a
// directory) or what would block (every open is O_NONBLOCK).
#pragma once

#include <cstdint>
#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "check/prng.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

class FsStepMaker {
 public:
  using NameMaker = std::function<std::string(const char* prefix)>;

  // Appends the steps of one file-system action to `out` (one step, or three
  // to open a directory). Descriptors of files and FIFOs join `fds`;
  // directories are moved to numbers from 200 up and join `dirs`, out of
  // reach of the low numbers the rest of the program names.
  void make(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds, std::vector<std::string>& dirs,
            std::vector<traces::Step>& out);
  // Appends utimes(2) of one of the names the file system may hold (it may
  // not exist yet: ENOENT).
  void make_utimes(Prng& rng, std::vector<traces::Step>& out);
  // The names of the file and FIFO descriptors opened so far (also in `fds`).
  [[nodiscard]] const std::vector<std::string>& opened() const { return opened_; }
  // A closed file's name, never used again.
  void forget(const std::string& name) {
    opened_.erase(std::remove(opened_.begin(), opened_.end(), name), opened_.end());
    open_paths_.erase(name);
  }
  // A forced unmount was made: path calls are no longer to be generated.
  [[nodiscard]] bool unmounted() const { return unmounted_; }
  // A random EVFILT_VNODE interest mask; with freebsd_notes, FreeBSD's own
  // NOTE_OPEN, NOTE_CLOSE, NOTE_CLOSE_WRITE and NOTE_READ among them.
  // Without revoke_note: never NOTE_REVOKE (a name libkqueue lacks on Linux).
  // With open_close_notes (GeneratorOptions::with_reopens) and freebsd_notes,
  // half the masks name NOTE_CLOSE or NOTE_CLOSE_WRITE, which only another
  // open file's close can post (closing the knote's own descriptor removes it
  // first: knote_fdclose before vn_close).
  static std::uint32_t vnode_fflags(Prng& rng, bool freebsd_notes = true, bool revoke_note = true,
                                    bool open_close_notes = false);
  // Without revoke(2) and unmount(2): hosts where they are not kqueue's business.
  void without_revoke_and_unmount() { revoke_and_unmount_ = false; }
  // truncate(2) of files only: a FIFO's is EINVAL on Linux, the host's answer.
  void without_fifo_truncate() { fifo_truncate_ = false; }
  // Without unmount(2) only: a real host's recording directory is no mount point.
  void without_unmount() { unmount_ = false; }
  // GeneratorOptions::with_existing_files: path calls on regular files
  // mostly name one the program created (open with O_CREAT, a rename's or
  // link's target) and has not unlinked or renamed away since, and ftruncate
  // and lseek mostly take an opened file or FIFO, so that these calls
  // succeed and post their vnode notes. Which names exist is the program's
  // intent, not a guarantee (an open may fail, a directory be renamed): a
  // miss is ENOENT, as without.
  void with_existing_files() { existing_files_ = true; }
  // GeneratorOptions::with_forced_unmounts: unmount(2) about three times as
  // often, nearly always forced, and no FIFO opened (an open FIFO bars a
  // forced unmount here: the FIFO under vgonel is not modelled), so that
  // knotes and descriptors live on dead vnodes: NOTE_REVOKE, EV_EOF, and
  // I/O on them (R24).
  void with_forced_unmounts() { forced_unmounts_ = true; }
  // GeneratorOptions::with_reopens: now and then a regular file some
  // descriptor holds is opened again (read from a third of the time) and, most of
  // the time, closed at once, so that knotes on the first descriptor's vnode
  // hear NOTE_OPEN, NOTE_READ and the vn_close of another open file
  // (NOTE_CLOSE, NOTE_CLOSE_WRITE), which a close of their own descriptor
  // never posts to them.
  void with_reopens() { reopens_ = true; }

 private:
  void make_open(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds, std::vector<std::string>& dirs,
                 std::vector<traces::Step>& out);
  void make_file_open(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds, std::uint32_t also,
                      std::vector<traces::Step>& out);
  void make_reopen(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds, std::vector<traces::Step>& out);
  void make_after_unmount(Prng& rng, const std::vector<std::string>& fds, std::vector<traces::Step>& out);
  // with_existing_files: a regular file's path, an existing one 80 % of the
  // time; ftruncate's or lseek's descriptor, an opened file's 80 % of the time.
  std::string file_path(Prng& rng);
  std::string seek_fd(Prng& rng, const std::vector<std::string>& fds);
  void two_file_names(Prng& rng, traces::Op op, std::vector<traces::Step>& out);
  void created(const std::string& path);
  void removed(const std::string& path);
  std::int32_t next_dir_fd_ = 200;
  bool laid_out_ = false;
  bool fifo_truncate_ = true;
  bool fifo_opened_ = false;  // a forced unmount with an open FIFO is unsupported: never after one
  bool unmounted_ = false;    // a forced unmount was made: no more path calls
  bool revoke_and_unmount_ = true;
  bool unmount_ = true;
  bool existing_files_ = false;
  bool forced_unmounts_ = false;
  bool reopens_ = false;
  std::vector<std::string> opened_;
  std::vector<std::string> existing_;  // with_existing_files: regular files the program meant to create
  // with_existing_files, with_reopens: each opened file's path (as renames
  // of existing files move it)
  std::map<std::string, std::string> open_paths_;
};

}  // namespace kqsim::check
