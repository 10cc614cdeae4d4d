/*
 * A BSD program through the drop-in whose system() shells change a file it
 * watches, and which reads a host file the model imports. Expected values:
 * vfs_subr.c vop_setattr_post (touch's futimens: NOTE_ATTRIB),
 * vop_write_post (an appending write: NOTE_WRITE|NOTE_EXTEND),
 * vop_remove_post (rm: NOTE_DELETE); system(3) returns the shell's wait
 * status (exit 3 gives 0x300); vfs_subr.c filt_vfsread (a regular file's
 * EVFILT_READ data is its size less the offset).
 * Usage: kqsim_system_program_test HOST_FILE (a regular host file, not empty,
 * outside /tmp)
 */
#include <sys/event.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

static const char *kFile = "/tmp/kqsim-system-test";

static int next_fflags(int kq) {
  struct kevent ev;
  struct timespec zero = {0, 0};
  int n = kevent(kq, NULL, 0, &ev, 1, &zero);
  return n == 1 ? (int)ev.fflags : -n;
}

static void shell_changes_a_watched_file(void) {
  char cmd[256];
  int fd = open(kFile, O_CREAT | O_RDWR, 0600);
  int kq = kqueue();
  struct kevent kev;
  CHECK(fd >= 0 && kq >= 0);
  EV_SET(&kev, fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_ATTRIB | NOTE_WRITE | NOTE_EXTEND | NOTE_DELETE, 0, NULL);
  CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) == 0);
  snprintf(cmd, sizeof cmd, "touch %s", kFile);
  CHECK(system(cmd) == 0);
  CHECK(next_fflags(kq) == NOTE_ATTRIB);
  snprintf(cmd, sizeof cmd, "echo hi >> %s", kFile);
  CHECK(system(cmd) == 0);
  CHECK(next_fflags(kq) == (NOTE_WRITE | NOTE_EXTEND));
  CHECK(system("exit 3") == 0x300);
  CHECK(next_fflags(kq) == 0);
  /* mv stats its operands first: the model has no stat, so mv fails. */
  snprintf(cmd, sizeof cmd, "mv %s %s.2 2>/dev/null", kFile, kFile);
  CHECK(system(cmd) != 0);
  snprintf(cmd, sizeof cmd, "rm %s", kFile);
  CHECK(system(cmd) == 0);
  CHECK(next_fflags(kq) == NOTE_DELETE);
  CHECK(open(kFile, O_RDONLY) == -1 && errno == ENOENT);
  close(kq);
  close(fd);
}

static void host_file_imported(const char *path, const char *another) {
  struct stat st;
  struct kevent kev;
  struct timespec zero = {0, 0};
  CHECK(stat(path, &st) == 0 && st.st_size > 0);
  int fd = open(path, O_RDONLY);
  int kq = kqueue();
  CHECK(fd >= 0);
  EV_SET(&kev, fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
  CHECK(kevent(kq, &kev, 1, &kev, 1, &zero) == 1 && kev.data == st.st_size);
  CHECK(lseek(fd, st.st_size, SEEK_SET) == st.st_size);
  CHECK(kevent(kq, NULL, 0, &kev, 1, &zero) == 0);
  /* Only where the path's top directory is not the model's: a host file in
     /tmp is not imported (the host's stdio makes it). */
  FILE *host = fopen("/tmp/kqsim-host-only", "w");
  CHECK(host != NULL && fputs("x", host) >= 0 && fclose(host) == 0);
  CHECK(open("/tmp/kqsim-host-only", O_RDONLY) == -1 && errno == ENOENT);
  remove("/tmp/kqsim-host-only");
  /* KQSIM_HOST_FILES=0: no import. */
  setenv("KQSIM_HOST_FILES", "0", 1);
  CHECK(another[0] != '/' || (open(another, O_RDONLY) == -1 && errno == ENOENT));
  unsetenv("KQSIM_HOST_FILES");
  close(kq);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s HOST_FILE\n", argv[0]);
    return 2;
  }
  shell_changes_a_watched_file();
  host_file_imported(argv[1], argv[0]);
  if (failures == 0) printf("system program: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
