// EVFILT_READ, EVFILT_WRITE and EVFILT_VNODE on vnodes (vfs_subr.c
// vfs_kqfilter, filt_vfs*, the VOP_*_post hooks).
#include <map>

#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class VnodeFilterTest : public KernelTest {
 protected:
  // The fflags of the one EVFILT_VNODE event a poll returns, or -1.
  std::int64_t vnode_fflags(int kq, int fd) {
    KeventResult r = poll(kq);
    for (const KEvent& e : r.events) {
      if (e.filter == filt::kVnode && e.ident == static_cast<std::uint64_t>(fd)) return e.fflags;
    }
    return -1;
  }
};

// filt_vfsread: data = size - offset, negative past the end; true when not 0
// or with NOTE_FILE_POLL. lseek posts nothing (vn_seek has no knote), so a
// knote that was false is only re-evaluated when the vnode posts a hint.
TEST_F(VnodeFilterTest, ReadDataIsSizeMinusOffset) {
  int kq = new_kq();
  int f = open_file("f");
  k.write(pid, f, 10);
  add(kq, kev(f, filt::kRead, ev::kAdd));
  EXPECT_EQ(poll(kq).sys.ret, 0);
  k.lseek(pid, f, 3, kSeekSet);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  k.chmod(pid, "f", 0600);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 7);
  k.lseek(pid, f, 12, kSeekSet);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, -2);
  k.lseek(pid, f, 10, kSeekSet);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  add(kq, kev(f, filt::kRead, ev::kAdd, note::kFilePoll));
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(r.events[0].fflags, 0U);
}

// A write through another descriptor re-evaluates the READ knote (one list).
TEST_F(VnodeFilterTest, WriteElsewhereWakesReader) {
  int kq = new_kq();
  int r = open_file("f", oflag::kRdonly | oflag::kCreat);
  int w = open_file("f", oflag::kWronly);
  add(kq, kev(r, filt::kRead, ev::kAdd | ev::kClear));
  k.write(pid, w, 4);
  KeventResult res = poll(kq);
  ASSERT_EQ(res.sys.ret, 1);
  EXPECT_EQ(res.events[0].data, 4);
}

// filt_vfswrite: always true, data 0; EMPTY is EINVAL; READ on a directory
// is reported as not modelled.
TEST_F(VnodeFilterTest, WriteAlwaysTrueEmptyRefused) {
  int kq = new_kq();
  int f = open_file("f");
  KeventResult r = apply(kq, {kev(f, filt::kWrite, ev::kAdd)}, 8);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].data, 0);
  EXPECT_EQ(apply(kq, {kev(f, filt::kEmpty, ev::kAdd)}).sys.err, Errno::kEINVAL);
  ASSERT_EQ(k.mkdir(pid, "d", 0755).ret, 0);
  int d = open_file("d", oflag::kRdonly);
  EXPECT_EQ(apply(kq, {kev(d, filt::kRead, ev::kAdd)}).sys.completion, Completion::kUnsupported);
  add(kq, kev(d, filt::kVnode, ev::kAdd, note::kWrite));
}

// filt_vfsvnode: a hint sharing a bit with the interest mask is OR-ed in
// whole (T/vnode.c note_write); an unrelated hint is not recorded.
TEST_F(VnodeFilterTest, WholeHintLeaksThroughOneMatchingBit) {
  int kq = new_kq();
  int f = open_file("f");
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kWrite));
  k.write(pid, f, 1);
  EXPECT_EQ(vnode_fflags(kq, f), note::kWrite | note::kExtend);
  k.chmod(pid, "f", 0600);
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// VOP_WRITE_POST: NOTE_EXTEND only past the old size; nothing for 0 bytes;
// O_APPEND writes at the end.
TEST_F(VnodeFilterTest, WriteHints) {
  int kq = new_kq();
  int f = open_file("f");
  k.write(pid, f, 10);
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kWrite | note::kExtend));
  k.lseek(pid, f, 0, kSeekSet);
  k.write(pid, f, 10);
  EXPECT_EQ(vnode_fflags(kq, f), note::kWrite);
  k.write(pid, f, 1);
  EXPECT_EQ(vnode_fflags(kq, f), note::kWrite | note::kExtend);
  k.write(pid, f, 0);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  int a = open_file("f", oflag::kWronly | oflag::kAppend);
  k.write(pid, a, 2);
  EXPECT_EQ(vnode_fflags(kq, f), note::kWrite | note::kExtend);
}

// Without EV_CLEAR the fflags stay and the knote is returned every time.
TEST_F(VnodeFilterTest, FflagsPersistWithoutClear) {
  int kq = new_kq();
  int f = open_file("f");
  add(kq, kev(f, filt::kVnode, ev::kAdd, note::kAttrib | note::kDelete));
  k.chmod(pid, "f", 0600);
  EXPECT_EQ(vnode_fflags(kq, f), note::kAttrib);
  EXPECT_EQ(vnode_fflags(kq, f), note::kAttrib);
  k.unlink(pid, "f");
  EXPECT_EQ(vnode_fflags(kq, f), note::kAttrib | note::kDelete);
}

// vop_open_post / vop_read_post / vop_close_post; the close note comes only
// with the last reference (closef -> vn_closefile) and a knote on the
// closing descriptor is gone before it (knote_fdclose first).
TEST_F(VnodeFilterTest, OpenReadCloseNotes) {
  int kq = new_kq();
  int f = open_file("f");
  const std::uint32_t all = note::kOpen | note::kRead | note::kClose | note::kCloseWrite;
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, all));
  int r = open_file("f", oflag::kRdonly);
  EXPECT_EQ(vnode_fflags(kq, f), note::kOpen);
  k.read(pid, r, 1);
  EXPECT_EQ(vnode_fflags(kq, f), note::kRead);
  k.read(pid, r, 0);  // dofileread returns before VOP_READ
  EXPECT_EQ(poll(kq).sys.ret, 0);
  int d = static_cast<int>(k.dup(pid, r).ret);
  k.close(pid, r);
  EXPECT_EQ(poll(kq).sys.ret, 0);
  k.close(pid, d);
  EXPECT_EQ(vnode_fflags(kq, f), note::kClose);
  int w = open_file("f", oflag::kWronly);
  k.close(pid, w);
  EXPECT_EQ(vnode_fflags(kq, f), note::kOpen | note::kCloseWrite);
  k.close(pid, f);  // the knote on f goes first: nothing to report, nothing left
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// vop_rename_post on the directories: within one, NOTE_WRITE; across,
// NOTE_WRITE|NOTE_EXTEND and NOTE_LINK for a directory, except on the target
// when it replaces a directory (held open here: see the next test); the
// replaced vnode gets NOTE_DELETE.
TEST_F(VnodeFilterTest, RenameHintsOnDirectories) {
  int kq = new_kq();
  ASSERT_EQ(k.mkdir(pid, "a", 0755).ret, 0);
  ASSERT_EQ(k.mkdir(pid, "b", 0755).ret, 0);
  ASSERT_EQ(k.mkdir(pid, "a/s", 0755).ret, 0);
  ASSERT_EQ(k.mkdir(pid, "b/t", 0755).ret, 0);
  int a = open_file("a", oflag::kRdonly);
  int b = open_file("b", oflag::kRdonly);
  int t = open_file("b/t", oflag::kRdonly);
  const std::uint32_t all = note::kWrite | note::kExtend | note::kLink | note::kDelete | note::kRename;
  add(kq, kev(a, filt::kVnode, ev::kAdd | ev::kClear, all));
  add(kq, kev(b, filt::kVnode, ev::kAdd | ev::kClear, all));
  add(kq, kev(t, filt::kVnode, ev::kAdd | ev::kClear, all));
  ASSERT_EQ(k.rename(pid, "a/s", "b/t").ret, 0);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 3);
  std::map<std::uint64_t, std::uint32_t> fflags;
  for (const KEvent& e : r.events) fflags[e.ident] = e.fflags;
  EXPECT_EQ(fflags[static_cast<std::uint64_t>(a)], note::kWrite | note::kExtend | note::kLink);
  EXPECT_EQ(fflags[static_cast<std::uint64_t>(b)], note::kWrite | note::kExtend);
  EXPECT_EQ(fflags[static_cast<std::uint64_t>(t)], note::kDelete);
  ASSERT_EQ(k.open(pid, "b/f", oflag::kWronly | oflag::kCreat).err, Errno::kNone);
  (void)poll(kq);
  ASSERT_EQ(k.mkdir(pid, "b/u", 0755).ret, 0);
  const int u = open_file("b/u", oflag::kRdonly);
  (void)poll(kq);
  ASSERT_EQ(k.rename(pid, "b/t", "b/u").ret, 0);  // a directory replaces one in the same directory
  EXPECT_EQ(vnode_fflags(kq, b), note::kWrite | note::kLink);
  k.close(pid, u);
}

// R41: vop_rename_post reads the replaced vnode's type after its last use
// reference went; a replaced directory no open file holds was recycled
// (VBAD) by then and counts as no directory: within one directory the
// parent gets NOTE_WRITE alone, across directories the target keeps
// NOTE_LINK (regressions/rename-onto-unopened-directory).
TEST_F(VnodeFilterTest, RenameOntoAnUnopenedDirectory) {
  int kq = new_kq();
  for (const char* d : {"a", "b", "a/s", "b/t", "b/u"}) ASSERT_EQ(k.mkdir(pid, d, 0755).ret, 0);
  int b = open_file("b", oflag::kRdonly);
  add(kq, kev(b, filt::kVnode, ev::kAdd | ev::kClear, note::kWrite | note::kExtend | note::kLink));
  ASSERT_EQ(k.rename(pid, "a/s", "b/t").ret, 0);  // across: b/t held by nothing
  EXPECT_EQ(vnode_fflags(kq, b), note::kWrite | note::kExtend | note::kLink);
  ASSERT_EQ(k.rename(pid, "b/t", "b/u").ret, 0);  // within b: b/u held by nothing
  EXPECT_EQ(vnode_fflags(kq, b), note::kWrite);
  int u = open_file("b/u", oflag::kRdonly);
  ASSERT_EQ(k.close(pid, u).err, Errno::kNone);  // a descriptor closed before holds nothing
  ASSERT_EQ(k.mkdir(pid, "b/v", 0755).ret, 0);
  (void)poll(kq);
  ASSERT_EQ(k.rename(pid, "b/u", "b/v").ret, 0);
  EXPECT_EQ(vnode_fflags(kq, b), note::kWrite);
}

// knote_drop on close: the vnode's list forgets the knote.
TEST_F(VnodeFilterTest, CloseDetachesFromVnode) {
  int kq = new_kq();
  int f = open_file("f");
  add(kq, kev(f, filt::kVnode, ev::kAdd, note::kWrite));
  add(kq, kev(f, filt::kRead, ev::kAdd));
  ASSERT_EQ(k.vnodes()[kFirstVnode].knotes.size(), 2U);
  k.close(pid, f);
  EXPECT_TRUE(k.vnodes()[kFirstVnode].knotes.empty());
}

}  // namespace
}  // namespace kqsim::model::testing
