/* kqvm-init: the whole userland of the recording VM (tools/vm/run.sh).
 *
 * Runs as /sbin/init on a FreeBSD kernel whose root is a memory disk made by
 * the runner. It mounts devfs, remounts the root read-write (traces' files
 * live on UFS, the file system the model follows), records every trace listed
 * in /kq/manifest with /kq/kqrecord, one process group per trace, each with a
 * fresh TMPDIR and KQSIM_SOCKET_DIR and a time limit, and sends each
 * recording, exit status and stderr back to the Linux side as base64 between
 * marker lines on the second serial port (the first is the console, where
 * kernel messages could interleave). Then it powers the machine off.
 *
 * Before recording it configures lo0 as rc(8)'s ifconfig would (127.0.0.1/8,
 * up): the kernel creates the loopback interface but leaves it down with no
 * address, and the loopback TCP traces connect to 127.0.0.1.
 *
 * /kq/manifest: first line "LIMIT_S STEP_TIMEOUT_MS", then one trace per
 * line: "ID TRACE_PATH [MD]" (paths relative to /kq/traces, no spaces). A
 * trace that unmounts its file system names a memory disk the loader
 * preloaded (md1): the blank UFS1 image /kq/fs.img is written over it again
 * and it is mounted on the trace's fs/ folder, which the recorder takes as
 * the program's root (KQSIM_SCRATCH_DIR), so unmount(".") meets a mount
 * point as in the model, and every such trace starts from an empty one.
 */
#include <sys/param.h>
#include <sys/event.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <net/if.h>
#include <netinet/in.h>
#include <netinet/in_var.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static FILE *data_out; /* where records go: /dev/cuau1, else the console */

static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("kqvm-init: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void power_off(void) {
  fflush(NULL);
  sync();
  reboot(RB_POWEROFF);
  for (;;) pause();
}

static char mount_errmsg[256]; /* the kernel's word on the last nmount that failed */

static int mount_fs(const char *fstype, const char *fspath, const char *from, int flags) {
  struct iovec iov[10];
  int n = 0;
  mount_errmsg[0] = '\0';
#define OPT(k, v)                                   \
  do {                                              \
    iov[n].iov_base = (void *)(k);                  \
    iov[n++].iov_len = strlen(k) + 1;               \
    iov[n].iov_base = (void *)(v);                  \
    iov[n++].iov_len = (v) ? strlen(v) + 1 : 0;     \
  } while (0)
  OPT("fstype", fstype);
  OPT("fspath", fspath);
  if (from) OPT("from", from);
  if (flags & MNT_UPDATE) OPT("noro", (const char *)NULL);
#undef OPT
  iov[n].iov_base = (void *)"errmsg";
  iov[n++].iov_len = sizeof "errmsg";
  iov[n].iov_base = mount_errmsg;
  iov[n++].iov_len = sizeof mount_errmsg;
  return nmount(iov, (unsigned)n, flags);
}

static void open_console(void) {
  int fd = open("/dev/console", O_RDWR);
  if (fd < 0) return;
  dup2(fd, 0);
  dup2(fd, 1);
  dup2(fd, 2);
  if (fd > 2) close(fd);
}

/* The data port is raw: no newline translation, no echo, no flow control. */
static void open_data_port(void) {
  int fd = open("/dev/cuau1", O_RDWR | O_NOCTTY | O_NONBLOCK);
  struct termios t;
  if (fd >= 0 && tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL;
    t.c_cflag &= ~(tcflag_t)CRTSCTS;
    cfsetspeed(&t, B115200);
    tcsetattr(fd, TCSANOW, &t);
    fcntl(fd, F_SETFL, 0);
    data_out = fdopen(fd, "w");
  }
  if (data_out == NULL) {
    say("no second serial port (/dev/cuau1: %s); records go to the console", strerror(errno));
    data_out = stdout;
  }
}

static void put_base64_file(const char *path) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  FILE *f = fopen(path, "rb");
  unsigned char in[57];
  size_t got;
  if (f == NULL) return;
  while ((got = fread(in, 1, sizeof in, f)) > 0) {
    char line[80];
    size_t o = 0;
    for (size_t i = 0; i < got; i += 3) {
      unsigned v = (unsigned)in[i] << 16;
      if (i + 1 < got) v |= (unsigned)in[i + 1] << 8;
      if (i + 2 < got) v |= in[i + 2];
      line[o++] = tab[(v >> 18) & 63];
      line[o++] = tab[(v >> 12) & 63];
      line[o++] = i + 1 < got ? tab[(v >> 6) & 63] : '=';
      line[o++] = i + 2 < got ? tab[v & 63] : '=';
    }
    line[o++] = '\n';
    fwrite(line, 1, o, data_out);
  }
  fclose(f);
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Reaps every zombie init has inherited (workers orphaned by a recording). */
static void reap_orphans(void) {
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

/* Waits for pid until limit_s; returns its wait status, or -1 on timeout. */
static int wait_limited(pid_t pid, int limit_s) {
  int kq = kqueue();
  struct kevent ev;
  struct timespec limit = {limit_s, 0};
  int status = 0;
  EV_SET(&ev, (uintptr_t)pid, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);
  if (kq >= 0 && kevent(kq, &ev, 1, NULL, 0, NULL) == 0) {
    int n = kevent(kq, NULL, 0, &ev, 1, &limit);
    close(kq);
    if (n == 0) return -1;
  } else if (kq >= 0) {
    close(kq); /* already gone (ESRCH): waitpid below reaps it */
  }
  if (waitpid(pid, &status, 0) != pid) return -1;
  return status;
}

/* lo0: 127.0.0.1/8 added (SIOCAIFADDR, in_control -> in_aifaddr_ioctl) and
 * the interface up (SIOCSIFFLAGS IFF_UP, ifhwioctl). Returns 0, or -1 with a
 * message on the console naming the step that failed. */
static int configure_loopback(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) {
    say("lo0: socket(AF_INET, SOCK_DGRAM): %s", strerror(errno));
    return -1;
  }
  struct in_aliasreq ar;
  memset(&ar, 0, sizeof ar);
  strlcpy(ar.ifra_name, "lo0", sizeof ar.ifra_name);
  ar.ifra_addr.sin_len = sizeof ar.ifra_addr;
  ar.ifra_addr.sin_family = AF_INET;
  ar.ifra_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ar.ifra_mask.sin_len = sizeof ar.ifra_mask;
  ar.ifra_mask.sin_family = AF_INET;
  ar.ifra_mask.sin_addr.s_addr = htonl(IN_CLASSA_NET);
  int rc = -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strlcpy(ifr.ifr_name, "lo0", sizeof ifr.ifr_name);
  if (ioctl(s, SIOCAIFADDR, &ar) != 0)
    say("lo0: adding 127.0.0.1/8 (SIOCAIFADDR): %s; loopback TCP traces will fail with ENETUNREACH", strerror(errno));
  else if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
    say("lo0: reading its flags (SIOCGIFFLAGS): %s", strerror(errno));
  else {
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
      say("lo0: setting IFF_UP (SIOCSIFFLAGS): %s; loopback TCP traces will fail", strerror(errno));
    else
      rc = 0;
  }
  close(s);
  return rc;
}

/* Writes the blank image over the disk: whatever the last trace left (or a
 * forced unmount left dirty) is gone. 0, or -1 with a message. */
static int restore_blank_fs(const char *disk) {
  int in = open("/kq/fs.img", O_RDONLY);
  int out = open(disk, O_WRONLY);
  static char buf[1 << 16];
  ssize_t n = 0;
  int rc = in >= 0 && out >= 0 ? 0 : -1;
  while (rc == 0 && (n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) rc = -1;
  }
  if (n < 0) rc = -1;
  if (rc != 0) say("writing /kq/fs.img over %s: %s", disk, strerror(errno));
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  return rc;
}

/* The trace's own file system: the preloaded disk /dev/MD, blank again,
 * mounted on fs (made here). 0, or -1 with a message (the trace then records
 * on the root file system, and its unmount steps answer EINVAL). */
static int mount_trace_fs(const char *fs, const char *md) {
  char from[64];
  snprintf(from, sizeof from, "/dev/%s", md);
  if (restore_blank_fs(from) != 0) return -1;
  if (mkdir(fs, 0755) != 0) {
    say("cannot make %s: %s", fs, strerror(errno));
    return -1;
  }
  if (mount_fs("ufs", fs, from, 0) != 0) {
    say("mounting %s on %s: %s%s%s", from, fs, strerror(errno), mount_errmsg[0] ? ": " : "", mount_errmsg);
    return -1;
  }
  return 0;
}

static void record_one(const char *id, const char *trace, const char *md, int limit_s, const char *step_timeout) {
  char dir[PATH_MAX], tmp[PATH_MAX], sock[PATH_MAX], in[PATH_MAX], out[PATH_MAX], err[PATH_MAX], fs[PATH_MAX];
  snprintf(dir, sizeof dir, "/kq/run/%s", id);
  snprintf(fs, sizeof fs, "%s/fs", dir);
  snprintf(tmp, sizeof tmp, "%s/tmp", dir);
  snprintf(sock, sizeof sock, "%s/sock", dir);
  snprintf(in, sizeof in, "/kq/traces/%s", trace);
  snprintf(out, sizeof out, "%s/out.json", dir);
  snprintf(err, sizeof err, "%s/stderr", dir);
  if (mkdir(dir, 0755) != 0 || mkdir(tmp, 01777) != 0 || mkdir(sock, 0755) != 0) {
    say("cannot make %s: %s", dir, strerror(errno));
    power_off();
  }
  const int own_fs = md[0] != '\0' && mount_trace_fs(fs, md) == 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    closefrom(3);
    chdir(dir);
    char *argv[] = {"/kq/kqrecord", in, "-o", out, "--step-timeout-ms", (char *)step_timeout, NULL};
    char env_tmp[PATH_MAX + 8], env_sock[PATH_MAX + 20], env_scratch[PATH_MAX + 20];
    snprintf(env_tmp, sizeof env_tmp, "TMPDIR=%s", tmp);
    snprintf(env_sock, sizeof env_sock, "KQSIM_SOCKET_DIR=%s", sock);
    snprintf(env_scratch, sizeof env_scratch, "KQSIM_SCRATCH_DIR=%s", fs);
    char *envp[] = {env_tmp, env_sock, "PATH=/kq", "HOME=/", own_fs ? env_scratch : NULL, NULL};
    execve(argv[0], argv, envp);
    dprintf(2, "kqvm-init: execve /kq/kqrecord: %s\n", strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  int status = pid > 0 ? wait_limited(pid, limit_s) : -2;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (pid > 0) kill(-pid, SIGKILL); /* workers the recording left behind */
  if (status == -1) waitpid(pid, NULL, 0);
  reap_orphans();
  if (own_fs) unmount(fs, MNT_FORCE); /* unless the trace did: then EINVAL */
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  char what[64];
  if (status == -2)
    snprintf(what, sizeof what, "fork-failed");
  else if (status == -1)
    snprintf(what, sizeof what, "timeout");
  else if (WIFSIGNALED(status))
    snprintf(what, sizeof what, "signal %d", WTERMSIG(status));
  else
    snprintf(what, sizeof what, "exit %d", WEXITSTATUS(status));
  fprintf(data_out, "@@KQVM BEGIN %s ms=%ld status=%s\n@@KQVM OUT %ld\n", id, ms, what, file_size(out));
  put_base64_file(out);
  fprintf(data_out, "@@KQVM ERR %ld\n", file_size(err));
  put_base64_file(err);
  fprintf(data_out, "@@KQVM END %s\n", id);
  fflush(data_out);
  unlink(out);
  unlink(err);
}

int main(void) {
  if (mount_fs("devfs", "/dev", NULL, 0) != 0) {
    /* no console yet: nothing to say it on */
  }
  open_console();
  if (mount_fs("ufs", "/", "/dev/md0", MNT_UPDATE) != 0) say("remounting / read-write: %s", strerror(errno));
  open_data_port();
  int lo0 = configure_loopback();
  struct utsname u;
  uname(&u);
  fprintf(data_out, "@@KQVM HELLO %s %s %s\n", u.sysname, u.release, u.machine);
  if (lo0 != 0) fprintf(data_out, "@@KQVM WARN lo0 not configured (see the serial console)\n");
  fflush(data_out);

  FILE *m = fopen("/kq/manifest", "r");
  int limit_s = 60;
  char step_timeout[32] = "3000";
  char line[PATH_MAX + 64];
  if (m == NULL || fgets(line, sizeof line, m) == NULL || sscanf(line, "%d %31s", &limit_s, step_timeout) != 2) {
    say("cannot read /kq/manifest");
    power_off();
  }
  mkdir("/kq/run", 0755);
  while (fgets(line, sizeof line, m) != NULL) {
    char id[64], trace[PATH_MAX], md[16] = "";
    if (sscanf(line, "%63s %1023s %15s", id, trace, md) >= 2) record_one(id, trace, md, limit_s, step_timeout);
  }
  fclose(m);
  fprintf(data_out, "@@KQVM DONE\n");
  power_off();
  return 0;
}
