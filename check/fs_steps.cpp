#include "check/fs_steps.hpp"

#include <array>

#include "model/kevent_constants.hpp"
#include "model/vfs.hpp"

namespace kqsim::check {
namespace {

using model::VfsOp;
using traces::Op;
using traces::Ref;
using traces::Step;
namespace oflag = model::oflag;
namespace note = model::note;

constexpr std::array<const char*, 4> kFiles{"f1", "f2", "d/f1", "e/f2"};
constexpr std::array<const char*, 2> kFifos{"p1", "d/p1"};
constexpr std::array<const char*, 3> kDirs{"d", "e", "d/s"};
constexpr std::array<std::uint32_t, 3> kFileModes{0600, 0644, 0640};  // the owner keeps read and write
constexpr std::array<std::uint32_t, 2> kDirModes{0755, 0700};
constexpr std::int32_t kLastDirFd = 900;

template <std::size_t N>
std::string pick(Prng& rng, const std::array<const char*, N>& pool) {
  return pool[rng.below(N)];
}

// A new step at the end of `out`, filled in place: the generator reserves
// room for its longest action, so a step being filled never moves, and a
// Step (over 600 bytes) is not built twice (issue 14).
Step& fs_step(std::vector<Step>& out, Op op, std::string path) {
  Step& s = out.emplace_back();
  s.op = op;
  s.vfs->op = *traces::vfs_op_of(op);
  s.vfs->path = std::move(path);
  return s;
}

std::uint32_t file_open_flags(Prng& rng) {
  static constexpr std::array<std::uint32_t, 3> kAccess{oflag::kRdonly, oflag::kWronly, oflag::kRdwr};
  std::uint32_t flags = kAccess[rng.below(kAccess.size())] | oflag::kNonblock;
  if (rng.chance(80)) flags |= oflag::kCreat;
  if ((flags & oflag::kCreat) != 0 && rng.chance(10)) flags |= oflag::kExcl;
  if (rng.chance(20)) flags |= oflag::kAppend;
  if ((flags & oflag::kAccmode) != oflag::kRdonly && rng.chance(10)) flags |= oflag::kTrunc;
  return flags;
}

// A name pool and the same kind's other name, for rename and link.
void two_names(Prng& rng, Op op, std::vector<Step>& out) {
  const std::uint64_t kind = op == Op::kLink ? 0 : rng.below(3);
  if (kind == 0) {
    Step& s = fs_step(out, op, pick(rng, kFiles));
    s.vfs->path2 = pick(rng, kFiles);
  } else if (kind == 1) {
    Step& s = fs_step(out, op, pick(rng, kFifos));
    s.vfs->path2 = pick(rng, kFifos);
  } else {
    Step& s = fs_step(out, op, pick(rng, kDirs));
    s.vfs->path2 = pick(rng, kDirs);
  }
}

}  // namespace

std::uint32_t FsStepMaker::vnode_fflags(Prng& rng, bool freebsd_notes, bool revoke_note, bool open_close_notes) {
  if (open_close_notes && freebsd_notes && rng.chance(50)) {
    static constexpr std::array<std::uint32_t, 4> kOpenClose{
        note::kClose | note::kCloseWrite, note::kOpen | note::kClose | note::kCloseWrite | note::kRead,
        note::kCloseWrite | note::kWrite | note::kExtend, note::kClose | note::kRead | note::kAttrib};
    return kOpenClose[rng.below(kOpenClose.size())];
  }
  static constexpr std::array<std::uint32_t, 6> kMasks{
      note::kWrite, note::kDelete | note::kRename, note::kWrite | note::kExtend | note::kAttrib | note::kLink,
      note::kOpen | note::kClose | note::kCloseWrite | note::kRead, 0x7ff, note::kAttrib};
  std::uint32_t mask = kMasks[rng.below(kMasks.size())];
  // NOTE_DELETE to NOTE_REVOKE (0x7f) are the names every BSD shares.
  if (!freebsd_notes) mask &= 0x7f;
  if (!revoke_note) mask &= ~note::kRevoke;
  return mask != 0 ? mask : note::kWrite;
}

// open(2) of a regular file, with `also` among the flags drawn.
void FsStepMaker::make_file_open(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds, std::uint32_t also,
                                 std::vector<Step>& out) {
  Step& s = fs_step(out, Op::kOpen, pick(rng, kFiles));
  s.vfs->flags = file_open_flags(rng) | also;
  s.vfs->mode = kFileModes[rng.below(kFileModes.size())];
  s.as = {fresh("f")};
  fds.push_back(s.as[0]);
  opened_.push_back(s.as[0]);
  if ((s.vfs->flags & oflag::kCreat) != 0) created(s.vfs->path);
  if (existing_files_ || reopens_) open_paths_[s.as[0]] = s.vfs->path;
}

// open(2) again of a file a descriptor holds: a second open file on the
// vnode, whose read (vop_read_post: NOTE_READ) and close (vn_close:
// NOTE_CLOSE or, for a writable one, NOTE_CLOSE_WRITE) the knotes registered
// through the first descriptor hear. The path is the program's intent: the
// file may have been unlinked or renamed since (ENOENT).
void FsStepMaker::make_reopen(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds, std::vector<Step>& out) {
  static constexpr std::array<std::uint32_t, 3> kAccess{oflag::kRdonly, oflag::kWronly, oflag::kRdwr};
  auto held = open_paths_.begin();
  std::advance(held, static_cast<std::ptrdiff_t>(rng.below(open_paths_.size())));
  const std::string path = held->second;
  Step& open = fs_step(out, Op::kOpen, path);
  open.vfs->flags = kAccess[rng.below(kAccess.size())] | oflag::kNonblock;
  open.as = {fresh("f")};
  const std::string fd = open.as[0];  // `open` is not used past the next emplace_back
  if ((open.vfs->flags & oflag::kAccmode) != oflag::kWronly && rng.chance(50)) {
    Step& read = out.emplace_back();
    read.op = Op::kRead;
    read.fd = Ref{fd};
    read.bytes = rng.chance(50) ? 10 : 512;
  }
  if (rng.chance(70)) {
    Step& close = out.emplace_back();
    close.op = Op::kClose;
    close.fd = Ref{fd};
    return;
  }
  fds.push_back(fd);
  opened_.push_back(fd);
  open_paths_[fd] = path;
}

void FsStepMaker::make_open(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds,
                            std::vector<std::string>& dirs, std::vector<Step>& out) {
  const std::uint64_t kind = rng.below(5);
  if (kind < 3) return make_file_open(rng, fresh, fds, 0, out);
  if (kind == 3 || next_dir_fd_ > kLastDirFd) {
    if (forced_unmounts_) return make_file_open(rng, fresh, fds, 0, out);  // an open FIFO bars the unmount
    static constexpr std::array<std::uint32_t, 3> kAccess{oflag::kRdonly, oflag::kWronly, oflag::kRdwr};
    Step& s = fs_step(out, Op::kOpen, pick(rng, kFifos));
    s.vfs->flags = kAccess[rng.below(kAccess.size())] | oflag::kNonblock;
    fifo_opened_ = true;
    s.as = {fresh("p")};
    fds.push_back(s.as[0]);
    opened_.push_back(s.as[0]);
    return;
  }
  // A directory: open, move to a high number, close the low one.
  Step& open = fs_step(out, Op::kOpen, pick(rng, kDirs));
  open.vfs->flags = oflag::kRdonly;
  open.as = {fresh("tmp")};
  const std::string low = open.as[0];  // `open` is not used past the next emplace_back
  Step& move = out.emplace_back();
  move.op = Op::kDup2;
  move.fd = Ref{low};
  move.to = Ref{static_cast<std::uint64_t>(next_dir_fd_++)};
  move.as = {fresh("dir")};
  dirs.push_back(move.as[0]);
  Step& close = out.emplace_back();
  close.op = Op::kClose;
  close.fd = Ref{low};
}

void FsStepMaker::make(Prng& rng, const NameMaker& fresh, std::vector<std::string>& fds,
                       std::vector<std::string>& dirs, std::vector<Step>& out) {
  // The first action lays out the directories and FIFOs the pools name, so
  // later actions find something to act on.
  if (!laid_out_) {
    laid_out_ = true;
    for (const char* dir : {"d", "e"}) {
      Step& s = fs_step(out, Op::kMkdir, dir);
      s.vfs->mode = 0755;
    }
    for (const char* fifo : kFifos) {
      Step& s = fs_step(out, Op::kMkfifo, fifo);
      s.vfs->mode = 0644;
    }
    return;
  }
  if (unmounted_) return make_after_unmount(rng, fds, out);
  // revoke(2) of anything the simulated file system holds is EINVAL (or
  // ENOENT). Without MNT_FORCE, or of another path, unmount is EBUSY or
  // EINVAL; a forced unmount kills every vnode and posts NOTE_REVOKE, after
  // which path calls are unsupported - so it comes rarely, and never once a
  // FIFO was opened (the FIFO under vgonel is not modelled).
  if (revoke_and_unmount_ && rng.below(40) == 0) {
    const std::uint64_t kind = rng.below(3);
    fs_step(out, Op::kRevoke, kind == 0 ? pick(rng, kFiles) : kind == 1 ? pick(rng, kFifos) : pick(rng, kDirs));
    return;
  }
  if (revoke_and_unmount_ && unmount_ && rng.below(forced_unmounts_ ? 30 : 100) == 0) {
    const bool root = rng.chance(90);
    Step& s = fs_step(out, Op::kUnmount, root ? "." : pick(rng, kDirs));
    if (rng.chance(forced_unmounts_ ? 90 : 50)) s.vfs->flags = model::mntflag::kForce;
    if (root && s.vfs->flags != 0) {
      if (fifo_opened_) s.vfs->flags = 0;
      unmounted_ = s.vfs->flags != 0;
    }
    return;
  }
  // with_existing_files: a file to act on before anything else.
  if (existing_files_ && existing_.empty()) return make_file_open(rng, fresh, fds, oflag::kCreat, out);
  if (reopens_ && !open_paths_.empty() && rng.below(4) == 0) return make_reopen(rng, fresh, fds, out);
  switch (rng.below(12)) {
    case 0:
    case 1:
    case 2: return make_open(rng, fresh, fds, dirs, out);
    case 3: {
      Step& s = fs_step(out, Op::kMkdir, pick(rng, kDirs));
      s.vfs->mode = kDirModes[rng.below(kDirModes.size())];
      return;
    }
    case 4: fs_step(out, Op::kRmdir, pick(rng, kDirs)); return;
    case 5: {
      Step& s = fs_step(out, Op::kMkfifo, pick(rng, kFifos));
      s.vfs->mode = 0644;
      return;
    }
    case 6: {
      const std::string path = rng.chance(70) ? file_path(rng) : pick(rng, kFifos);
      fs_step(out, Op::kUnlink, path);
      removed(path);
      return;
    }
    case 7: {
      const Op op = rng.chance(70) ? Op::kRename : Op::kLink;
      if (existing_files_ && rng.chance(70)) return two_file_names(rng, op, out);
      return two_names(rng, op, out);
    }
    case 8: {
      const bool dir = rng.chance(30);
      Step& s = fs_step(out, Op::kChmod, dir ? pick(rng, kDirs) : file_path(rng));
      s.vfs->mode = dir ? kDirModes[rng.below(kDirModes.size())] : kFileModes[rng.below(kFileModes.size())];
      return;
    }
    case 9: {
      Step& s = fs_step(out, Op::kTruncate, rng.chance(80) || !fifo_truncate_ ? file_path(rng) : pick(rng, kFifos));
      s.vfs->value = rng.between(0, 300);
      return;
    }
    case 10: {
      if (fds.empty()) return make_open(rng, fresh, fds, dirs, out);
      Step& s = fs_step(out, Op::kFtruncate, "");
      s.fd = Ref{seek_fd(rng, fds)};
      s.vfs->value = rng.between(-1, 300);
      return;
    }
    default: {
      if (fds.empty()) return make_open(rng, fresh, fds, dirs, out);
      Step& s = fs_step(out, Op::kLseek, "");
      s.fd = Ref{seek_fd(rng, fds)};
      s.vfs->value = rng.between(-5, 200);
      s.vfs->whence = static_cast<std::int32_t>(rng.below(3));
      return;
    }
  }
}

void FsStepMaker::make_utimes(Prng& rng, std::vector<Step>& out) {
  const std::uint64_t kind = rng.below(4);
  fs_step(out, Op::kUtimes, kind < 2 ? file_path(rng) : kind == 2 ? pick(rng, kFifos) : pick(rng, kDirs));
}

// Half the time an existing file some descriptor holds open: the one whose
// knotes (EVFILT_VNODE, EVFILT_READ on the open file) hear the call.
std::string FsStepMaker::file_path(Prng& rng) {
  if (!existing_files_ || existing_.empty() || !rng.chance(80)) return pick(rng, kFiles);
  std::vector<std::string> open;
  for (const std::string& path : existing_) {
    const bool held = std::any_of(open_paths_.begin(), open_paths_.end(), [&](const auto& fd) { return fd.second == path; });
    if (held) open.push_back(path);
  }
  if (!open.empty() && rng.chance(50)) return open[rng.below(open.size())];
  return existing_[rng.below(existing_.size())];
}

std::string FsStepMaker::seek_fd(Prng& rng, const std::vector<std::string>& fds) {
  if (existing_files_ && !opened_.empty() && rng.chance(80)) return opened_[rng.below(opened_.size())];
  return fds[rng.below(fds.size())];
}

// rename or link of a regular file to any file name: onto itself (a rename
// that does nothing, a link that is EEXIST), onto another existing file (it
// is replaced: NOTE_DELETE for its knotes), or to a new name.
void FsStepMaker::two_file_names(Prng& rng, Op op, std::vector<Step>& out) {
  const std::string from = file_path(rng);
  const std::string to = pick(rng, kFiles);
  Step& s = fs_step(out, op, from);
  s.vfs->path2 = to;
  if (std::find(existing_.begin(), existing_.end(), from) == existing_.end() || from == to) return;
  created(to);
  if (op != Op::kRename) return;
  removed(from);
  for (auto& fd : open_paths_) {
    if (fd.second == from) fd.second = to;  // the open file keeps its vnode, now under `to`
  }
}

void FsStepMaker::created(const std::string& path) {
  if (std::find(existing_.begin(), existing_.end(), path) == existing_.end()) existing_.push_back(path);
}

void FsStepMaker::removed(const std::string& path) {
  existing_.erase(std::remove(existing_.begin(), existing_.end(), path), existing_.end());
}

// After a forced unmount the names are gone: only seeks that do not ask the
// dead vnode anything (SEEK_SET, SEEK_CUR) remain; with nothing open, a
// descriptor number nobody holds (EBADF).
void FsStepMaker::make_after_unmount(Prng& rng, const std::vector<std::string>& fds, std::vector<Step>& out) {
  Step& s = fs_step(out, Op::kLseek, "");
  s.fd = fds.empty() ? Ref{static_cast<std::uint64_t>(kLastDirFd + 50)} : Ref{fds[rng.below(fds.size())]};
  s.vfs->value = rng.between(0, 200);
  s.vfs->whence = rng.chance(50) ? model::kSeekSet : model::kSeekCur;
}

}  // namespace kqsim::check
