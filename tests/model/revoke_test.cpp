// revoke(2) and a forced unmount of the simulated file system (vfs_syscalls.c
// sys_revoke; vfs_mount.c kern_unmount/dounmount; vfs_subr.c vgonel,
// vop_reclaim_post, filt_vfsread/filt_vfswrite/filt_vfsvnode; dead_vnops.c).
// Expected values come from that source, not from the model.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

class RevokeTest : public KernelTest {
 protected:
  using KernelTest::KernelTest;
  SysResult force_unmount() { return k.unmount(pid, ".", mntflag::kForce); }
  static bool unsupported(const SysResult& r) { return r.completion == Completion::kUnsupported; }
};

// sys_revoke: namei errors first, then "v_type != VCHR || v_rdev == NULL"
// is EINVAL; nothing is posted.
TEST_F(RevokeTest, RevokeOfNonDevicesIsEinval) {
  int kq = new_kq();
  int f = open_file("f");
  ASSERT_EQ(k.mkdir(pid, "d").err, Errno::kNone);
  ASSERT_EQ(k.mkfifo(pid, "p").err, Errno::kNone);
  add(kq, kev(f, filt::kVnode, ev::kAdd, 0x7ff));
  EXPECT_EQ(k.revoke(pid, "f").err, Errno::kEINVAL);
  EXPECT_EQ(k.revoke(pid, "d").err, Errno::kEINVAL);
  EXPECT_EQ(k.revoke(pid, "p").err, Errno::kEINVAL);
  EXPECT_EQ(k.revoke(pid, ".").err, Errno::kEINVAL);
  EXPECT_EQ(k.revoke(pid, "missing").err, Errno::kENOENT);
  EXPECT_EQ(k.revoke(pid, "f/x").err, Errno::kENOTDIR);
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// kern_unmount: a path that is not the mount point (or does not exist) is
// EINVAL; without MNT_FORCE, vflush finds the busy root (every process's
// working directory): EBUSY. Neither posts anything.
TEST_F(RevokeTest, UnmountErrors) {
  int kq = new_kq();
  int f = open_file("f");
  ASSERT_EQ(k.mkdir(pid, "d").err, Errno::kNone);
  add(kq, kev(f, filt::kVnode, ev::kAdd, 0x7ff));
  EXPECT_EQ(k.unmount(pid, "d", mntflag::kForce).err, Errno::kEINVAL);
  EXPECT_EQ(k.unmount(pid, "missing", mntflag::kForce).err, Errno::kEINVAL);
  EXPECT_EQ(k.unmount(pid, "f", 0).err, Errno::kEINVAL);
  EXPECT_EQ(k.unmount(pid, ".", 0).err, Errno::kEBUSY);
  EXPECT_EQ(k.unmount(pid, "d/..", 0).err, Errno::kEBUSY);
  EXPECT_FALSE(k.fs_unmounted());
  EXPECT_EQ(poll(kq).sys.ret, 0);
}

// vop_reclaim_post posts NOTE_REVOKE: READ and WRITE knotes turn
// EV_EOF|EV_ONESHOT and fire once (READ keeps the data it last computed);
// an EVFILT_VNODE knote gets EV_EOF, and NOTE_REVOKE only if asked for.
// One kqueue each, so no activation order across knotes matters.
TEST_F(RevokeTest, ForcedUnmountRevokesKnotes) {
  int kr = new_kq();
  int kw = new_kq();
  int kv = new_kq();
  int f = open_file("f");
  k.write(pid, f, 10);
  k.lseek(pid, f, 4, kSeekSet);
  add(kr, kev(f, filt::kRead, ev::kAdd));
  add(kw, kev(f, filt::kWrite, ev::kAdd));
  add(kv, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kRevoke | note::kWrite));
  ASSERT_EQ(force_unmount().ret, 0);
  KeventResult r = poll(kv);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kRevoke);
  EXPECT_EQ(r.events[0].flags, ev::kClear | ev::kEof);
  EXPECT_EQ(poll(kv).sys.ret, 0);
  r = poll(kr);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kOneshot | ev::kEof);
  EXPECT_EQ(r.events[0].data, 6);
  EXPECT_EQ(poll(kr).sys.ret, 0);  // one-shot: gone
  r = poll(kw);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].flags, ev::kOneshot | ev::kEof);
  EXPECT_EQ(poll(kw).sys.ret, 0);
}

// A level-triggered EVFILT_VNODE knote not asking for NOTE_REVOKE still
// fires (hint 0 on a VBAD vnode returns 1), with fflags 0 and EV_EOF, on
// every scan.
TEST_F(RevokeTest, LevelVnodeKnoteKeepsFiringWithoutRevokeInterest) {
  int kq = new_kq();
  int f = open_file("f");
  add(kq, kev(f, filt::kVnode, ev::kAdd, note::kWrite));
  ASSERT_EQ(force_unmount().ret, 0);
  for (int i = 0; i < 2; ++i) {
    KeventResult r = poll(kq);
    ASSERT_EQ(r.sys.ret, 1);
    EXPECT_EQ(r.events[0].fflags, 0U);
    EXPECT_NE(r.events[0].flags & ev::kEof, 0);
  }
}

// deadfs: read and write through a descriptor still open are main's
// dead_read and dead_write, ENXIO (unless a tty; recorded on 15.1, R24) -
// no knote is attached yet, so VOP_WRITE_PRE asks nothing; a new knote on the dead vnode
// fires at once with EV_EOF (vfs_kqfilter attaches, hint 0 sees VBAD), a
// directory's READ knote included; path calls are no longer modelled.
TEST_F(RevokeTest, DeadVnodeAfterUnmount) {
  int kq = new_kq();
  int f = open_file("f");
  ASSERT_EQ(k.mkdir(pid, "d").err, Errno::kNone);
  int d = open_file("d", oflag::kRdonly);
  ASSERT_EQ(force_unmount().ret, 0);
  EXPECT_EQ(k.read(pid, f, 1).err, Errno::kENXIO);
  EXPECT_EQ(k.write(pid, f, 1).err, Errno::kENXIO);
  EXPECT_EQ(k.read(pid, d, 1).err, Errno::kENXIO);
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kRevoke));
  add(kq, kev(d, filt::kRead, ev::kAdd));
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 2);
  EXPECT_EQ(r.events[0].fflags, 0U);  // the NOTE_REVOKE hint was before the knote
  EXPECT_NE(r.events[0].flags & ev::kEof, 0);
  EXPECT_EQ(r.events[1].flags & (ev::kEof | ev::kOneshot), ev::kEof | ev::kOneshot);
  EXPECT_TRUE(unsupported(k.open(pid, "f", oflag::kRdonly)));
  EXPECT_TRUE(unsupported(k.revoke(pid, "f")));
  EXPECT_TRUE(unsupported(force_unmount()));
  EXPECT_EQ(k.close(pid, f).err, Errno::kNone);
}

// vop_close_post filters out only vgonel's own NOCRED close: a later close
// of another descriptor on the dead vnode still posts NOTE_CLOSE_WRITE.
TEST_F(RevokeTest, CloseAfterUnmountStillPostsClose) {
  int kq = new_kq();
  int f = open_file("f");
  int g = open_file("f", oflag::kWronly);
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kCloseWrite | note::kClose));
  ASSERT_EQ(force_unmount().ret, 0);
  KeventResult r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, 0U);
  ASSERT_EQ(k.close(pid, g).err, Errno::kNone);
  r = poll(kq);
  ASSERT_EQ(r.sys.ret, 1);
  EXPECT_EQ(r.events[0].fflags, note::kCloseWrite);
}

// The FIFO under vgonel is not modelled: the unmount says so and changes
// nothing.
TEST_F(RevokeTest, ForcedUnmountWithOpenFifoIsUnsupported) {
  ASSERT_EQ(k.mkfifo(pid, "p").err, Errno::kNone);
  ASSERT_EQ(k.open(pid, "p", oflag::kRdwr).err, Errno::kNone);
  EXPECT_TRUE(unsupported(force_unmount()));
  EXPECT_FALSE(k.fs_unmounted());
}

// VOP_WRITE_PRE: with a knote on the dead vnode's list the write asks
// VOP_GETATTR for the old size, which deadfs refuses with EBADF before
// dead_write runs; a read is dead_read's whatever the knotes (R24).
TEST_F(RevokeTest, DeadVnodeWriteWithAKnoteIsEbadf) {
  int kq = new_kq();
  int f = open_file("f");
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kWrite));
  ASSERT_EQ(force_unmount().ret, 0);
  EXPECT_EQ(k.write(pid, f, 1).err, Errno::kEBADF);
  EXPECT_EQ(k.read(pid, f, 1).err, Errno::kENXIO);
  add(kq, kev(f, filt::kVnode, ev::kDelete, 0));
  EXPECT_EQ(k.write(pid, f, 1).err, Errno::kENXIO);
}

// vn_seek's SEEK_END asks VOP_GETATTR and vn_truncate_locked calls
// VOP_SETATTR: deadfs refuses both with EBADF; SEEK_SET asks nothing (R24).
TEST_F(RevokeTest, DeadVnodeSeekEndAndTruncateAreEbadf) {
  int f = open_file("f");
  ASSERT_EQ(k.write(pid, f, 10).ret, 10);
  ASSERT_EQ(force_unmount().ret, 0);
  EXPECT_EQ(k.lseek(pid, f, 0, kSeekEnd).err, Errno::kEBADF);
  EXPECT_EQ(k.lseek(pid, f, 2, kSeekSet).ret, 2);
  EXPECT_EQ(k.ftruncate(pid, f, 0).err, Errno::kEBADF);
}

// 13.2's deadfs answers EIO (dead_vnops.c of 13.2; recorded, R24).
class Revoke13Test : public RevokeTest {
 protected:
  Revoke13Test() : RevokeTest(*find_profile("freebsd-13.2")) {}
};

TEST_F(Revoke13Test, DeadVnodeIoIsEio) {
  int kq = new_kq();
  int f = open_file("f");
  add(kq, kev(f, filt::kVnode, ev::kAdd | ev::kClear, note::kWrite));
  ASSERT_EQ(force_unmount().ret, 0);
  EXPECT_EQ(k.read(pid, f, 1).err, Errno::kEIO);
  EXPECT_EQ(k.write(pid, f, 1).err, Errno::kEBADF);
  add(kq, kev(f, filt::kVnode, ev::kDelete, 0));
  EXPECT_EQ(k.write(pid, f, 1).err, Errno::kEIO);
}

}  // namespace
}  // namespace kqsim::model::testing
