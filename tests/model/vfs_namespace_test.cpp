// The simulated file system's calls (vfs_syscalls.c, vfs_vnops.c): results,
// errors and link counts, without kqueue.
#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {
namespace {

using VfsTest = KernelTest;

constexpr std::uint32_t kRw = oflag::kRdwr;
constexpr std::uint32_t kCreate = oflag::kRdwr | oflag::kCreat;

std::uint32_t vnode_of(const Kernel& k, Pid pid, int fd) {
  return k.files()[k.process(pid)->fds.find(fd)->file].vnode;
}

// open(2): O_CREAT makes the file, O_EXCL refuses an existing one, a missing
// name without O_CREAT or a missing directory is ENOENT, a file used as a
// directory ENOTDIR, O_WRONLY|O_RDWR EINVAL; descriptors start at 3.
TEST_F(VfsTest, OpenCreatesAndReportsErrors) {
  EXPECT_EQ(k.open(pid, "f", kRw).err, Errno::kENOENT);
  EXPECT_EQ(k.open(pid, "f", kCreate).ret, 3);
  EXPECT_EQ(k.open(pid, "f", kCreate | oflag::kExcl).err, Errno::kEEXIST);
  EXPECT_EQ(k.open(pid, "f", kCreate).ret, 4);
  EXPECT_EQ(k.open(pid, "nodir/f", kCreate).err, Errno::kENOENT);
  EXPECT_EQ(k.open(pid, "f/g", kCreate).err, Errno::kENOTDIR);
  EXPECT_EQ(k.open(pid, "f", oflag::kWronly | oflag::kRdwr).err, Errno::kEINVAL);
  EXPECT_EQ(k.open(pid, "f", 0x40000000).completion, Completion::kUnsupported);
}

// A directory opens read-only; for writing it is EISDIR (vn_open_vnode).
TEST_F(VfsTest, DirectoryOpensReadOnly) {
  ASSERT_EQ(k.mkdir(pid, "d", 0755).ret, 0);
  EXPECT_EQ(k.open(pid, "d", oflag::kRdonly).ret, 3);
  EXPECT_EQ(k.open(pid, "d", oflag::kWronly).err, Errno::kEISDIR);
  EXPECT_EQ(k.open(pid, "d", oflag::kRdwr).err, Errno::kEISDIR);
  EXPECT_EQ(k.open(pid, ".", oflag::kRdonly).ret, 4);
  EXPECT_EQ(k.read(pid, 3, 10).err, Errno::kEISDIR);  // security.bsd.allow_read_dir=0
  ASSERT_EQ(k.open(pid, "f", oflag::kRdwr | oflag::kCreat).ret, 5);
  EXPECT_EQ(k.open(pid, "f/", oflag::kRdonly).err, Errno::kENOTDIR);
  EXPECT_EQ(k.open(pid, "d/", oflag::kRdonly).ret, 6);
}

// Reads advance the offset and stop at the size; writes extend it; O_APPEND
// writes at the end; lseek SEEK_SET/CUR/END and its EINVAL for a negative
// result or an unknown whence (lseek(2)).
TEST_F(VfsTest, ReadWriteSeek) {
  int f = static_cast<int>(k.open(pid, "f", kCreate).ret);
  EXPECT_EQ(k.write(pid, f, 10).ret, 10);
  EXPECT_EQ(k.read(pid, f, 5).ret, 0);  // at the end
  EXPECT_EQ(k.lseek(pid, f, 2, kSeekSet).ret, 2);
  EXPECT_EQ(k.read(pid, f, 5).ret, 5);
  EXPECT_EQ(k.lseek(pid, f, 0, kSeekCur).ret, 7);
  EXPECT_EQ(k.read(pid, f, 100).ret, 3);
  EXPECT_EQ(k.lseek(pid, f, -4, kSeekEnd).ret, 6);
  EXPECT_EQ(k.lseek(pid, f, -11, kSeekEnd).err, Errno::kEINVAL);
  EXPECT_EQ(k.lseek(pid, f, 0, 7).err, Errno::kEINVAL);
  int a = static_cast<int>(k.open(pid, "f", oflag::kWronly | oflag::kAppend).ret);
  EXPECT_EQ(k.write(pid, a, 5).ret, 5);
  EXPECT_EQ(k.vnodes()[vnode_of(k, pid, f)].size, 15);
  EXPECT_EQ(k.lseek(pid, a, 0, kSeekCur).ret, 15);
}

// fget_read / fget_write: the wrong direction is EBADF, even for 0 bytes.
TEST_F(VfsTest, AccessModeIsChecked) {
  int r = static_cast<int>(k.open(pid, "f", oflag::kRdonly | oflag::kCreat).ret);
  int w = static_cast<int>(k.open(pid, "f", oflag::kWronly).ret);
  EXPECT_EQ(k.write(pid, r, 1).err, Errno::kEBADF);
  EXPECT_EQ(k.read(pid, w, 1).err, Errno::kEBADF);
  EXPECT_EQ(k.read(pid, w, 0).err, Errno::kEBADF);
}

// lseek on a pipe or kqueue is ESPIPE.
TEST_F(VfsTest, LseekOnPipeAndKqueueIsEspipe) {
  int kq = new_kq();
  auto p = new_pipe();
  EXPECT_EQ(k.lseek(pid, p[0], 0, kSeekSet).err, Errno::kESPIPE);
  EXPECT_EQ(k.lseek(pid, kq, 0, kSeekSet).err, Errno::kESPIPE);
  EXPECT_EQ(k.lseek(pid, 99, 0, kSeekSet).err, Errno::kEBADF);
}

// mkdir/rmdir and the link counts: a directory has 2 + its subdirectories.
TEST_F(VfsTest, DirectoriesAndLinkCounts) {
  ASSERT_EQ(k.mkdir(pid, "a", 0755).ret, 0);
  ASSERT_EQ(k.mkdir(pid, "a/b", 0755).ret, 0);
  EXPECT_EQ(k.mkdir(pid, "a", 0755).err, Errno::kEEXIST);
  EXPECT_EQ(k.vnodes()[kRootVnode].nlink, 4U);  // 2 + "tmp" + "a"
  EXPECT_EQ(k.rmdir(pid, "a").err, Errno::kENOTEMPTY);
  EXPECT_EQ(k.rmdir(pid, "a/x").err, Errno::kENOENT);
  ASSERT_EQ(k.open(pid, "a/f", kCreate).ret, 3);
  EXPECT_EQ(k.rmdir(pid, "a/f").err, Errno::kENOTDIR);
  EXPECT_EQ(k.unlink(pid, "a/b").err, Errno::kEPERM);  // FreeBSD: unlink of a directory
  EXPECT_EQ(k.rmdir(pid, "a/b").ret, 0);
  EXPECT_EQ(k.rmdir(pid, ".").err, Errno::kEINVAL);
}

// link adds a name (nlink 2); unlinking a name leaves the other.
TEST_F(VfsTest, HardLinks) {
  int f = static_cast<int>(k.open(pid, "f", kCreate).ret);
  ASSERT_EQ(k.link(pid, "f", "g").ret, 0);
  const std::uint32_t v = vnode_of(k, pid, f);
  EXPECT_EQ(k.vnodes()[v].nlink, 2U);
  EXPECT_EQ(k.link(pid, "f", "g").err, Errno::kEEXIST);
  ASSERT_EQ(k.mkdir(pid, "d", 0755).ret, 0);
  EXPECT_EQ(k.link(pid, "d", "e").err, Errno::kEPERM);
  EXPECT_EQ(k.unlink(pid, "f").ret, 0);
  EXPECT_EQ(k.vnodes()[v].nlink, 1U);
  EXPECT_EQ(k.open(pid, "g", kRw).ret, 4);
  EXPECT_EQ(k.unlink(pid, "f").err, Errno::kENOENT);
}

// rename(2): replaces a file, refuses a directory over a file (ENOTDIR), a
// file over a directory (EISDIR), a non-empty target directory (ENOTEMPTY)
// and a directory into itself (EINVAL); two names of one file: nothing.
TEST_F(VfsTest, RenameRules) {
  ASSERT_EQ(k.open(pid, "f", kCreate).ret, 3);
  ASSERT_EQ(k.open(pid, "g", kCreate).ret, 4);
  ASSERT_EQ(k.mkdir(pid, "d", 0755).ret, 0);
  ASSERT_EQ(k.mkdir(pid, "e", 0755).ret, 0);
  ASSERT_EQ(k.mkdir(pid, "e/x", 0755).ret, 0);
  EXPECT_EQ(k.rename(pid, "d", "f").err, Errno::kENOTDIR);
  EXPECT_EQ(k.rename(pid, "f", "d").err, Errno::kEISDIR);
  EXPECT_EQ(k.rename(pid, "d", "e").err, Errno::kENOTEMPTY);
  EXPECT_EQ(k.rename(pid, "e", "e/x/y").err, Errno::kEINVAL);
  EXPECT_EQ(k.rename(pid, "nothing", "z").err, Errno::kENOENT);
  ASSERT_EQ(k.link(pid, "f", "f2").ret, 0);
  EXPECT_EQ(k.rename(pid, "f", "f2").ret, 0);
  EXPECT_EQ(k.open(pid, "f", kRw).ret, 5);  // still there: nothing happened
  EXPECT_EQ(k.rename(pid, "f", "g").ret, 0);
  EXPECT_EQ(k.open(pid, "f", kRw).err, Errno::kENOENT);
  EXPECT_EQ(k.rename(pid, "d", "e/x").ret, 0);  // an empty directory is replaced
  EXPECT_EQ(k.vnodes()[kRootVnode].nlink, 4U);  // ".", "..", tmp's and e's ".."
}

// truncate/ftruncate: negative EINVAL, a directory EISDIR, a read-only
// descriptor or a pipe EINVAL (kern_ftruncate).
TEST_F(VfsTest, Truncate) {
  int f = static_cast<int>(k.open(pid, "f", kCreate).ret);
  EXPECT_EQ(k.ftruncate(pid, f, 30).ret, 0);
  EXPECT_EQ(k.vnodes()[vnode_of(k, pid, f)].size, 30);
  EXPECT_EQ(k.truncate(pid, "f", 5).ret, 0);
  EXPECT_EQ(k.vnodes()[vnode_of(k, pid, f)].size, 5);
  EXPECT_EQ(k.truncate(pid, "f", -1).err, Errno::kEINVAL);
  ASSERT_EQ(k.mkdir(pid, "d", 0755).ret, 0);
  EXPECT_EQ(k.truncate(pid, "d", 0).err, Errno::kEISDIR);
  int r = static_cast<int>(k.open(pid, "f", oflag::kRdonly).ret);
  EXPECT_EQ(k.ftruncate(pid, r, 0).err, Errno::kEINVAL);
  auto p = new_pipe();
  EXPECT_EQ(k.ftruncate(pid, p[0], 0).err, Errno::kEINVAL);
  EXPECT_EQ(k.ftruncate(pid, 99, 0).err, Errno::kEBADF);
  EXPECT_EQ(k.ftruncate(pid, 99, -1).err, Errno::kEINVAL);  // the length is checked first
}

// O_TRUNC empties the file; opening with O_TRUNC read-only, or a mode that
// would refuse its owner, is reported as not modelled.
TEST_F(VfsTest, OpenTruncAndUnmodelledCases) {
  int f = static_cast<int>(k.open(pid, "f", kCreate).ret);
  k.write(pid, f, 8);
  EXPECT_EQ(k.open(pid, "f", oflag::kWronly | oflag::kTrunc).ret, 4);
  EXPECT_EQ(k.vnodes()[vnode_of(k, pid, f)].size, 0);
  EXPECT_EQ(k.open(pid, "f", oflag::kRdonly | oflag::kTrunc).completion, Completion::kUnsupported);
  ASSERT_EQ(k.chmod(pid, "f", 0).ret, 0);
  EXPECT_EQ(k.open(pid, "f", oflag::kRdonly).completion, Completion::kUnsupported);
}

// The file and its offset are shared by dup and across fork.
TEST_F(VfsTest, OffsetIsSharedByDupAndFork) {
  int f = static_cast<int>(k.open(pid, "f", kCreate).ret);
  k.write(pid, f, 10);
  int d = static_cast<int>(k.dup(pid, f).ret);
  EXPECT_EQ(k.lseek(pid, d, 0, kSeekCur).ret, 10);
  Pid child = static_cast<Pid>(k.fork(pid).ret);
  EXPECT_EQ(k.lseek(child, f, 3, kSeekSet).ret, 3);
  EXPECT_EQ(k.lseek(pid, f, 0, kSeekCur).ret, 3);
}

}  // namespace
}  // namespace kqsim::model::testing
